"""The worker prepares the workflow sandbox so a run does not recompile code it already has."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from typing import Any

from temporalio.client import Client

import worker
from core.models import PostcardStatus
from core.settings import Settings
from tests.harness import make_request, running_worker, start_postcard
from workflows.postcard import PostcardWorkflow


def test_worker_caches_the_workflow_bytecode() -> None:
    """The sandbox re-imports the workflow module every run; it must not compile it each time."""
    import workflows.postcard

    source = Path(workflows.postcard.__file__)
    cached = Path(importlib.util.cache_from_source(str(source)))
    cached.unlink(missing_ok=True)
    written = worker.cache_workflow_bytecode(PostcardWorkflow)
    assert source in written
    assert cached.is_file()
    assert cached.stat().st_mtime >= source.stat().st_mtime


async def test_lean_generation_records_no_patch_marker_and_three_upserts(
    client: Client, settings: Settings
) -> None:
    """A run of the current generation needs no patch marker (each costs an event and a
    TemporalChangeVersion upsert) and no upsert for its first step; older inputs still use it."""
    instant = settings.model_copy(
        update={"text_provider": "instant", "image_provider": "instant", "code_provider": "instant"}
    )
    async with running_worker(client, instant) as (_, queue):
        lean = await start_postcard(client, make_request(), queue)
        legacy_request = make_request()
        legacy_request.options.generation = 0  # an input recorded before the field existed
        legacy = await start_postcard(client, legacy_request, queue)
        for handle in (lean, legacy):
            assert (await handle.result()).status is PostcardStatus.COMPLETED

    def counts(events: list[Any]) -> tuple[int, int]:
        patches = sum(
            e.HasField("marker_recorded_event_attributes")
            and e.marker_recorded_event_attributes.marker_name == "core_patch"
            for e in events
        )
        upserts = sum(
            e.HasField("upsert_workflow_search_attributes_event_attributes") for e in events
        )
        return patches, upserts

    assert counts((await lean.fetch_history()).events) == (0, 3)
    lean_markers = [
        e
        for e in (await lean.fetch_history()).events
        if e.HasField("marker_recorded_event_attributes")
    ]
    assert lean_markers == [], "success is recorded by the frontend step, not a local activity"
    timers = [
        e
        for e in (await lean.fetch_history()).events
        if e.HasField("timer_started_event_attributes")
    ]
    assert timers == [], "the current generation bounds the run with activity deadlines"
    scheduled = [
        e.activity_task_scheduled_event_attributes.input.payloads[0].data
        for e in (await lean.fetch_history()).events
        if e.HasField("activity_task_scheduled_event_attributes")
    ]
    assert len(scheduled) == 4
    assert all(b'"options"' not in data for data in scheduled), "the run policy stays out"
    assert all(b'"task_id"' in data for data in scheduled)
    assert counts((await legacy.fetch_history()).events) == (1, 5)
