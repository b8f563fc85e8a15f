"""PostcardWorkflow: concept → (content ∥ image) → frontend, each a retried activity.

Runs started before the `content-image-parallel` patch replay in their recorded order
(concept → content → image → frontend); runs whose input carries
`options.generation >= LEAN_GENERATION` take the parallel path without recording the patch
marker and without an upsert for the first step; from DEADLINE_GENERATION on, the overall
timeout is each activity's schedule-to-close deadline instead of a timer. docs/performance.md
has the measurements.
"""

# No `from __future__ import annotations` here: the sandbox re-runs this module for every
# workflow run, and evaluating string annotations there cost ~5 ms of CPU each time.
import asyncio
from collections.abc import Awaitable
from datetime import datetime, timedelta
from typing import Any, TypeVar

from temporalio import workflow
from temporalio.common import RetryPolicy, SearchAttributeKey, SearchAttributeUpdate
from temporalio.exceptions import ActivityError, ApplicationError, CancelledError, TimeoutType
from temporalio.exceptions import TimeoutError as ActivityTimeout

with workflow.unsafe.imports_passed_through():
    from core.errors import NON_RETRYABLE_TYPES
    from core.models import (
        DEADLINE_GENERATION,
        LEAN_GENERATION,
        ConceptInput,
        ConceptOutput,
        ContentInput,
        ContentOutput,
        FrontendInput,
        FrontendOutput,
        ImageInput,
        ImageOutput,
        Outcome,
        PostcardError,
        PostcardRequest,
        PostcardResult,
        PostcardStatus,
        Progress,
        StepMeta,
        StepPolicy,
        StepState,
    )


STEP_KEY = SearchAttributeKey.for_keyword("PostcardStep")
OCCASION_KEY = SearchAttributeKey.for_keyword("PostcardOccasion")
PROVIDER_KEY = SearchAttributeKey.for_keyword("PostcardProvider")
# One patch guards every change of command order since the first histories: content ∥ image
# (the image needs only the concept), one search-attribute upsert per workflow task instead of
# one per attribute, and the outcome saved by a local activity. One patch, not three, because
# each patch costs a marker and a TemporalChangeVersion upsert in every run's history.
PARALLEL_PATCH = "content-image-parallel"

StepOut = TypeVar("StepOut", ConceptOutput, ContentOutput, ImageOutput, FrontendOutput)


class _DeadlinePassed(Exception):
    """The run's deadline passed before a step could be scheduled."""


def _retry(policy: StepPolicy) -> RetryPolicy:
    return RetryPolicy(
        initial_interval=timedelta(seconds=policy.initial_interval_s),
        backoff_coefficient=policy.backoff_coefficient,
        maximum_interval=timedelta(seconds=policy.maximum_interval_s),
        maximum_attempts=policy.maximum_attempts,
        non_retryable_error_types=list(NON_RETRYABLE_TYPES),
    )


