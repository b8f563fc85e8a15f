"""Domain models: one pydantic model in and one out for the workflow and every activity.

This module is imported by workflow code, so it must stay free of I/O and heavy imports.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any, Literal

from pydantic import (
    BaseModel,
    Field,
    SerializerFunctionWrapHandler,
    field_serializer,
    field_validator,
)

HEX_COLOUR = r"^#[0-9a-fA-F]{6}$"
STEPS: tuple[str, ...] = ("concept", "content", "image", "frontend")
StepName = Literal["concept", "content", "image", "frontend"]
NEEDS: dict[str, tuple[str, ...]] = {
    "concept": (),
    "content": ("concept",),
    "image": ("concept",),
    "frontend": ("content", "image"),
}
"""The step graph: the steps whose results each step needs (concept → content ∥ image →
frontend). The workflow runs it, the store queues a step once its needs are met, and a
regenerate re-runs a step and everything that needs it."""


def dependents(step: str) -> tuple[str, ...]:
    """The steps that need `step`'s result, directly."""
    return tuple(name for name in STEPS if step in NEEDS[name])


def reruns(step: str) -> tuple[str, ...]:
    """The steps a regenerate of `step` runs again: the step and all that depend on it."""
    found = {step}
    for name in STEPS:  # STEPS is in graph order, so one pass reaches every dependent
        if any(need in found for need in NEEDS[name]):
            found.add(name)
    return tuple(name for name in STEPS if name in found)


class PostcardStatus(StrEnum):
    """Status values as the client sees them."""

    PENDING = "PENDING"
    PROCESSING = "PROCESSING"
    COMPLETED = "COMPLETED"
    FAILED = "FAILED"


FINAL_STATUSES = frozenset({PostcardStatus.COMPLETED, PostcardStatus.FAILED})
"""A run with one of these has ended, and its record never changes again."""


class StepState(StrEnum):
    """Where one step stands."""

    PENDING = "pending"
    QUEUED = "queued"
    """Scheduled, waiting for a worker slot or the provider's quota; not an error or a retry."""
    RUNNING = "running"
    COMPLETED = "completed"
    FAILED = "failed"
    SKIPPED = "skipped"
    KEPT = "kept"
    """Not run in this revision: the result of an earlier revision is kept."""


class StepPolicy(BaseModel):
    """Timeouts and retries of one activity, filled in from settings by whoever starts the run."""

    start_to_close_s: float = 120.0
    heartbeat_s: float | None = None
    maximum_attempts: int = 3
    initial_interval_s: float = 1.0
    backoff_coefficient: float = 2.0
    maximum_interval_s: float = 30.0
    task_queue: str | None = None
    """Run the activity on this task queue (a provider's quota queue) instead of the run's."""


class WorkflowOptions(BaseModel):
    """Run-wide policy, carried in the input so the workflow never reads the environment."""

    timeout_s: float = 300.0
    search_attributes: bool = True
    # Heartbeats let Temporal notice a dead worker within ~10 s instead of a whole
    # start-to-close timeout (see docs/reliability.md, worker row of the crash matrix).
    concept: StepPolicy = StepPolicy(start_to_close_s=60, heartbeat_s=10)
    content: StepPolicy = StepPolicy(start_to_close_s=60, heartbeat_s=10)
    image: StepPolicy = StepPolicy(start_to_close_s=150, heartbeat_s=10)
    frontend: StepPolicy = StepPolicy(start_to_close_s=240, heartbeat_s=10)
    save_failure: StepPolicy = StepPolicy(
        start_to_close_s=10, maximum_attempts=0, maximum_interval_s=10
    )

    @classmethod
    def from_retry_count(cls, timeout_s: float, retry_count: int) -> WorkflowOptions:
        """Options with the same attempt bound on every provider step."""
        base = cls(timeout_s=timeout_s)
        for step in STEPS:
            policy: StepPolicy = getattr(base, step)
            policy.maximum_attempts = max(1, retry_count)
        return base


