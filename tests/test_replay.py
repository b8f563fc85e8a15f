"""Replay guard: committed histories must replay on the current workflow code."""

from __future__ import annotations

from pathlib import Path

import pytest
from temporalio import workflow
from temporalio.client import WorkflowHistory
from temporalio.contrib.pydantic import pydantic_data_converter
from temporalio.worker import Replayer
from temporalio.workflow import NondeterminismError

from core.models import (
    ConceptInput,
    ConceptOutput,
    ContentInput,
    ContentOutput,
    FrontendInput,
    FrontendOutput,
    ImageInput,
    ImageOutput,
    PostcardRequest,
    PostcardResult,
)
from workflows.postcard import PostcardWorkflow

HISTORIES = sorted((Path(__file__).parent / "histories").glob("*.json"))


@workflow.defn(name="PostcardWorkflow")
class ReorderedPostcardWorkflow(PostcardWorkflow):
    """The same steps with the image painted before the copy, changed without `patched`."""

    @workflow.run
    async def run(self, request: PostcardRequest) -> PostcardResult:
        return await super().run(request)

    async def _steps(self, request: PostcardRequest, result: PostcardResult) -> None:
        options = request.options
        concept = await self._step(
            "concept", ConceptInput(request=request), ConceptOutput, options.concept
        )
        image = await self._step(
            "image",
            ImageInput(request=request, concept=concept.concept),
            ImageOutput,
            options.image,
        )
        content = await self._step(
            "content",
            ContentInput(request=request, concept=concept.concept),
            ContentOutput,
            options.content,
        )
        await self._step(
            "frontend",
            FrontendInput(
                request=request, concept=concept.concept, content=content.content, image=image.image
            ),
            FrontendOutput,
            options.frontend,
        )


def _history(path: Path) -> WorkflowHistory:
    return WorkflowHistory.from_json(path.stem, path.read_text())


def test_histories_are_committed() -> None:
    names = {path.stem for path in HISTORIES}
    assert {"history-completed", "history-failed-image"} <= names


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
