"""Start PostcardWorkflow for a request: id = task id, a duplicate start is harmless."""

from __future__ import annotations

from datetime import timedelta

from temporalio.client import Client
from temporalio.common import (
    SearchAttributeKey,
    SearchAttributePair,
    TypedSearchAttributes,
    WorkflowIDConflictPolicy,
    WorkflowIDReusePolicy,
)
from temporalio.exceptions import WorkflowAlreadyStartedError

from core.models import PostcardRequest, WorkflowOptions
from core.settings import Settings
from workflows.postcard import PostcardWorkflow

STEP_ATTRIBUTE = SearchAttributeKey.for_keyword("PostcardStep")


def with_policy(request: PostcardRequest, settings: Settings) -> PostcardRequest:
    """The request carrying the run policy from settings."""
    options = WorkflowOptions.from_retry_count(
        settings.ai_workflow_timeout, settings.ai_workflow_retry_count
    )
    options.search_attributes = settings.temporal_search_attributes
    return request.model_copy(update={"options": options})


async def start_postcard_workflow(
    client: Client, request: PostcardRequest, settings: Settings
) -> bool:
    """Start the run; False when a run with this task id already exists (nothing new started)."""
    request = with_policy(request, settings)
    try:
        await client.start_workflow(
            PostcardWorkflow.run,
            request,
            id=request.task_id,
            task_queue=settings.temporal_task_queue,
            id_reuse_policy=WorkflowIDReusePolicy.REJECT_DUPLICATE,
            id_conflict_policy=WorkflowIDConflictPolicy.FAIL,
            execution_timeout=timedelta(seconds=settings.ai_workflow_timeout + 120),
            memo={"prompt": request.user_input[:500], "user_id": request.user_id},
            search_attributes=TypedSearchAttributes(
                # The first step, set here so the run needs no upsert for it (LEAN_GENERATION).
                [SearchAttributePair(STEP_ATTRIBUTE, "concept")]
                if request.options.search_attributes
                else []
            ),
            static_summary=request.user_input[:120],
        )
    except WorkflowAlreadyStartedError:
        return False
    return True
