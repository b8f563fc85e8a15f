"""CPU of the run store's writes per postcard: `python -m bench.bench_writes`.

Eight writes a postcard, as the activities make them: each step started, then finished (the
last one completes the run). Prints CPU ms per postcard (process time, so the machine's load
barely moves it). Not part of `python -m bench`: it measures one module, not the stack.
"""

from __future__ import annotations

import argparse
import tempfile
import time
import uuid

from core.db import make_engine, utcnow
from core.migrate import migrate
from core.models import STEPS, PostcardRequest, StepProgress, StepState
from runs.store import RunStore


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--postcards", type=int, default=300)
    parser.add_argument("--database-url", help="default: a fresh SQLite file")
    args = parser.parse_args()
    url = args.database_url or f"sqlite:///{tempfile.mkdtemp()}/postcards.db"
    migrate(url)
    store = RunStore(make_engine(url))
    requests = [
        PostcardRequest(task_id=uuid.uuid4().hex, user_input="生日快乐", created_at=utcnow())
        for _ in range(args.postcards)
    ]
    for request in requests:
        store.create_pending(request)
    done = {step: StepProgress(status=StepState.COMPLETED, attempts=1) for step in STEPS}
    began = time.process_time()
    for request in requests:
        for step in STEPS:
            store.step_started(request, step, 1, "local", utcnow())
            store.step_finished(request, step, done[step], {"preview_url": "/preview/x"})
    per_postcard = (time.process_time() - began) * 1000 / len(requests)
    print(f"{per_postcard:.2f} ms CPU per postcard (8 writes, {url.split(':')[0]})")


if __name__ == "__main__":
    main()
