"""The replay guard tells a breaking workflow change from a safe one made with `workflow.patched`.

The change: a short pause before the run closes (say, so a client's last progress query still
finds it open). Made plainly, committed histories no longer replay; behind `workflow.patched`,
they do, and a new run records the patch marker and replays too. This module is re-imported by
the workflow sandbox, so everything but the models is imported inside the live test.
"""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest
from temporalio import workflow
from temporalio.client import Client, WorkflowHistory
from temporalio.contrib.pydantic import pydantic_data_converter
from temporalio.worker import Replayer
from temporalio.workflow import NondeterminismError

from core.models import PostcardRequest, PostcardResult, PostcardStatus
from core.settings import Settings
from workflows.postcard import PostcardWorkflow

HISTORIES = sorted((Path(__file__).parent / "histories").glob("*.json"))
PATCH_ID = "linger-before-close"


@workflow.defn(name="PostcardWorkflow")
class LingeringPostcardWorkflow(PostcardWorkflow):
    """The change made without a patch: every run, old or new, now lingers."""

    @workflow.run
    async def run(self, request: PostcardRequest) -> PostcardResult:
        try:
            return await super().run(request)
        finally:
            await workflow.sleep(0.2)


@workflow.defn(name="PostcardWorkflow")
class PatchedPostcardWorkflow(PostcardWorkflow):
    """The same change behind `workflow.patched`: runs recorded before it replay unchanged."""

    @workflow.run
    async def run(self, request: PostcardRequest) -> PostcardResult:
        try:
            return await super().run(request)
        finally:
            if workflow.patched(PATCH_ID):
                await workflow.sleep(0.2)


def _replayer(workflow_class: type) -> Replayer:
    return Replayer(workflows=[workflow_class], data_converter=pydantic_data_converter)


def _history(path: Path) -> WorkflowHistory:
    return WorkflowHistory.from_json(path.stem, path.read_text())


@pytest.mark.parametrize("path", HISTORIES, ids=lambda p: p.stem)
async def test_the_change_without_patched_fails_the_guard(path: Path) -> None:
    with pytest.raises(NondeterminismError):
        await _replayer(LingeringPostcardWorkflow).replay_workflow(_history(path))


@pytest.mark.parametrize("path", HISTORIES, ids=lambda p: p.stem)
async def test_the_same_change_with_patched_replays(path: Path) -> None:
    result = await _replayer(PatchedPostcardWorkflow).replay_workflow(
        _history(path), raise_on_replay_failure=False
    )
    assert result.replay_failure is None


async def test_a_new_patched_run_records_the_marker_and_replays(
    client: Client, temporal_address: str, tmp_path: Path
) -> None:
    from temporalio.worker import Worker

    from activities import PostcardActivities
    from core.migrate import migrate
    from core.wiring import blob_store
    from providers.factory import ProviderFactory
    from runs.wiring import run_store
    from tests.harness import make_request

    database = f"sqlite:///{tmp_path / 'postcards.db'}"
    migrate(database)
    instant = Settings(
        _env_file=None,  # type: ignore[call-arg]
        data_dir=tmp_path / "data",
        database_url=database,
        temporal_address=temporal_address,
        text_provider="instant",
        image_provider="instant",
        code_provider="instant",
    )
    activities = PostcardActivities(
        run_store(instant),
        blob_store(instant),
        ProviderFactory(instant),
        instant.effective_public_base_url,
    )
    queue = f"patched-{uuid.uuid4().hex[:8]}"
    request = make_request("a thank-you card for the team")
    async with Worker(
        client, task_queue=queue, workflows=[PatchedPostcardWorkflow], activities=activities.all()
    ):
        handle = await client.start_workflow(
            PatchedPostcardWorkflow.run, request, id=request.task_id, task_queue=queue
        )
        result = await handle.result()
    assert result.status is PostcardStatus.COMPLETED
    history = await handle.fetch_history()
    markers = [e for e in history.events if e.HasField("marker_recorded_event_attributes")]
    assert "core_patch" in {m.marker_recorded_event_attributes.marker_name for m in markers}
    assert PATCH_ID.encode() in b"".join(m.SerializeToString() for m in markers)
    assert any(e.HasField("timer_fired_event_attributes") for e in history.events)
    replayed = await _replayer(PatchedPostcardWorkflow).replay_workflow(
        history, raise_on_replay_failure=False
    )
    assert replayed.replay_failure is None
    with pytest.raises(NondeterminismError):
        await _replayer(PostcardWorkflow).replay_workflow(history)
