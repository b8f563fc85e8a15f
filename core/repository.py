"""Reads and idempotent writes of the `postcards` table."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from typing import Any

from sqlalchemy import func
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from core.db import Postcard, as_utc, utcnow
from core.models import (
    STEPS,
    PostcardError,
    PostcardRequest,
    PostcardStatus,
    StepProgress,
)

_FINAL = {PostcardStatus.COMPLETED.value, PostcardStatus.FAILED.value}


def _empty_steps() -> dict[str, Any]:
    return {step: StepProgress().model_dump(mode="json") for step in STEPS}


class PostcardRepository:
    """Every write is an upsert keyed by task id, so a retried step changes nothing twice."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    @contextmanager
    def _session(self) -> Iterator[Session]:
        with Session(self.engine, expire_on_commit=False) as session:
            yield session

    def _load_for_update(self, session: Session, task_id: str) -> Postcard | None:
        statement = select(Postcard).where(Postcard.task_id == task_id)
        if self.engine.dialect.name == "postgresql":
            statement = statement.with_for_update()
        return session.exec(statement).first()

    def create_pending(self, request: PostcardRequest) -> Postcard:
        """Record a new task as PENDING; an existing row is returned unchanged."""
        with self._session() as session:
            existing = session.exec(
                select(Postcard).where(Postcard.task_id == request.task_id)
            ).first()
            if existing:
                return existing
            row = Postcard(
                task_id=request.task_id,
                user_id=request.user_id,
                status=PostcardStatus.PENDING.value,
                user_input=request.user_input,
                style=request.style,
                theme=request.theme,
                language=request.language,
                steps=_empty_steps(),
                extra=dict(request.metadata) or None,
                created_at=request.created_at,
                updated_at=utcnow(),
            )
            session.add(row)
            try:
                session.commit()
            except IntegrityError:
                session.rollback()
                found = session.exec(
                    select(Postcard).where(Postcard.task_id == request.task_id)
                ).one()
                return found
            return row

    def delete(self, task_id: str) -> None:
        """Remove a task row (used when its ingest could not be completed)."""
        with self._session() as session:
            row = session.exec(select(Postcard).where(Postcard.task_id == task_id)).first()
            if row:
                session.delete(row)
                session.commit()

    def update_step(
        self,
        request: PostcardRequest,
        step: str,
        progress: StepProgress,
        results: dict[str, Any] | None = None,
    ) -> None:
        """Save one step's state (and, once it completes, its results) under the task id."""
        self.create_pending(request)
        with self._session() as session:
            row = self._load_for_update(session, request.task_id)
            if row is None:
                return
            steps = dict(row.steps or _empty_steps())
            steps[step] = progress.model_dump(mode="json")
            row.steps = steps
            if row.status not in _FINAL:
                row.status = PostcardStatus.PROCESSING.value
                row.current_step = step
            row.retry_count = sum(max(0, s.get("attempts", 0) - 1) for s in steps.values())
            for key, value in (results or {}).items():
                setattr(row, key, value)
            row.updated_at = utcnow()
            session.add(row)
            session.commit()

    def finish(
        self,
        request: PostcardRequest,
        status: PostcardStatus,
        steps: dict[str, StepProgress],
        error: PostcardError | None,
    ) -> None:
        """Record the end of a run; a repeat of the same outcome changes nothing."""
        self.create_pending(request)
        with self._session() as session:
            row = self._load_for_update(session, request.task_id)
            if row is None:
                return
            row.status = status.value
            row.steps = {name: p.model_dump(mode="json") for name, p in steps.items()}
            row.current_step = None if status is PostcardStatus.COMPLETED else row.current_step
            row.error = error.model_dump(mode="json") if error else None
            row.error_message = f"{error.step}: {error.type}: {error.message}" if error else None
            row.retry_count = sum(max(0, p.attempts - 1) for p in steps.values())
            if row.completed_at is None:
                row.completed_at = utcnow()
            row.updated_at = utcnow()
            session.add(row)
            session.commit()

    def mark_failed(self, task_id: str, error: PostcardError) -> bool:
        """Fail a task that never reached a workflow; False when there is no such row."""
        with self._session() as session:
            row = self._load_for_update(session, task_id)
            if row is None or row.status in _FINAL:
                return row is not None
            row.status = PostcardStatus.FAILED.value
            row.error = error.model_dump(mode="json")
            row.error_message = f"{error.step}: {error.type}: {error.message}"
            row.completed_at = utcnow()
            row.updated_at = utcnow()
            session.add(row)
            session.commit()
            return True

    def pending_before(self, cutoff: datetime, limit: int) -> list[PostcardRequest]:
        """PENDING tasks recorded before `cutoff`, oldest first, as requests."""
        with self._session() as session:
            rows = session.exec(
                select(Postcard)
                .where(Postcard.status == PostcardStatus.PENDING.value)
                .where(Postcard.created_at < cutoff)
                .order_by(col(Postcard.created_at))
                .limit(limit)
            ).all()
        return [to_request(row) for row in rows]

    def get(self, task_id: str) -> Postcard | None:
        """One postcard by task id."""
        with self._session() as session:
            return session.exec(select(Postcard).where(Postcard.task_id == task_id)).first()

    def list_for_user(
        self, user_id: str | None, offset: int, limit: int, status: str | None = None
    ) -> tuple[list[Postcard], int]:
        """A page of postcards, newest first, and the total."""
        with self._session() as session:
            query = select(Postcard)
            count = select(func.count()).select_from(Postcard)
            if user_id is not None:
                query = query.where(Postcard.user_id == user_id)
                count = count.where(Postcard.user_id == user_id)
            if status is not None:
                query = query.where(Postcard.status == status)
                count = count.where(Postcard.status == status)
            rows = session.exec(
                query.order_by(col(Postcard.created_at).desc(), col(Postcard.id).desc())
                .offset(offset)
                .limit(limit)
            ).all()
            return list(rows), int(session.exec(count).one())

    def count_by_status(self) -> dict[str, int]:
        """How many postcards are in each status."""
        with self._session() as session:
            rows = session.exec(
                select(Postcard.status, func.count()).group_by(Postcard.status)
            ).all()
            return {status: int(n) for status, n in rows}


def to_request(row: Postcard) -> PostcardRequest:
    """The request a row was recorded from."""
    return PostcardRequest(
        task_id=row.task_id,
        user_input=row.user_input,
        style=row.style,
        theme=row.theme,
        language=row.language,
        user_id=row.user_id,
        created_at=as_utc(row.created_at) or utcnow(),
        metadata={str(k): str(v) for k, v in (row.extra or {}).items()},
    )
