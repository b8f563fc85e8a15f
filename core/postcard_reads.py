"""Reads of the `postcards` table: what users may see never includes a refused create."""

from __future__ import annotations

from contextlib import AbstractContextManager
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy import func
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from core.db import Postcard, as_utc, open_session, utcnow
from core.models import PostcardRequest, PostcardStatus

REFUSED = "REFUSED"
"""The status of a create the API answered 503 for: a tombstone that users never see (no
status, no listing), kept so the starter drops its stream entry, which Redis may have
applied even though its reply was lost. Not a PostcardStatus: clients never get it."""
_TABLE: sa.Table = Postcard.__table__  # type: ignore[attr-defined]


def _visible(query: Any) -> Any:
    """`query` without refused creates' tombstones: what users may see."""
    return query.where(_TABLE.c.status != REFUSED)


class PostcardReads:
    """The queries of the postcard repository (core.repository.PostcardRepository)."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def _session(self) -> AbstractContextManager[Session]:
        return open_session(self.engine)

    def pending_before(self, cutoff: datetime, limit: int) -> list[PostcardRequest]:
        """PENDING tasks created before `cutoff`, oldest first, as requests."""
        with self._session() as session:
            rows = session.exec(
                select(Postcard)
                .where(Postcard.status == PostcardStatus.PENDING.value)
                .where(Postcard.created_at < cutoff)
                .order_by(col(Postcard.created_at))
                .limit(limit)
            ).all()
        return [to_request(row) for row in rows]

    def unfinished_before(
        self, cutoff: datetime, limit: int, after: str | None = None
    ) -> list[str]:
        """Task ids of PENDING or PROCESSING rows not written since `cutoff`, in task id order
        (ids are time-ordered), starting after the task id `after`."""
        unfinished = (PostcardStatus.PENDING.value, PostcardStatus.PROCESSING.value)
        query = (
            select(Postcard.task_id)
            .where(col(Postcard.status).in_(unfinished))
            .where(Postcard.updated_at < cutoff)
        )
        if after is not None:
            query = query.where(Postcard.task_id > after)
        with self._session() as session:
            rows = session.exec(query.order_by(col(Postcard.task_id)).limit(limit)).all()
        return list(rows)

    def get(self, task_id: str) -> Postcard | None:
        """One postcard by task id (never a refused create's tombstone)."""
        with self._session() as session:
            query = _visible(select(Postcard).where(Postcard.task_id == task_id))
            return session.exec(query).first()

    def get_for_create(self, task_id: str) -> Postcard | None:
        """The row of a task id, a refused create's tombstone included (the create route
        compares an Idempotency-Key repeat with the body first sent under that key)."""
        with self._session() as session:
            return session.exec(select(Postcard).where(Postcard.task_id == task_id)).first()

    def list_for_user(
        self, user_id: str | None, offset: int, limit: int, status: str | None = None
    ) -> tuple[list[Postcard], int]:
        """A page of postcards, newest first, and the total."""
        with self._session() as session:
            query = _visible(select(Postcard))
            count = _visible(select(func.count()).select_from(Postcard))
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
        """How many postcards are in each status (refused creates are not postcards)."""
        with self._session() as session:
            rows = session.exec(
                _visible(select(Postcard.status, func.count())).group_by(Postcard.status)
            ).all()
            return {status: int(n) for status, n in rows}


def to_request(row: Postcard) -> PostcardRequest:
    """The request a row was saved from."""
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
