"""Record the histories that the replay tests hold the workflow to.

Runs PostcardWorkflow on a throwaway dev server (one completed run, one failed at the image
step), then exports each with `temporal workflow show --output json` into tests/histories/ as
`history-<generation>-completed.json` and `history-<generation>-failed-image.json`.

Re-run after an intended workflow change that is guarded by `workflow.patched`, with a new
`--generation` name. Existing files are never overwritten (unless `--force`): the histories of
older generations stay, so the replay test keeps proving that runs started before the change
still replay on the new code. The first generation has no infix (history-completed.json).
"""

from __future__ import annotations

import argparse
import asyncio
import subprocess
import sys
import tempfile
from pathlib import Path

from temporalio.client import Client, WorkflowFailureError
from temporalio.contrib.pydantic import pydantic_data_converter

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from core.devserver import (
    dev_server_command,
    start_dev_server,
    stop_dev_server,
    temporal_binary,
)
from core.migrate import migrate
from core.settings import Settings
from tests.harness import make_request, running_worker, start_postcard
from tests.test_pipeline import BlockedImage, FixedFactory

OUT = Path(__file__).resolve().parent.parent / "tests" / "histories"
# The newest generation (CURRENT_GENERATION = DEADLINE_GENERATION, from the input, no patch
# marker): the lean sequence (content ∥ image, batched search attributes, PostcardStep=concept
# set at start, success saved by the frontend step) bounded by activity deadlines, not a timer.
GENERATION = "deadline"


def history_id(generation: str, case: str) -> str:
    """Workflow id and file stem of one recorded case."""
    return f"history-{generation}-{case}" if generation else f"history-{case}"


async def record(address: str, workdir: Path, generation: str, skip: set[str]) -> list[str]:
    """Run the sample postcards and return their workflow ids."""
    settings = Settings(
        _env_file=None,  # type: ignore[call-arg]
        data_dir=workdir / "data",
        temporal_address=address,
        text_provider="local",
        image_provider="local",
        code_provider="local",
    )
    migrate(settings.effective_database_url)
    client = await Client.connect(address, data_converter=pydantic_data_converter)
    ids = []
    completed, failed = history_id(generation, "completed"), history_id(generation, "failed-image")
    if completed not in skip:
        async with running_worker(client, settings) as (_, queue):
            request = make_request("做一张温馨可爱的生日明信片")
            request.task_id = completed
            await (await start_postcard(client, request, queue)).result()
            ids.append(request.task_id)
    if failed not in skip:
        blocked = FixedFactory(settings, image=BlockedImage())
        async with running_worker(client, settings, blocked) as (_, queue):
            request = make_request("a thank-you card for my team")
            request.task_id = failed
            try:
                await (await start_postcard(client, request, queue)).result()
            except WorkflowFailureError:
                ids.append(request.task_id)
    return ids


def main() -> None:
    """Start a dev server, record the cases not yet exported, export them, stop."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--generation", default=GENERATION, help="file-name infix of this run")
    parser.add_argument("--force", action="store_true", help="overwrite existing histories")
    args = parser.parse_args()
    OUT.mkdir(parents=True, exist_ok=True)
    existing = {path.stem for path in OUT.glob("*.json")}
    skip = set() if args.force else existing
    for case in ("completed", "failed-image"):
        if history_id(args.generation, case) in skip:
            print(f"kept {history_id(args.generation, case)} (exists; --force overwrites)")
    with tempfile.TemporaryDirectory() as tmp:
        server, port = start_dev_server(
            lambda port: dev_server_command(port, None), Path(tmp) / "server.log"
        )
        try:
            address = f"127.0.0.1:{port}"
            for workflow_id in asyncio.run(record(address, Path(tmp), args.generation, skip)):
                shown = subprocess.run(
                    [
                        temporal_binary(),
                        "workflow",
                        "show",
                        "--address",
                        address,
                        "--workflow-id",
                        workflow_id,
                        "--output",
                        "json",
                    ],
                    check=True,
                    capture_output=True,
                )
                (OUT / f"{workflow_id}.json").write_bytes(shown.stdout)
                print(f"exported {workflow_id}")
        finally:
            stop_dev_server(server)


if __name__ == "__main__":
    main()
