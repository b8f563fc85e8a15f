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

from core.models import STEPS, PostcardRequest, WorkflowOptions
from core.quotas import route_steps
from core.settings import Settings
from workflows.postcard import PostcardWorkflow

STEP_ATTRIBUTE = SearchAttributeKey.for_keyword("PostcardStep")


def with_policy(request: PostcardRequest, settings: Settings) -> PostcardRequest:
    """The request carrying the run policy from settings."""
    options = WorkflowOptions.from_retry_count(
        settings.ai_workflow_timeout, settings.ai_workflow_retry_count
    )
    options.search_attributes = settings.temporal_search_attributes
    # Each heartbeat is a write on the server, sent at most every 0.8 × this timeout: a short
    # timeout notices a dead worker soon, a longer one costs the server less in a crowd.
    for step in STEPS:
        getattr(options, step).heartbeat_s = settings.ai_heartbeat_timeout_s
    route_steps(options, settings)  # provider quota queues (core/quotas.py)
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
            id=request.run_id,
            task_queue=settings.temporal_task_queue,
            id_reuse_policy=WorkflowIDReusePolicy.REJECT_DUPLICATE,
            id_conflict_policy=WorkflowIDConflictPolicy.FAIL,
            execution_timeout=timedelta(seconds=settings.ai_workflow_timeout + 120),
            memo={"prompt": request.user_input[:500], "user_id": request.user_id},
            search_attributes=TypedSearchAttributes(
                [SearchAttributePair(STEP_ATTRIBUTE, first_step(request))]
                if request.options.search_attributes
                else []
            ),
            static_summary=request.user_input[:120],
        )
    except WorkflowAlreadyStartedError:
        return False
    return True


def first_step(request: PostcardRequest) -> str:
    """The step a run begins with: concept, or the first one a revision does not keep."""
    kept = request.kept
    if kept is None or kept.concept is None:
        return "concept"
    if kept.content is None:
        return "content"
    return "image" if kept.image is None else "frontend"
