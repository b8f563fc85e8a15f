"""The tables: postcards and their runs, the read model of every run, on SQLite or PostgreSQL."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlmodel import Field, Session, SQLModel, create_engine

from core.ids import new_uuid


def utcnow() -> datetime:
    """Timezone-aware now."""
    return datetime.now(UTC)


class Postcard(SQLModel, table=True):
    """One postcard: what was asked for, by whom, and which of its runs it shows.

    Its runs (the first one and each regenerate's) live in `postcard_runs`; `revision` points
    at the one whose results the postcard shows: its latest completed run, or the first one
    while that has not ended. The view `postcard_current` joins the two into the original
    design's `postcards` columns for anyone reading the database directly."""

    __tablename__ = "postcards"

    id: uuid.UUID = Field(default_factory=new_uuid, primary_key=True)
    task_id: str = Field(max_length=64, unique=True, index=True)
    user_id: str = Field(default="local", max_length=128, index=True)
    user_input: str = Field(sa_column=sa.Column(sa.Text, nullable=False))
    style: str | None = Field(default=None, max_length=64)
    theme: str | None = Field(default=None, max_length=64)
    language: str | None = Field(default=None, max_length=16)
    extra: dict[str, Any] | None = Field(default=None, sa_column=sa.Column(sa.JSON))
    created_at: datetime = Field(
        default_factory=utcnow, sa_column=sa.Column(sa.DateTime(timezone=True), nullable=False)
    )
    revision: int = Field(default=1, sa_column_kwargs={"server_default": "1"})
    """The run whose results the postcard shows."""
    expired_at: datetime | None = Field(
        default=None, sa_column=sa.Column(sa.DateTime(timezone=True))
    )
    """When retention deleted its files (RESULT_RETENTION_DAYS); the rows stay, as metadata."""
    deleted_at: datetime | None = Field(
        default=None, sa_column=sa.Column(sa.DateTime(timezone=True))
    )
    """When its owner deleted it: its runs and files are gone, and this row stays only as a
    tombstone (no wish, no results) so that nothing recreates the postcard."""


class PostcardRun(SQLModel, table=True):
    """One run of a postcard (revision 1, then one per regenerate): its steps, its results and
    how it ended. Only the run store (`runs.store`) writes these rows."""

    __tablename__ = "postcard_runs"
    __table_args__ = (sa.UniqueConstraint("task_id", "revision"),)

    id: uuid.UUID = Field(default_factory=new_uuid, primary_key=True)
    task_id: str = Field(max_length=64, index=True)
    revision: int = 1
    status: str = Field(default="PENDING", max_length=16, index=True)
    step: str | None = Field(default=None, max_length=16)
    """The step a regenerate asked for (None for the first run)."""
    instruction: str | None = Field(default=None, sa_column=sa.Column(sa.Text))
    current_step: str | None = Field(default=None, max_length=16)
    steps: dict[str, Any] | None = Field(default=None, sa_column=sa.Column(sa.JSON))
    concept: dict[str, Any] | None = Field(default=None, sa_column=sa.Column(sa.JSON))
    content: dict[str, Any] | None = Field(default=None, sa_column=sa.Column(sa.JSON))
    image_url: str | None = Field(default=None, max_length=1024)
    image_key: str | None = Field(default=None, max_length=512)
    frontend_code: str | None = Field(default=None, sa_column=sa.Column(sa.Text))
    page_key: str | None = Field(default=None, max_length=512)
    preview_url: str | None = Field(default=None, max_length=1024)
    error: dict[str, Any] | None = Field(default=None, sa_column=sa.Column(sa.JSON))
    error_message: str | None = Field(default=None, sa_column=sa.Column(sa.Text))
    retry_count: int = 0
    created_at: datetime = Field(
        default_factory=utcnow, sa_column=sa.Column(sa.DateTime(timezone=True), nullable=False)
    )
    updated_at: datetime = Field(
        default_factory=utcnow, sa_column=sa.Column(sa.DateTime(timezone=True), nullable=False)
    )
    finished_at: datetime | None = Field(
        default=None, sa_column=sa.Column(sa.DateTime(timezone=True))
    )
    deadline_at: datetime | None = Field(
        default=None, sa_column=sa.Column(sa.DateTime(timezone=True))
    )
    """When the run is cancelled (type DeadlineExceeded) unless it finished (Cancel-After)."""
    webhook_url: str | None = Field(default=None, max_length=2048)
    """Where this run's events go (the create's or regenerate's `webhook_url`); unset: the
    owner's endpoint, or WEBHOOK_URL with keys off."""
    webhook_events: list[str] | None = Field(default=None, sa_column=sa.Column(sa.JSON))
    """Which events `webhook_url` receives (unset: completed and failed)."""

    @property
    def run_id(self) -> str:
        """The run's workflow id: the task id for the first run, `<task id>-r<n>` after."""
        return self.task_id if self.revision == 1 else f"{self.task_id}-r{self.revision}"


class WebhookEndpoint(SQLModel, table=True):
    """A user's webhook signing secret and default endpoint (API keys on). The secret is read
    by delivery attempts only; no answer but the PUT that issued it shows it."""

    __tablename__ = "webhook_endpoints"

    user_id: str = Field(max_length=128, primary_key=True)
    url: str | None = Field(default=None, max_length=2048)
    events: list[str] | None = Field(default=None, sa_column=sa.Column(sa.JSON))
    secret: str = Field(max_length=128)
    disabled_at: datetime | None = Field(
        default=None, sa_column=sa.Column(sa.DateTime(timezone=True))
    )
    disabled_reason: str | None = Field(default=None, max_length=500)
    created_at: datetime = Field(
        default_factory=utcnow, sa_column=sa.Column(sa.DateTime(timezone=True), nullable=False)
    )
    updated_at: datetime = Field(
        default_factory=utcnow, sa_column=sa.Column(sa.DateTime(timezone=True), nullable=False)
    )


class WebhookDelivery(SQLModel, table=True):
    """One event of one run for one endpoint (the outbox): written by the store in the same
    transaction as the end it announces, then delivered by its own workflow (id = `id`)."""

    __tablename__ = "webhook_deliveries"

    id: str = Field(max_length=160, primary_key=True)
    task_id: str = Field(max_length=64, index=True)
    revision: int = 1
    event: str = Field(max_length=16)
    step: str | None = Field(default=None, max_length=16)
    url: str = Field(max_length=2048)
    signer: str | None = Field(default=None, max_length=128)
    """The user whose secret signs it; None: WEBHOOK_SECRET (keys off)."""
    webhook_id: str = Field(max_length=64)
    """The `webhook-id` header: the same for every attempt and redelivery of this event."""
    payload: str | None = Field(default=None, sa_column=sa.Column(sa.Text))
    """The body, built by the first attempt and sent unchanged by every later one."""
    status: str = Field(default="pending", max_length=16)
    error: str | None = Field(default=None, max_length=500)
    redeliveries: int = 0
    dispatched_at: datetime | None = Field(
        default=None, sa_column=sa.Column(sa.DateTime(timezone=True), index=True)
    )
    created_at: datetime = Field(
        default_factory=utcnow, sa_column=sa.Column(sa.DateTime(timezone=True), nullable=False)
    )
    updated_at: datetime = Field(
        default_factory=utcnow, sa_column=sa.Column(sa.DateTime(timezone=True), nullable=False)
    )
    delivered_at: datetime | None = Field(
        default=None, sa_column=sa.Column(sa.DateTime(timezone=True))
    )


class WebhookAttempt(SQLModel, table=True):
    """One HTTP attempt of a delivery: when, the answer, how long, and when the next one is."""

    __tablename__ = "webhook_attempts"

    id: uuid.UUID = Field(default_factory=new_uuid, primary_key=True)
    delivery_id: str = Field(max_length=160, index=True)
    workflow_id: str = Field(max_length=200)
    attempt: int
    """Temporal's attempt number within its workflow run."""
    at: datetime = Field(sa_column=sa.Column(sa.DateTime(timezone=True), nullable=False))
    status_code: int | None = None
    latency_ms: float | None = None
    error: str | None = Field(default=None, max_length=500)
    next_try_at: datetime | None = Field(
        default=None, sa_column=sa.Column(sa.DateTime(timezone=True))
    )


@contextmanager
def open_session(engine: Engine) -> Iterator[Session]:
    """A session whose objects stay readable after commit (the repositories hand them out)."""
    with Session(engine, expire_on_commit=False) as session:
        yield session


def make_engine(url: str) -> Engine:
    """An engine tuned for its backend: WAL and a busy timeout on SQLite, pooling on PostgreSQL."""
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30})

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
            cursor = dbapi_conn.cursor()
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=NORMAL")
            cursor.execute("PRAGMA busy_timeout=30000")
            cursor.close()

        return engine
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url.removeprefix("postgresql://")
    return create_engine(url, pool_pre_ping=True, pool_size=10, max_overflow=20)


def as_utc(value: datetime | None) -> datetime | None:
    """SQLite hands back naive timestamps; they were written in UTC."""
    if value is not None and value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value
