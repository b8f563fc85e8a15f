"""The run's own view of its steps, which the `progress` query answers with.

Plain bookkeeping with no Temporal calls, so the workflow file reads as the four steps.
"""

from datetime import datetime

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from core.models import (
        STEPS,
        PostcardError,
        PostcardStatus,
        Progress,
        StepProgress,
        StepState,
    )


class RunProgress:
    """Step states of one run: queued → running (the activity's own write) → completed/failed."""

    def __init__(self, task_id: str, revision: int = 1) -> None:
        self.progress = Progress(task_id=task_id, status=PostcardStatus.PROCESSING)
        self.revision = revision
        self.failed_step: str | None = None
        self.last_provider: str | None = None

    def queue(self, step: str, now: datetime) -> None:
        """The step's activity is scheduled; it waits for a worker (or a provider's quota)."""
        state = self.progress.steps[step]
        state.status = StepState.QUEUED
        state.started_at = now
        self.progress.current_step = step

    def done(self, step: str, state: StepProgress) -> None:
        """The step's activity returned its state."""
        self.progress.steps[step] = state
        self.last_provider = state.provider

    def keep(self, step: str, now: datetime) -> None:
        """A revision keeps this step's earlier result."""
        state = self.progress.steps[step]
        state.status = StepState.KEPT
        state.finished_at = now

    def complete(self) -> None:
        self.progress.status = PostcardStatus.COMPLETED
        self.progress.current_step = None

    def fail(self, error: PostcardError, now: datetime) -> None:
        """The run failed at `error.step`; steps that never ran (or were cut short) are skipped."""
        self.progress.status = PostcardStatus.FAILED
        self.progress.error = error
        state = self.progress.steps.get(error.step)
        if state is not None:
            state.status = StepState.FAILED
            state.finished_at = now
            state.error = f"{error.type}: {error.message}"
        for other in self.progress.steps.values():
            if other.status in (StepState.PENDING, StepState.QUEUED, StepState.RUNNING):
                other.status = StepState.SKIPPED

    def cancelled(self) -> PostcardError:
        """The error a cancelled run is saved with."""
        step = self.failed_step or self.progress.current_step or "workflow"
        return PostcardError(
            step=step, type="Cancelled", message="the run was cancelled", retryable=True
        )

    def details(self, step: str) -> str:
        """The Web UI's current-details line for where the run is."""
        prefix = f"revision {self.revision}: " if self.revision > 1 else ""
        if step in STEPS:
            return f"{prefix}step {STEPS.index(step) + 1}/4: {step}"
        return f"{prefix}{step}"
