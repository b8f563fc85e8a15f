"""PostcardWorkflow: concept → (content ∥ image) → frontend, each a retried activity.

A regenerate is a new run of the same workflow (id `<task id>-r<n>`) whose input keeps the
results of the previous revision; a kept step is not run again.
"""

import asyncio
from collections.abc import Awaitable
from datetime import timedelta
from typing import Any, TypeVar

from temporalio import workflow
from temporalio.common import RetryPolicy, SearchAttributeKey, SearchAttributeUpdate
from temporalio.exceptions import ActivityError, ApplicationError, CancelledError, TimeoutType
from temporalio.exceptions import TimeoutError as ActivityTimeout

with workflow.unsafe.imports_passed_through():
    from core.errors import NON_RETRYABLE_TYPES
    from core.models import (
        BlobRef,
        Concept,
        ConceptInput,
        ConceptOutput,
        Content,
        ContentInput,
        ContentOutput,
        FailedRun,
        FrontendInput,
        FrontendOutput,
        ImageInput,
        ImageOutput,
        KeptResults,
        PostcardError,
        PostcardRequest,
        PostcardResult,
        PostcardStatus,
        Progress,
        StepPolicy,
    )

from workflows.progress import RunProgress

STEP_KEY = SearchAttributeKey.for_keyword("PostcardStep")
OCCASION_KEY = SearchAttributeKey.for_keyword("PostcardOccasion")
PROVIDER_KEY = SearchAttributeKey.for_keyword("PostcardProvider")
StepOut = TypeVar("StepOut", ConceptOutput, ContentOutput, ImageOutput, FrontendOutput)
T = TypeVar("T")
CANCELLED = "Cancelled"
DEADLINE_EXCEEDED = "DeadlineExceeded"


class _DeadlinePassed(Exception):
    """The run's time was up before a step could be scheduled."""


