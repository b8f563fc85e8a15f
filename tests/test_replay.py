"""Replay guard: committed histories must replay on the current workflow code."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from temporalio import workflow
from temporalio.client import WorkflowHistory
from temporalio.contrib.pydantic import pydantic_data_converter
from temporalio.worker import Replayer
from temporalio.workflow import NondeterminismError

from core.models import (
    FrontendInput,
    FrontendOutput,
    PostcardRequest,
    PostcardResult,
    PostcardStatus,
)
from workflows.postcard import PostcardWorkflow

HISTORIES = sorted((Path(__file__).parent / "histories").glob("*.json"))


@workflow.defn(name="PostcardWorkflow")
class ReorderedPostcardWorkflow(PostcardWorkflow):
    """The image painted before the copy, one after the other, changed without `patched`."""

    @workflow.run
    async def run(self, request: PostcardRequest) -> PostcardResult:
        self._deadline = workflow.now() + timedelta(seconds=request.options.timeout_s)
        concept = await self._concept(request)
        image = await self._image(request, concept)
        content = await self._content(request, concept)
        page = await self._step(
            request,
            "frontend",
            FrontendInput(request=request, concept=concept, content=content, image=image),
            FrontendOutput,
        )
        return PostcardResult(
            task_id=request.task_id,
            status=PostcardStatus.COMPLETED,
            page=page.page,
            progress=self._run.progress,
        )


def _history(path: Path) -> WorkflowHistory:
    return WorkflowHistory.from_json(path.stem, path.read_text())


def test_histories_are_committed() -> None:
    names = {path.stem for path in HISTORIES}
    assert {"history-completed", "history-completed-r2", "history-failed-image"} <= names


@pytest.mark.parametrize("path", HISTORIES, ids=lambda p: p.stem)
async def test_committed_history_replays(path: Path) -> None:
    replayer = Replayer(workflows=[PostcardWorkflow], data_converter=pydantic_data_converter)
    result = await replayer.replay_workflow(_history(path), raise_on_replay_failure=False)
    assert result.replay_failure is None


async def test_a_reordered_workflow_fails_the_guard() -> None:
    replayer = Replayer(
        workflows=[ReorderedPostcardWorkflow], data_converter=pydantic_data_converter
    )
    with pytest.raises(NondeterminismError):
        await replayer.replay_workflow(_history(HISTORIES[0]))