@workflow.defn(name="PostcardWorkflow")
class PostcardWorkflow:
    """One postcard, end to end. Workflow id = task id."""

    def __init__(self) -> None:
        self._progress = Progress(task_id="")
        self._search_attributes = False
        self._parallel = False
        self._batched = False
        self._lean = False
        self._staged: dict[str, SearchAttributeUpdate] = {}
        self._failed_step: str | None = None
        self._deadline: datetime | None = None

    @workflow.query(name="progress")
    def progress(self) -> Progress:
        """Per step: status, attempts, provider, started/finished times."""
        return self._progress

    @workflow.run
    async def run(self, request: PostcardRequest) -> PostcardResult:
        """Run the four steps within the overall timeout, then record the outcome."""
        self._progress = Progress(task_id=request.task_id, status=PostcardStatus.PROCESSING)
        self._search_attributes = request.options.search_attributes
        # The generation comes from the input, so a new run needs no patch marker (each costs
        # an event and a TemporalChangeVersion upsert); inputs from before the field replay
        # by the marker as they were recorded.
        self._lean = request.options.generation >= LEAN_GENERATION
        self._parallel = self._lean or workflow.patched(PARALLEL_PATCH)
        self._batched = self._search_attributes and self._parallel
        result = PostcardResult(
            task_id=request.task_id, status=PostcardStatus.PROCESSING, progress=self._progress
        )
        error: PostcardError | None = None
        timeout_s = request.options.timeout_s
        started = workflow.now()
        if request.options.generation >= DEADLINE_GENERATION:
            self._deadline = started + timedelta(seconds=timeout_s)
        try:
            if self._deadline is None:
                await asyncio.wait_for(self._steps(request, result), timeout_s)
            else:
                await self._steps(request, result)
        except (TimeoutError, _DeadlinePassed):
            error = self._timed_out(self._progress.current_step or "workflow", timeout_s)
        except ActivityError as exc:
            if self._ran_out(exc, started, timeout_s):
                error = self._timed_out(self._failed_step or "workflow", timeout_s)
            else:
                error = self._failure(exc)
        if error is not None:
            self._mark_failed(error)
        else:
            self._progress.status = PostcardStatus.COMPLETED
            self._progress.current_step = None
            self._show("completed", "completed")
        result.status = self._progress.status
        result.error = error
        result.progress = self._progress
        self._flush()
        if error is None and self._lean:
            return result  # the frontend step's write already recorded COMPLETED
        outcome = Outcome(
            task_id=request.task_id,
            request=request,
            status=self._progress.status,
            progress=self._progress,
            error=error,
        )
        policy = request.options.record
        record = workflow.execute_local_activity if self._parallel else workflow.execute_activity
        await record(
            "record_outcome",
            outcome,
            start_to_close_timeout=timedelta(seconds=policy.start_to_close_s),
            retry_policy=_retry(policy),
            summary="record outcome",
        )
        if error is not None:
            raise ApplicationError(
                f"{error.step} failed: {error.type}: {error.message}",
                error.model_dump(mode="json"),
                type=error.type,
                non_retryable=True,
            )
        return result

    async def _steps(self, request: PostcardRequest, result: PostcardResult) -> None:
        options = request.options
        concept_out = await self._step(
            "concept", ConceptInput(request=request), ConceptOutput, options.concept
        )
        result.concept = concept_out.concept
        self._set_attribute(OCCASION_KEY.value_set(result.concept.occasion))
        content_in = ContentInput(request=request, concept=result.concept)
        if self._parallel:
            self._begin("content", show=False)
            self._begin("image", show=False)
            self._show("image", "steps 2-3/4: content and image")
            content_out, image_out = await _together(
                self._call("content", content_in, ContentOutput, options.content),
                self._call(
                    "image",
                    ImageInput(request=request, concept=result.concept),
                    ImageOutput,
                    options.image,
                ),
            )
            result.content = content_out.content
        else:
            content_out = await self._step("content", content_in, ContentOutput, options.content)
            result.content = content_out.content
            image_out = await self._step(
                "image",
                ImageInput(request=request, concept=result.concept, content=result.content),
                ImageOutput,
                options.image,
            )
        result.image = image_out.image
        frontend_out = await self._step(
            "frontend",
            FrontendInput(
                request=request,
                concept=result.concept,
                content=result.content,
                image=result.image,
                completes=self._lean,
            ),
            FrontendOutput,
            options.frontend,
        )
        result.page = frontend_out.page
        result.preview_url = frontend_out.preview_url

    async def _step(
        self, name: str, data: object, output: type[StepOut], policy: StepPolicy
    ) -> StepOut:
        self._begin(name)
        return await self._call(name, data, output, policy)

    def _begin(self, name: str, show: bool = True) -> None:
        state = self._progress.steps[name]
        state.status = StepState.RUNNING
        state.started_at = workflow.now()
        self._progress.current_step = name
        if show:
            details = f"step {list(self._progress.steps).index(name) + 1}/4: {name}"
            # The starter set PostcardStep=concept at start: no upsert for the first step.
            first = self._lean and name == "concept"
            self._show(name, details, attribute=not first)

    async def _call(
        self, name: str, data: object, output: type[StepOut], policy: StepPolicy
    ) -> StepOut:
        self._flush()
        left: timedelta | None = None
        if self._deadline is not None:
            left = self._deadline - workflow.now()
            if left <= timedelta(0):
                raise _DeadlinePassed
        try:
            out = await workflow.execute_activity(
                name,
                data,
                result_type=output,
                schedule_to_close_timeout=left,
                start_to_close_timeout=timedelta(seconds=policy.start_to_close_s),
                heartbeat_timeout=(
                    timedelta(seconds=policy.heartbeat_s) if policy.heartbeat_s else None
                ),
                retry_policy=_retry(policy),
                # No summary: the activity type already names the step in the Web UI, and a
                # summary is one more payload to encode through the sandbox per activity.
            )
        except ActivityError:
            self._failed_step = self._failed_step or name
            raise
        self._record(name, out.meta)
        self._set_attribute(PROVIDER_KEY.value_set(out.meta.provider))
        return out

    def _show(self, step: str, details: str, attribute: bool = True) -> None:
        """Show where the run is in the Web UI: current details and the PostcardStep attribute."""
        workflow.set_current_details(details)
        if attribute:
            self._set_attribute(STEP_KEY.value_set(step))

    def _set_attribute(self, update: SearchAttributeUpdate) -> None:
        """Upsert now (runs from before the batching patch), or stage it for the next flush."""
        if not self._search_attributes:
            return
        if self._batched:
            self._staged[update.key.name] = update
        else:
            workflow.upsert_search_attributes([update])

    def _flush(self) -> None:
        """Upsert what is staged as one command, just before the workflow awaits new work."""
        if self._staged:
            workflow.upsert_search_attributes(list(self._staged.values()))
            self._staged.clear()

    def _record(self, name: str, meta: StepMeta) -> None:
        state = self._progress.steps[name]
        state.status = StepState.COMPLETED
        state.attempts = meta.attempt
        state.provider = meta.provider
        state.model = meta.model
        state.finished_at = workflow.now()
        state.latency_ms = meta.latency_ms
        state.input_tokens = meta.input_tokens
        state.output_tokens = meta.output_tokens
        state.cost_usd = meta.cost_usd
        state.cache_hit = meta.cache_hit

    def _ran_out(self, exc: ActivityError, started: datetime, timeout_s: float) -> bool:
        """Whether the step failed because the run's time was up: its schedule-to-close
        deadline passed, or (timer generations) the timer cancelled it. asyncio.wait_for lets
        the cancelled activity's ActivityError through instead of its TimeoutError, so that
        case is told by the clock."""
        cause = exc.cause
        if self._deadline is not None:
            deadline = TimeoutType.SCHEDULE_TO_CLOSE
            return isinstance(cause, ActivityTimeout) and cause.type is deadline
        elapsed = workflow.now() - started
        return isinstance(cause, CancelledError) and elapsed >= timedelta(seconds=timeout_s)

    @staticmethod
    def _timed_out(step: str, timeout_s: float) -> PostcardError:
        return PostcardError(
            step=step,
            type="WorkflowTimeout",
            message=f"the postcard took longer than {timeout_s:.0f} s",
            retryable=True,
        )

    def _failure(self, exc: ActivityError) -> PostcardError:
        step = self._failed_step or self._progress.current_step or "workflow"
        cause = exc.cause
        state = self._progress.steps.get(step)
        if isinstance(cause, ApplicationError):
            if state is not None and cause.details and isinstance(cause.details[0], int):
                state.attempts = cause.details[0]
            return PostcardError(
                step=step,
                type=cause.type or "ApplicationError",
                message=cause.message,
                retryable=not cause.non_retryable and (cause.type or "") not in NON_RETRYABLE_TYPES,
            )
        message = str(cause) if cause else str(exc)
        return PostcardError(
            step=step, type=type(cause or exc).__name__, message=message, retryable=True
        )

    def _mark_failed(self, error: PostcardError) -> None:
        self._progress.status = PostcardStatus.FAILED
        self._progress.error = error
        state = self._progress.steps.get(error.step)
        if state is not None:
            state.status = StepState.FAILED
            state.finished_at = workflow.now()
            state.error = f"{error.type}: {error.message}"
        for other in self._progress.steps.values():
            # PENDING never started; RUNNING is a parallel sibling that was cancelled.
            if other.status in (StepState.PENDING, StepState.RUNNING):
                other.status = StepState.SKIPPED
        self._show("failed", f"failed at {error.step}: {error.type}")


async def _together(*calls: Awaitable[Any]) -> list[Any]:
    """Await calls side by side; when one fails, cancel the others before re-raising."""
    tasks = [asyncio.ensure_future(call) for call in calls]
    try:
        return list(await asyncio.gather(*tasks))
    except BaseException:
        for task in tasks:
            task.cancel()
        raise