class PostcardRequest(BaseModel):
    """What a person asked for; the workflow input."""

    task_id: str = Field(min_length=1, max_length=64)
    user_input: str = Field(min_length=1, max_length=4000)
    style: str | None = Field(default=None, max_length=64)
    theme: str | None = Field(default=None, max_length=64)
    language: str | None = Field(default=None, max_length=16)
    user_id: str = Field(default="local", min_length=1, max_length=128)
    created_at: datetime
    metadata: dict[str, str] = Field(default_factory=dict)
    variation: int = 0
    use_cache: bool = True
    options: WorkflowOptions = Field(default_factory=WorkflowOptions)
    revision: int = Field(default=1, ge=1)
    """1 for the first run of a postcard; each regenerate is a new run with the next number."""
    instruction: str | None = Field(default=None, max_length=500)
    """What the person asked to change in this revision (user data, like the wish)."""
    kept: KeptResults | None = None
    """Results of the previous revision that this run keeps instead of making again."""
    deadline_at: datetime | None = None
    """The person's deadline (Cancel-After): not finished by then, the run ends FAILED with type
    DeadlineExceeded; one still queued then never starts."""
    webhook_url: str | None = Field(default=None, max_length=2048, exclude=True)
    """Where this run's webhook events go (saved on the run). Excluded from serialization, so
    it never travels in Temporal payloads: the store reads it when the request is saved."""
    webhook_events: list[str] | None = Field(default=None, max_length=3, exclude=True)
    """Which events `webhook_url` receives (None: completed and failed)."""

    @property
    def run_id(self) -> str:
        """The workflow id of this revision: the task id for the first, `<task id>-r<n>` after."""
        return self.task_id if self.revision == 1 else f"{self.task_id}-r{self.revision}"

    @field_validator("task_id", "user_input", "style", "theme", "language", "user_id")
    @classmethod
    def _no_nul(cls, value: str | None) -> str | None:
        # PostgreSQL text cannot hold NUL (the insert fails), and no wish needs one.
        if value is not None and "\x00" in value:
            raise ValueError("must not contain NUL characters")
        return value


class VisualStyle(BaseModel):
    """How the card looks."""

    palette: list[str] = Field(min_length=2, max_length=8)
    composition: str = Field(max_length=400)
    art_style: str = Field(max_length=200)
    motifs: list[str] = Field(default_factory=list, max_length=12)
    text_area: str = Field(default="top", max_length=20)

    @field_validator("palette")
    @classmethod
    def _hex_palette(cls, value: list[str]) -> list[str]:
        import re

        for colour in value:
            if not re.fullmatch(HEX_COLOUR, colour):
                raise ValueError(f"palette colour {colour!r} is not #RRGGBB")
        return value


class PlaceReading(BaseModel):
    """A place a wish names and its role: where the sender is, where the recipient is, or only
    what the card is about."""

    name: str = Field(max_length=40)
    role: Literal["sender", "recipient", "subject"]
    place: str | None = Field(default=None, max_length=40)
    """The key of a place the engine can draw, if it is one."""


class Reading(BaseModel):
    """How the local engine read the wish, so that a person or a test sees why a card came out
    as it did. Only the local engine writes it; it is never part of a model's schema."""

    occasion: str = Field(max_length=40)
    score: int = 0
    runner_up: str | None = Field(default=None, max_length=40)
    runner_up_score: int = 0
    recipient: str | None = Field(default=None, max_length=60)
    relation: str | None = Field(default=None, max_length=40)
    sender: str | None = Field(default=None, max_length=60)
    voice: Literal["i", "we"] = "i"
    places: list[PlaceReading] = Field(default_factory=list, max_length=8)
    language: str = Field(default="en", max_length=16)
    tone: str = Field(default="warm", max_length=40)


class Concept(BaseModel):
    """Step 1: the creative direction."""

    theme: str = Field(max_length=200)
    occasion: str = Field(max_length=40)
    emotion: str = Field(max_length=200)
    tone: str = Field(max_length=40)
    visual_style: VisualStyle
    copy_direction: str = Field(max_length=400)
    audience: str = Field(max_length=200)
    recipient: str | None = Field(default=None, max_length=60)
    sender: str | None = Field(default=None, max_length=60)
    language: str = Field(default="en", max_length=16)
    layout: str = Field(default="flip", max_length=40)
    reading: Reading | None = None
    """The local engine's reading of the wish; absent from other providers' concepts."""


class Content(BaseModel):
    """Step 2: the words on the card."""

    title: str = Field(min_length=1, max_length=80)
    subtitle: str = Field(default="", max_length=160)
    body: str = Field(min_length=1, max_length=1200)
    signature: str = Field(default="", max_length=120)
    language: str = Field(default="en", max_length=16)


