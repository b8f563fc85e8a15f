"""Export the histories that the replay tests hold the workflows to.

Runs PostcardWorkflow on a throwaway dev server (one completed run, a regenerate of its copy,
one run failed at the image step) and WebhookDeliveryWorkflow (a delivery whose receiver fails
once, then answers 200), then exports each with `temporal workflow show --output json` into
tests/histories/ (the delivery into tests/histories/webhooks/).

Until the first release these files are simply re-exported after a workflow change (`--force`).
From the first release on, a change goes behind `workflow.patched` and its histories are
exported under new names (`--prefix`), so the runs recorded before it keep proving that they
still replay.
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
from core.models import KeptResults
from core.settings import Settings
from core.webhook_checks import new_secret
from runs.dispatcher import start_delivery
from runs.wiring import run_store
from tests.fakes.receiver import Receiver
from tests.harness import make_request, record_completed, running_worker, start_postcard
from tests.test_pipeline import BlockedImage, FixedFactory

OUT = Path(__file__).resolve().parent.parent / "tests" / "histories"
WEBHOOK_OUT = OUT / "webhooks"
WEBHOOK_TASK = "history-hook"


async def run_cases(address: str, workdir: Path, prefix: str, skip: set[str]) -> list[str]:
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
    completed, failed = f"{prefix}-completed", f"{prefix}-failed-image"
    revision = f"{prefix}-completed-r2"
    if completed not in skip or revision not in skip:
        async with running_worker(client, settings) as (_, queue):
            request = make_request("做一张温馨可爱的生日明信片")
            request.task_id = f"{prefix}-completed"
            first = await (await start_postcard(client, request, queue)).result()
            ids.append(request.task_id)
            # A regenerate of the copy: revision 2 keeps the concept and the image. Its run is
            # begun in the store first, as the API does (a run the store does not know ends).
            run_store(settings).begin_revision(request.task_id, "content", "更幽默一点")
            again = request.model_copy(
                update={
                    "revision": 2,
                    "instruction": "更幽默一点",
                    "kept": KeptResults(concept=first.concept, image=first.image),
                }
            )
            await (await start_postcard(client, again, queue)).result()
            ids.append(again.run_id)
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


async def run_webhook_case(address: str, workdir: Path) -> str:
    """Deliver one completed event to a receiver that fails once; the delivery's workflow id."""
    secret = new_secret()
    receiver = Receiver(secret, failures=1)
    settings = Settings(
        _env_file=None,  # type: ignore[call-arg]
        data_dir=workdir / "hook-data",
        temporal_address=address,
        temporal_task_queue="history-hooks",
        webhook_url=receiver.url,
        webhook_secret=secret,
        webhook_allow_private=True,
        webhook_retry_initial_s=0.5,
    )
    migrate(settings.effective_database_url)
    client = await Client.connect(address, data_converter=pydantic_data_converter)
    request = make_request("a thank-you card for my team")
    request.task_id = WEBHOOK_TASK
    record_completed(settings, request, {})  # the store's write makes the outbox row
    delivery = f"webhook-{WEBHOOK_TASK}-r1-completed"
    try:
        async with running_worker(client, settings, task_queue=settings.temporal_task_queue):
            await start_delivery(client, settings, delivery, WEBHOOK_TASK)
            await client.get_workflow_handle(delivery).result()
    finally:
        receiver.stop()
    if receiver.bad_signatures or list(receiver.seen.values()) != [2]:
        raise RuntimeError(f"unexpected deliveries: {receiver.seen}, {receiver.bad_signatures}")
    return delivery


def export(address: str, workflow_id: str, folder: Path, name: str | None = None) -> None:
    """`temporal workflow show --output json` of one run into `folder`."""
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
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{name or workflow_id}.json").write_bytes(shown.stdout)
    print(f"exported {workflow_id}")


def main() -> None:
    """Start a dev server, record the cases not yet exported, export them, stop."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--prefix", default="history", help="file-name prefix of this export")
    parser.add_argument("--force", action="store_true", help="overwrite existing histories")
    args = parser.parse_args()
    OUT.mkdir(parents=True, exist_ok=True)
    existing = {path.stem for path in OUT.glob("*.json")}
    skip = set() if args.force else existing
    for case in ("completed", "completed-r2", "failed-image"):
        if f"{args.prefix}-{case}" in skip:
            print(f"kept {args.prefix}-{case} (exists; --force overwrites)")
    with tempfile.TemporaryDirectory() as tmp:
        server, port = start_dev_server(
            lambda port: dev_server_command(port, None), Path(tmp) / "server.log"
        )
        try:
            address = f"127.0.0.1:{port}"
            for workflow_id in asyncio.run(run_cases(address, Path(tmp), args.prefix, skip)):
                export(address, workflow_id, OUT)
            delivered = WEBHOOK_OUT / f"{args.prefix}-delivery-retried.json"
            if args.force or not delivered.exists():
                workflow_id = asyncio.run(run_webhook_case(address, Path(tmp)))
                export(address, workflow_id, WEBHOOK_OUT, delivered.stem)
            else:
                print(f"kept {delivered.stem} (exists; --force overwrites)")
        finally:
            stop_dev_server(server)


if __name__ == "__main__":
    main()
