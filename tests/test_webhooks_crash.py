"""A worker SIGKILLed mid-postcard: the run ends once on a new worker, and its end makes exactly
one webhook event (one webhook-id, one request) at WEBHOOK_URL. Real worker processes, Temporal,
SQLite (the outbox's two databases are covered in test_webhooks_outbox.py)."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import subprocess
import sys
import uuid
from pathlib import Path

from temporalio.client import Client

from core.migrate import migrate
from core.models import PostcardStatus, Progress, StepState
from core.settings import Settings
from core.webhook_checks import new_secret
from runs.dispatcher import Dispatcher
from runs.webhooks import WebhookStore
from runs.wiring import run_store
from tests.conftest import REPO
from tests.fakes.receiver import Receiver
from tests.harness import fast_options, make_request, start_postcard


def _worker(env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "worker.py"],
        cwd=REPO,
        env=os.environ | env,
        stdout=log.open("ab"),
        stderr=subprocess.STDOUT,
    )


def _image_pids(call_log: Path) -> list[int]:
    """The worker process of each image call, in order."""
    if not call_log.exists():
        return []
    lines = [json.loads(line) for line in call_log.read_text().splitlines() if line]
    return [entry["pid"] for entry in lines if entry["step"] == "image"]


def _image_calls(call_log: Path) -> int:
    return len(_image_pids(call_log))


async def test_a_sigkilled_worker_still_makes_one_event_per_run_end(
    client: Client, temporal_address: str, tmp_path: Path
) -> None:
    secret = new_secret()
    receiver = Receiver(secret)
    queue = f"crash-hooks-{uuid.uuid4().hex[:8]}"
    database_url = f"sqlite:///{tmp_path / 'postcards.db'}"
    migrate(database_url)
    call_log = tmp_path / "calls.jsonl"
    env = {
        "DATA_DIR": str(tmp_path / "data"),
        "DATABASE_URL": database_url,
        "TEMPORAL_ADDRESS": temporal_address,
        "TEMPORAL_TASK_QUEUE": queue,
        "TEXT_PROVIDER": "instant",
        "IMAGE_PROVIDER": "sleepy",
        "CODE_PROVIDER": "instant",
        "SIMULATED_DELAYS": "image=2",
        "SIMULATED_CALL_LOG": str(call_log),
        "WEBHOOK_URL": receiver.url,
        "WEBHOOK_SECRET": secret,
        "WEBHOOK_ALLOW_PRIVATE": "1",
        "WEBHOOK_RETRY_INITIAL_S": "0.2",
        "WORKER_METRICS_PORT": "0",
        "WORKER_APP_METRICS_PORT": "0",
        # No sticky cache: the workflow's next task goes straight to the new worker instead of
        # waiting out the dead one's sticky queue (10 s).
        "WORKER_MAX_CACHED_WORKFLOWS": "0",
    }
    settings = Settings(_env_file=None, **{k.lower(): v for k, v in env.items()})  # type: ignore[arg-type]
    dispatcher = Dispatcher(client, WebhookStore(run_store(settings).engine), settings)
    stop = asyncio.Event()
    dispatching = asyncio.create_task(dispatcher.run(stop))
    options = fast_options()
    options.image.heartbeat_s = 1.5
    request = make_request("a birthday card for Anna", options=options)
    handle = await start_postcard(client, request, queue)
    # Two workers from the start (a start costs seconds on a busy machine); the one that paints
    # the image is killed, the other finishes the postcard.
    workers = [_worker(env, tmp_path / f"worker{n}.log") for n in (1, 2)]
    try:
        for _ in range(1200):
            if _image_calls(call_log):
                break
            await asyncio.sleep(0.05)
        for _ in range(200):  # the kill lands in the image step alone
            progress = await handle.query("progress", result_type=Progress)
            if progress.steps["content"].status is StepState.COMPLETED:
                break
            await asyncio.sleep(0.02)
        painter = next(w for w in workers if w.pid == _image_pids(call_log)[0])
        os.kill(painter.pid, signal.SIGKILL)
        painter.wait(timeout=10)
        result = await asyncio.wait_for(handle.result(), timeout=60)
        for _ in range(200):
            if receiver.seen:
                break
            await asyncio.sleep(0.05)
        await asyncio.sleep(1.0)  # two dispatcher rounds: nothing more comes
    finally:
        stop.set()
        await dispatching
        for worker in workers:
            if worker.poll() is None:
                worker.send_signal(signal.SIGTERM)
                worker.wait(timeout=30)
        receiver.stop()
    assert result.status is PostcardStatus.COMPLETED
    assert len(set(_image_pids(call_log))) == 2, "the kill landed mid-image: it ran twice"
    deliveries = WebhookStore(run_store(settings).engine).of_task(request.task_id)
    assert [d.delivery.id for d in deliveries] == [f"webhook-{request.task_id}-r1-completed"]
    assert dict(receiver.seen) == {deliveries[0].delivery.webhook_id: 1}
    assert receiver.bad_signatures == []
    (event,) = receiver.bodies(deliveries[0].delivery.webhook_id)
    assert event["type"] == "postcard.completed" and event["data"]["status"] == "COMPLETED"
    assert dispatcher.started == 1