class BlobRef(BaseModel):
    """A stored blob, passed through Temporal instead of its bytes."""

    key: str
    url: str
    content_type: str
    size_bytes: int
    width: int | None = None
    height: int | None = None


class KeptResults(BaseModel):
    """The results a revision keeps from the one before it; a step with a result here is not run."""

    concept: Concept | None = None
    content: Content | None = None
    image: BlobRef | None = None


class StepInput(BaseModel):
    """What every step's activity receives: the request, without its run policy.

    The workflow alone reads `options` (timeouts, retry policies); leaving them out keeps every
    activity input, and so every history, small. An activity sees the defaults in their place.
    A revision's `kept` results stay in: the local engine reads what was kept to vary the rest."""

    request: PostcardRequest

    @field_serializer("request", mode="wrap")
    def _without_run_policy(
        self, request: PostcardRequest, handler: SerializerFunctionWrapHandler
    ) -> Any:
        data = handler(request)
        if isinstance(data, dict):
            data.pop("options", None)
            if data.get("kept") is None:
                data.pop("kept", None)
        return data


class ConceptInput(StepInput):
    pass


class ConceptOutput(BaseModel):
    concept: Concept
    step: StepProgress


class ContentInput(StepInput):
    concept: Concept


class ContentOutput(BaseModel):
    content: Content
    step: StepProgress


class ImageInput(StepInput):
    concept: Concept
    content: Content | None = None


class ImageOutput(BaseModel):
    image: BlobRef
    step: StepProgress


class FrontendInput(StepInput):
    concept: Concept
    content: Content
    image: BlobRef


class FrontendOutput(BaseModel):
    page: BlobRef
    preview_url: str
    step: StepProgress


class PostcardError(BaseModel):
    """Why a postcard failed: the step, the error type, the reason and whether a retry may help."""

    step: str
    type: str
    message: str
    retryable: bool = False


class Usage(BaseModel):
    """Who answered one provider call and what it consumed; `model` is None for providers
    without one. A step's state (StepProgress) carries these fields as they are."""

    provider: str | None = None
    """Set by a wrapper (fallback, cache) that answered in another provider's place."""
    model: str | None = None
    input_tokens: int | None = None
    output_tokens: int | None = None
    cost_usd: float | None = None
    cache_hit: bool = False
    fallback_from: str | None = None
    fallback_reason: str | None = None
    """The first provider's error, when a fallback answered."""
    repaired: list[str] | None = None
    """Fields of the reply that were missing or unusable and were filled in from the local
    engine's defaults (dotted below the top level, e.g. `visual_style.palette`)."""


class StepProgress(Usage):
    """One step of one run: the activity, the store, the status endpoint and the workflow's
    `progress` query all use this one model."""

    status: StepState = StepState.PENDING
    attempts: int = 0
    started_at: datetime | None = None
    finished_at: datetime | None = None
    latency_ms: float | None = None
    error: str | None = None
    progress_pct: int | None = None


class Progress(BaseModel):
    """The `progress` query's answer."""

    task_id: str
    status: PostcardStatus = PostcardStatus.PENDING
    current_step: str | None = None
    steps: dict[str, StepProgress] = Field(
        default_factory=lambda: {step: StepProgress() for step in STEPS}
    )
    error: PostcardError | None = None


class FailedRun(BaseModel):
    """Why a run failed, which the workflow hands to the store (a success is saved by the
    last step's own write). The store knows every step's state already."""

    request: PostcardRequest
    error: PostcardError


class PostcardResult(BaseModel):
    """The workflow result."""

    task_id: str
    status: PostcardStatus
    concept: Concept | None = None
    content: Content | None = None
    image: BlobRef | None = None
    page: BlobRef | None = None
    preview_url: str | None = None
    error: PostcardError | None = None
    progress: Progress


class RetentionInput(BaseModel):
    """What one retention pass keeps: the postcards of the last `days` days."""

    days: float = Field(gt=0)


class ExpireBatch(BaseModel):
    """One page of retention: postcards created before `created_before`."""

    created_before: datetime
    limit: int = Field(ge=1, le=10_000)


PostcardRequest.model_rebuild()