@workflow.defn(name="PostcardWorkflow")
class PostcardWorkflow:
    """One postcard (or one revision of it), end to end."""

    def __init__(self) -> None:
        self._run = RunProgress("")

    @workflow.query(name="progress")
    def progress(self) -> Progress:
        """Per step: status, attempts, provider, started/finished times."""
        return self._run.progress

    @workflow.run
    async def run(self, request: PostcardRequest) -> PostcardResult:
        """The four steps within the run's time; a failure is saved, then fails the run."""
        self._run = RunProgress(request.task_id, revision=request.revision)
        limit = workflow.now() + timedelta(seconds=request.options.timeout_s)
        # The person's own deadline (Cancel-After), when it comes first: every step's
        # schedule-to-close timeout is bounded by it, so Temporal's own timers enforce it.
        self._by_person = request.deadline_at is not None and request.deadline_at < limit
        self._deadline = request.deadline_at if request.deadline_at and self._by_person else limit
        kept = request.kept or KeptResults()
        try:
            concept = kept.concept or await self._concept(request)
            self._show(request, "image", OCCASION_KEY.value_set(concept.occasion))
            content, image = await _together(
                self._keep("content", kept.content) or self._content(request, concept),
                self._keep("image", kept.image) or self._image(request, concept),
            )
            self._show(request, "frontend")
            page = await self._step(
                request,
                "frontend",
                FrontendInput(request=request, concept=concept, content=content, image=image),
                FrontendOutput,
            )
        except (ActivityError, _DeadlinePassed) as exc:
            error = self._error(request, exc)
            await self._save_failure(request, error)
            if error.type == CANCELLED:
                raise asyncio.CancelledError from exc  # the run closes as Canceled
            raise ApplicationError(
                f"{error.step} failed: {error.type}: {error.message}",
                error.model_dump(mode="json"),
                type=error.type,
                non_retryable=True,
            ) from exc
        except asyncio.CancelledError:
            await self._save_failure(request, self._run.cancelled())
            raise
        self._run.complete()
        self._show(request, "completed")
        return PostcardResult(
            task_id=request.task_id,
            status=PostcardStatus.COMPLETED,
            concept=concept,
            content=content,
            image=image,
            page=page.page,
            preview_url=page.preview_url,
            progress=self._run.progress,
        )

    async def _concept(self, request: PostcardRequest) -> Concept:
        data = ConceptInput(request=request)
        return (await self._step(request, "concept", data, ConceptOutput)).concept

    async def _content(self, request: PostcardRequest, concept: Concept) -> Content:
        data = ContentInput(request=request, concept=concept)
        return (await self._step(request, "content", data, ContentOutput)).content

    async def _image(self, request: PostcardRequest, concept: Concept) -> BlobRef:
        data = ImageInput(request=request, concept=concept)
        return (await self._step(request, "image", data, ImageOutput)).image

    def _keep(self, step: str, value: T | None) -> Awaitable[T] | None:
        """An already-finished step when a revision keeps its result, else None."""
        if value is None:
            return None
        self._run.keep(step, workflow.now())
        return _ready(value)

    async def _step(
        self, request: PostcardRequest, name: str, data: object, output: type[StepOut]
    ) -> StepOut:
        """Schedule one step's activity with its policy, bounded by the time left in the run."""
        policy: StepPolicy = getattr(request.options, name)
        left = self._deadline - workflow.now()
        if left <= timedelta(0):
            raise _DeadlinePassed(name)
        self._run.queue(name, workflow.now())
        workflow.set_current_details(self._run.details(name))
        try:
            out = await workflow.execute_activity(
                name,
                data,
                result_type=output,
                task_queue=policy.task_queue,
                schedule_to_close_timeout=left,
                start_to_close_timeout=timedelta(seconds=policy.start_to_close_s),
                heartbeat_timeout=(
                    timedelta(seconds=policy.heartbeat_s) if policy.heartbeat_s else None
                ),
                retry_policy=_retry(policy),
            )
        except ActivityError:
            self._run.failed_step = self._run.failed_step or name
            raise
        self._run.done(name, out.step)
        return out

    def _show(self, request: PostcardRequest, step: str, *more: SearchAttributeUpdate) -> None:
        """Where the run is, in the Web UI: the current details, and one upsert of the
        PostcardStep attribute with the last provider (the starter set PostcardStep=concept)."""
        workflow.set_current_details(self._run.details(step))
        if not request.options.search_attributes:
            return
        updates = [STEP_KEY.value_set(step), *more]
        if self._run.last_provider:
            updates.append(PROVIDER_KEY.value_set(self._run.last_provider))
        workflow.upsert_search_attributes(updates)

    def _error(self, request: PostcardRequest, exc: Exception) -> PostcardError:
        """Why the run failed, from the activity's error or the run's deadline."""
        step = self._run.failed_step or self._run.progress.current_step or "workflow"
        cause = exc.cause if isinstance(exc, ActivityError) else None
        if isinstance(exc, _DeadlinePassed) or (
            isinstance(cause, ActivityTimeout) and cause.type is TimeoutType.SCHEDULE_TO_CLOSE
        ):
            if self._by_person:
                return PostcardError(
                    step=step,
                    type=DEADLINE_EXCEEDED,
                    message=f"the postcard was not finished by its deadline ({self._deadline})",
                    retryable=True,
                )
            return PostcardError(
                step=step,
                type="WorkflowTimeout",
                message=f"the postcard took longer than {request.options.timeout_s:.0f} s",
                retryable=True,
            )
        if isinstance(cause, CancelledError):
            return self._run.cancelled()
        if isinstance(cause, ApplicationError):
            if cause.details and isinstance(cause.details[0], int):
                self._run.progress.steps[step].attempts = cause.details[0]
            kind = cause.type or "ApplicationError"
            return PostcardError(
                step=step,
                type=kind,
                message=cause.message,
                retryable=not cause.non_retryable and kind not in NON_RETRYABLE_TYPES,
            )
        reason = cause or exc
        return PostcardError(
            step=step, type=type(reason).__name__, message=str(reason), retryable=True
        )

    async def _save_failure(self, request: PostcardRequest, error: PostcardError) -> None:
        """Save why the run failed, as a local activity (retried until it is saved)."""
        self._run.fail(error, workflow.now())
        self._show(request, "failed")
        policy = request.options.save_failure
        await workflow.execute_local_activity(
            "save_failure",
            FailedRun(request=request, error=error),
            start_to_close_timeout=timedelta(seconds=policy.start_to_close_s),
            retry_policy=_retry(policy),
        )


def _retry(policy: StepPolicy) -> RetryPolicy:
    return RetryPolicy(
        initial_interval=timedelta(seconds=policy.initial_interval_s),
        backoff_coefficient=policy.backoff_coefficient,
        maximum_interval=timedelta(seconds=policy.maximum_interval_s),
        maximum_attempts=policy.maximum_attempts,
        non_retryable_error_types=list(NON_RETRYABLE_TYPES),
    )


async def _together(*calls: Awaitable[Any]) -> list[Any]:
    """Await calls side by side; when one fails, cancel the others before re-raising."""
    tasks = [asyncio.ensure_future(call) for call in calls]
    try:
        return list(await asyncio.gather(*tasks))
    except BaseException:
        for task in tasks:
            task.cancel()
        raise


async def _ready(value: T) -> T:
    return value
