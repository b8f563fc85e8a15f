"""The `postcards` table: the durable projection of every run, on SQLite or PostgreSQL."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any, TypeVar

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.exc import OperationalError
from sqlmodel import Field, Session, SQLModel, create_engine

from core.ids import new_uuid

R = TypeVar("R")
T = TypeVar("T")


def utcnow() -> datetime:
    """Timezone-aware now."""
    return datetime.now(UTC)


class Postcard(SQLModel, table=True):
    """One postcard: the original schema plus per-step state."""

    __tablename__ = "postcards"

    id: uuid.UUID = Field(default_factory=new_uuid, primary_key=True)
    task_id: str = Field(max_length=64, unique=True, index=True)
    user_id: str = Field(default="local", max_length=128, index=True)
    status: str = Field(default="PENDING", max_length=16, index=True)
    user_input: str = Field(sa_column=sa.Column(sa.Text, nullable=False))
    style: str | None = Field(default=None, max_length=64)
    theme: str | None = Field(default=None, max_length=64)
    language: str | None = Field(default=None, max_length=16)
    concept: dict[str, Any] | None = Field(default=None, sa_column=sa.Column(sa.JSON))
    content: dict[str, Any] | None = Field(default=None, sa_column=sa.Column(sa.JSON))
    image_url: str | None = Field(default=None, max_length=1024)
    image_key: str | None = Field(default=None, max_length=512)
    frontend_code: str | None = Field(default=None, sa_column=sa.Column(sa.Text))
    page_key: str | None = Field(default=None, max_length=512)
    preview_url: str | None = Field(default=None, max_length=1024)
    current_step: str | None = Field(default=None, max_length=16)
    steps: dict[str, Any] | None = Field(default=None, sa_column=sa.Column(sa.JSON))
    error: dict[str, Any] | None = Field(default=None, sa_column=sa.Column(sa.JSON))
    error_message: str | None = Field(default=None, sa_column=sa.Column(sa.Text))
    retry_count: int = 0
    extra: dict[str, Any] | None = Field(default=None, sa_column=sa.Column(sa.JSON))
    created_at: datetime = Field(
        default_factory=utcnow, sa_column=sa.Column(sa.DateTime(timezone=True), nullable=False)
    )
    updated_at: datetime = Field(
        default_factory=utcnow, sa_column=sa.Column(sa.DateTime(timezone=True), nullable=False)
    )
    completed_at: datetime | None = Field(
        default=None, sa_column=sa.Column(sa.DateTime(timezone=True))
    )
    revision: int = Field(default=1, sa_column_kwargs={"server_default": "1"})
    """The revision whose results the row shows (1 until a regenerate completes)."""


class PostcardRevision(SQLModel, table=True):
    """One revision of a postcard: what was regenerated, its steps and its results.

    Revision 1 (the original run) is copied here when the first regenerate is asked for, so
    every revision stays readable after a later one replaces the postcard's own results."""

    __tablename__ = "postcard_revisions"
    __table_args__ = (sa.UniqueConstraint("task_id", "revision"),)

    id: uuid.UUID = Field(default_factory=new_uuid, primary_key=True)
    task_id: str = Field(max_length=64, index=True)
    revision: int
    step: str | None = Field(default=None, max_length=16)
    instruction: str | None = Field(default=None, sa_column=sa.Column(sa.Text))
    status: str = Field(default="PENDING", max_length=16)
    steps: dict[str, Any] | None = Field(default=None, sa_column=sa.Column(sa.JSON))
    concept: dict[str, Any] | None = Field(default=None, sa_column=sa.Column(sa.JSON))
    content: dict[str, Any] | None = Field(default=None, sa_column=sa.Column(sa.JSON))
    image_url: str | None = Field(default=None, max_length=1024)
    image_key: str | None = Field(default=None, max_length=512)
    frontend_code: str | None = Field(default=None, sa_column=sa.Column(sa.Text))
    page_key: str | None = Field(default=None, max_length=512)
    preview_url: str | None = Field(default=None, max_length=1024)
    error: dict[str, Any] | None = Field(default=None, sa_column=sa.Column(sa.JSON))
    created_at: datetime = Field(
        default_factory=utcnow, sa_column=sa.Column(sa.DateTime(timezone=True), nullable=False)
    )
    updated_at: datetime = Field(
        default_factory=utcnow, sa_column=sa.Column(sa.DateTime(timezone=True), nullable=False)
    )
    finished_at: datetime | None = Field(
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


def no_wait_engine(engine: Engine) -> Engine | None:
    """For SQLite, an engine on the same file whose connections fail at once ("database is
    locked") when another writer holds the lock, instead of waiting up to the busy timeout:
    for short writes made inline on an event loop, which must never stall it. None for other
    databases (their writes go to a thread)."""
    if engine.dialect.name != "sqlite":
        return None
    inline = make_engine(engine.url.render_as_string(hide_password=False))

    @event.listens_for(inline, "connect")
    def _no_lock_wait(dbapi_conn: Any, _record: Any) -> None:
        cursor = dbapi_conn.cursor()
        cursor.execute("PRAGMA busy_timeout=0")
        cursor.close()

    return inline


def is_lock_wait(exc: BaseException) -> bool:
    """Whether a no-wait SQLite connection refused because another writer held the lock."""
    text = str(exc).lower()
    return "locked" in text or "busy" in text


async def inline_or_thread(work: Callable[[R], T], inline: R | None, fallback: R) -> T:
    """`work(inline)` right here on the event loop (SQLite on a `no_wait_engine`: a short
    write costs less than the thread hop around it); `work(fallback)` in a thread when there is
    no inline resource (other databases) or another writer held the lock."""
    if inline is not None:
        try:
            return work(inline)
        except OperationalError as exc:
            if not is_lock_wait(exc):
                raise
    return await asyncio.to_thread(work, fallback)


def as_utc(value: datetime | None) -> datetime | None:
    """SQLite hands back naive timestamps; they were written in UTC."""
    if value is not None and value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value
