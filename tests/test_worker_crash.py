"""A worker killed with SIGKILL mid-step: a new worker finishes the postcard, nothing is redone."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import subprocess
import sys
import uuid
from collections import Counter
from pathlib import Path

from temporalio.client import Client

from core.models import KeptResults, PostcardStatus, Progress, StepState
from core.settings import Settings
from runs.wiring import run_reads, run_store
from tests.conftest import REPO
from tests.harness import fast_options, make_request, shown_run, start_postcard


def _spawn_worker(settings: Settings, queue: str, call_log: Path, log: Path) -> subprocess.Popen:
    env = os.environ | {
        "DATA_DIR": str(settings.data_dir),
        "DATABASE_URL": settings.effective_database_url,
        "TEMPORAL_ADDRESS": settings.temporal_address,
        "TEMPORAL_TASK_QUEUE": queue,
        "TEXT_PROVIDER": "instant",
        "IMAGE_PROVIDER": "sleepy",
        "CODE_PROVIDER": "instant",
        "SIMULATED_DELAYS": "image=3",
        "SIMULATED_CALL_LOG": str(call_log),
    }
    return subprocess.Popen(
        [sys.executable, "worker.py"],
        cwd=REPO,
        env=env,
        stdout=log.open("ab"),
        stderr=subprocess.STDOUT,
    )


def _calls(call_log: Path, task_id: str) -> Counter[str]:
    if not call_log.exists():
        return Counter()
    lines = [json.loads(line) for line in call_log.read_text().splitlines() if line]
    return Counter(entry["step"] for entry in lines if entry["task_id"] == task_id)


async def test_sigkilled_worker_resumes_without_redoing_completed_steps(
    client: Client, settings: Settings, tmp_path: Path
) -> None:
    queue = f"crash-{uuid.uuid4().hex[:8]}"
    call_log = tmp_path / "calls.jsonl"
    options = fast_options()
    options.image.heartbeat_s = 1.5
    request = make_request("a birthday card for Anna", options=options)
    handle = await start_postcard(client, request, queue)

    first = _spawn_worker(settings, queue, call_log, tmp_path / "worker1.log")
    try:
        for _ in range(600):
            if _calls(call_log, request.task_id)["image"]:
                break
            await asyncio.sleep(0.05)
        assert _calls(call_log, request.task_id)["image"] == 1, "the image step started"
        # Content runs beside the image and takes milliseconds: kill only once the workflow
        # holds its result, so the kill lands in the image step alone (3 s of sleep).
        for _ in range(200):
            progress = await handle.query("progress", result_type=Progress)
            if progress.steps["content"].status is StepState.COMPLETED:
                break
            await asyncio.sleep(0.02)
        assert progress.steps["content"].status is StepState.COMPLETED
        assert progress.steps["image"].status is StepState.QUEUED, "scheduled, not yet back"
        os.kill(first.pid, signal.SIGKILL)
    finally:
        first.wait(timeout=10)

    second = _spawn_worker(settings, queue, call_log, tmp_path / "worker2.log")
    try:
        result = await asyncio.wait_for(handle.result(), timeout=90)
    finally:
        second.send_signal(signal.SIGTERM)
        second.wait(timeout=30)

    assert result.status is PostcardStatus.COMPLETED
    calls = _calls(call_log, request.task_id)
    assert calls == Counter({"concept": 1, "content": 1, "image": 2, "frontend": 1})
    assert result.progress.steps["image"].attempts == 2
    row = shown_run(settings, request.task_id)
    assert row is not None and row.status == "COMPLETED" and row.retry_count == 1
    assert second.returncode == 0, "SIGTERM shuts the worker down gracefully"


async def test_a_worker_killed_mid_revision_finishes_it_exactly_once(
    client: Client, settings: Settings, tmp_path: Path
) -> None:
    """SIGKILL during a regenerate of the image: a new worker finishes revision 2 once, and the
    kept steps' providers are not called again."""
    queue = f"crash-{uuid.uuid4().hex[:8]}"
    call_log = tmp_path / "calls.jsonl"
    options = fast_options()
    options.image.heartbeat_s = 1.5
    request = make_request("a birthday card for Anna", options=options)
    first = _spawn_worker(settings, queue, call_log, tmp_path / "worker1.log")
    try:
        original = await asyncio.wait_for(
            (await start_postcard(client, request, queue)).result(), timeout=90
        )
        assert original.status is PostcardStatus.COMPLETED
        begun = run_store(settings).begin_revision(request.task_id, "image", "warmer")
        again = request.model_copy(
            update={
                "revision": begun.revision,
                "instruction": "warmer",
                "kept": KeptResults(concept=original.concept, content=original.content),
            }
        )
        handle = await start_postcard(client, again, queue)
        for _ in range(600):
            if _calls(call_log, request.task_id)["image"] == 2:
                break
            await asyncio.sleep(0.05)
        assert _calls(call_log, request.task_id)["image"] == 2, "the revision's image started"
        os.kill(first.pid, signal.SIGKILL)
    finally:
        first.wait(timeout=10)

    second = _spawn_worker(settings, queue, call_log, tmp_path / "worker2.log")
    try:
        result = await asyncio.wait_for(handle.result(), timeout=90)
    finally:
        second.send_signal(signal.SIGTERM)
        second.wait(timeout=30)

    assert result.status is PostcardStatus.COMPLETED
    calls = _calls(call_log, request.task_id)
    # The first run: one call each; the revision: the image twice (killed, then again), the
    # page once, the kept concept and copy never.
    assert calls == Counter({"concept": 1, "content": 1, "image": 3, "frontend": 2})
    reads = run_reads(settings)
    saved = reads.run(request.task_id, begun.revision)
    assert saved is not None and saved.status == "COMPLETED"
    row = shown_run(settings, request.task_id)
    assert row is not None and row.status == "COMPLETED" and row.revision == begun.revision
    assert row.image_key == f"images/{again.run_id}.png"
    assert [r.revision for r in reads.runs(request.task_id)] == [1, 2]
