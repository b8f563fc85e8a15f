"""The worker prepares the workflow sandbox so a run does not recompile code it already has."""

from __future__ import annotations

from temporalio.client import Client

from core.models import PostcardStatus
from core.settings import Settings
from tests.harness import make_request, running_worker, start_postcard


async def test_a_run_records_no_patch_marker_no_timer_and_three_upserts(
    client: Client, settings: Settings
) -> None:
    """One command sequence: no patch marker, no timer (activity deadlines bound the run),
    three search-attribute upserts (content and image, frontend, completed; the starter sets the
    first step), and no run policy in the activity inputs."""
    instant = settings.model_copy(
        update={"text_provider": "instant", "image_provider": "instant", "code_provider": "instant"}
    )
    async with running_worker(client, instant) as (_, queue):
        handle = await start_postcard(client, make_request(), queue)
        assert (await handle.result()).status is PostcardStatus.COMPLETED
    events = (await handle.fetch_history()).events
    markers = [e for e in events if e.HasField("marker_recorded_event_attributes")]
    assert markers == [], "no patch marker, and success needs no local activity"
    upserts = [
        e for e in events if e.HasField("upsert_workflow_search_attributes_event_attributes")
    ]
    assert len(upserts) == 3
    timers = [e for e in events if e.HasField("timer_started_event_attributes")]
    assert timers == [], "the run is bounded by activity deadlines"
    scheduled = [
        e.activity_task_scheduled_event_attributes.input.payloads[0].data
        for e in events
        if e.HasField("activity_task_scheduled_event_attributes")
    ]
    assert len(scheduled) == 4
    assert all(b'"options"' not in data for data in scheduled), "the run policy stays out"
    assert all(b'"kept"' not in data for data in scheduled)
    assert all(b'"task_id"' in data for data in scheduled)
