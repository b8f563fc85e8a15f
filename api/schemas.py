"""Request and response bodies of the REST API."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import AliasChoices, BaseModel, Field, field_validator

from core.models import PostcardError, PostcardStatus, StepName, StepProgress
from core.webhook_checks import MAX_URL, check_url
from core.webhooks import EventName


class WebhookFields(BaseModel):
    """Where this postcard's webhook events go (docs/webhooks.md); without them, the user's
    endpoint (API keys on) or WEBHOOK_URL (keys off) gets them."""

    webhook_url: str | None = Field(
        default=None,
        max_length=MAX_URL,
        description="https URL that receives this run's events, signed (Standard Webhooks)",
        examples=["https://example.com/hooks/postcards"],
    )
    webhook_events: list[EventName] | None = Field(
        default=None,
        min_length=1,
        max_length=3,
        description="Events sent to webhook_url (default: completed and failed)",
    )

    @field_validator("webhook_url")
    @classmethod
    def _webhook_url_form(cls, value: str | None) -> str | None:
        # The form only; the route applies WEBHOOK_ALLOW_PRIVATE, delivery checks the addresses.
        return check_url(value, allow_private=True) if value is not None else None

    @field_validator("webhook_events")
    @classmethod
    def _distinct_events(cls, value: list[EventName] | None) -> list[EventName] | None:
        return list(dict.fromkeys(value)) if value is not None else None


class CreatePostcard(WebhookFields):
    """What a person asks for. The original design's field names are accepted too:
    `user_input` for `prompt`, and `user_id` (see the create route for what it may do)."""

    prompt: str = Field(
        validation_alias=AliasChoices("prompt", "user_input"),
        description="The wish, 1–2000 characters after trimming (`user_input` is accepted too)",
        examples=["做一张温馨可爱的生日明信片"],
    )
    style: str | None = Field(default=None, max_length=64, examples=["watercolor"])
    theme: str | None = Field(default=None, max_length=64, examples=["birthday"])
    language: str | None = Field(default=None, max_length=16, examples=["zh"])
    user_id: str | None = Field(
        default=None,
        max_length=128,
        description="Who the postcard is for, without API keys; with API keys the key's user "
        "owns it and this must be absent or that user",
    )
    deadline_s: float | None = Field(
        default=None,
        gt=0,
        le=7 * 24 * 3600,
        description="Cancel the postcard if it is not finished this many seconds after the "
        "create (like the Cancel-After header); the status then says DeadlineExceeded",
    )

    @field_validator("prompt")
    @classmethod
    def _prompt_bounds(cls, value: str) -> str:
        value = value.strip()
        if not value:
            raise ValueError("prompt must not be empty")
        if len(value) > 2000:
            raise ValueError(f"prompt is {len(value)} characters; the limit is 2000")
        return value

    @field_validator("style", "theme", "language", "user_id")
    @classmethod
    def _blank_is_none(cls, value: str | None) -> str | None:
        return value.strip() or None if value is not None else None

    @field_validator("prompt", "style", "theme", "language", "user_id", mode="before")
    @classmethod
    def _no_nul(cls, value: object) -> object:
        if isinstance(value, str) and "\x00" in value:
            raise ValueError("must not contain NUL characters")
        return value


class Created(BaseModel):
    """The answer to a create: poll `status_url`."""

    task_id: str
    status: PostcardStatus = PostcardStatus.PENDING
    status_url: str
    preview_url: str


class PostcardData(BaseModel):
    """A finished postcard."""

    revision: int | None = None
    """The revision these results are from (the newest completed one in a status)."""
    concept: dict[str, Any] | None
    content: dict[str, Any] | None
    image_url: str | None
    preview_url: str | None
    html_url: str | None


class PostcardStatusOut(BaseModel):
    """Where a postcard stands (the original client reads `status`, `data`, `error`)."""

    task_id: str
    status: PostcardStatus
    prompt: str
    style: str | None = None
    theme: str | None = None
    language: str | None = None
    current_step: str | None
    steps: dict[str, StepProgress]
    data: PostcardData | None = None
    error: PostcardError | None = None
    created_at: datetime
    updated_at: datetime
    completed_at: datetime | None = None
    retry_count: int = 0
    temporal_url: str
    deadline_at: datetime | None = None
    """When this run is cancelled (DeadlineExceeded) unless it finished (Cancel-After)."""
    revision: int = 1
    """The newest revision (1 until the first regenerate); `data` is the newest completed one."""
    revisions: list[RevisionOut] = Field(default_factory=list)
    """The newest revisions (at most REVISIONS_SHOWN), oldest first; empty until the first
    regenerate. Older ones: `revisions_url`."""
    revisions_total: int = 1
    """How many revisions the postcard has, the first run included."""
    revisions_url: str | None = None
    """Every revision, a page at a time (`?page=&page_size=`)."""


class PostcardSummary(BaseModel):
    """One line of the gallery."""

    task_id: str
    status: PostcardStatus
    prompt: str
    title: str | None
    image_url: str | None
    preview_url: str | None
    created_at: datetime
    completed_at: datetime | None


class PostcardPage(BaseModel):
    """A page of postcards, newest first."""

    items: list[PostcardSummary]
    total: int
    page: int
    page_size: int


class DependencyHealth(BaseModel):
    """One dependency's readiness."""

    ok: bool
    detail: str


class Readiness(BaseModel):
    """Readiness of each dependency, by name."""

    ready: bool
    checks: dict[str, DependencyHealth]


class Regenerate(WebhookFields):
    """Make one step again (and the steps that depend on it); the rest is kept."""

    step: StepName = Field(examples=["content"])
    instruction: str | None = Field(
        default=None, max_length=500, examples=["更幽默一点", "make it shorter"]
    )
    deadline_s: float | None = Field(
        default=None,
        gt=0,
        le=7 * 24 * 3600,
        description="Cancel the revision if it is not finished this many seconds from now",
    )

    @field_validator("instruction", mode="before")
    @classmethod
    def _no_nul(cls, value: object) -> object:
        # PostgreSQL text cannot hold NUL (the insert fails with a 500), as for the create.
        if isinstance(value, str) and "\x00" in value:
            raise ValueError("must not contain NUL characters")
        return value


class CancelAccepted(BaseModel):
    """The answer to a cancel: the run ends FAILED with type Cancelled (a running one within
    moments, once its workflow has stopped the step in flight)."""

    task_id: str
    revision: int
    status_url: str


class Expired(BaseModel):
    """A postcard whose files retention deleted (RESULT_RETENTION_DAYS)."""

    detail: str
    expired_at: datetime


class RegenerateAccepted(BaseModel):
    """The answer to a regenerate: the revision runs in the background."""

    task_id: str
    revision: int
    status_url: str


class RevisionOut(BaseModel):
    """One revision of a postcard."""

    revision: int
    step: str | None
    """The step that was made again; None for the original run."""
    instruction: str | None = None
    status: PostcardStatus
    created_at: datetime
    finished_at: datetime | None = None
    error: PostcardError | None = None
    steps: dict[str, StepProgress] | None = None
    """Per-step progress of the revision ("kept" for the steps it did not run)."""


class RevisionPage(BaseModel):
    """A page of a postcard's revisions, oldest first."""

    items: list[RevisionOut]
    total: int
    page: int
    page_size: int


class RevisionDetail(RevisionOut):
    """One revision with its results."""

    data: PostcardData | None = None


PostcardStatusOut.model_rebuild()
