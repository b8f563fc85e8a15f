"""Reads of postcards and their runs: the read model behind status, list, events, preview and
poster. Nothing here writes, and nothing here asks Temporal."""

from __future__ import annotations

from collections.abc import Iterable
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy import func
from sqlalchemy.engine import Engine
from sqlalchemy.orm import defer
from sqlmodel import Session, col, select

from core.db import Postcard, PostcardRun, as_utc, open_session, utcnow
from core.models import FINAL_STATUSES, PostcardRequest, PostcardStatus

REFUSED = "REFUSED"
"""The status of a create the API answered 503 for: a tombstone that users never see (no
status, no listing), kept so the starter drops its stream entry, which Redis may have
applied even though its reply was lost. Not a PostcardStatus: clients never get it."""
CLOSED = frozenset({*(s.value for s in FINAL_STATUSES), REFUSED})
"""Run statuses that never change again."""


@dataclass(frozen=True)
class PostcardView:
    """A postcard and the run it shows (its latest completed one, or its first)."""

    postcard: Postcard
    run: PostcardRun

    @property
    def task_id(self) -> str:
        return self.postcard.task_id

    @property
    def user_id(self) -> str:
        return self.postcard.user_id

    @property
    def status(self) -> str:
        return self.run.status


@dataclass(frozen=True)
class OpenRun:
    """A run that has not ended, as the settler sees it."""

    task_id: str
    revision: int
    status: str
    steps: dict[str, Any] | None
    current_step: str | None

    @property
    def run_id(self) -> str:
        return self.task_id if self.revision == 1 else f"{self.task_id}-r{self.revision}"


def _shown() -> Any:
    """The join condition of a postcard and the run it shows."""
    return sa.and_(
        col(PostcardRun.task_id) == col(Postcard.task_id),
        col(PostcardRun.revision) == col(Postcard.revision),
    )


def _current() -> Any:
    """Each postcard joined with the run it shows."""
    return select(Postcard, PostcardRun).join(PostcardRun, _shown())


def _visible(query: Any) -> Any:
    """`query` without refused creates' or deleted postcards' tombstones: what users may see."""
    return query.where(col(PostcardRun.status) != REFUSED).where(col(Postcard.deleted_at).is_(None))


class RunReads:
    """The queries of postcards and their runs."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def _session(self) -> AbstractContextManager[Session]:
        return open_session(self.engine)

    def get(self, task_id: str) -> PostcardView | None:
        """One postcard with the run it shows (never a refused create's tombstone)."""
        with self._session() as session:
            found = session.exec(_visible(_current().where(Postcard.task_id == task_id))).first()
        return PostcardView(*found) if found else None

    def postcards(self, task_ids: Iterable[str]) -> dict[str, Postcard]:
        """The postcards of these task ids that exist, refused tombstones included (the
        producer compares an Idempotency-Key repeat with the request first sent under it)."""
        ids = list(task_ids)
        if not ids:
            return {}
        with self._session() as session:
            rows = session.exec(select(Postcard).where(col(Postcard.task_id).in_(ids))).all()
        return {row.task_id: row for row in rows}

    def runs(self, task_id: str, offset: int = 0, limit: int | None = None) -> list[PostcardRun]:
        """A postcard's runs, oldest first."""
        query = (
            select(PostcardRun)
            .where(PostcardRun.task_id == task_id)
            .order_by(col(PostcardRun.revision))
            .offset(offset)
            .limit(limit)
        )
        with self._session() as session:
            return list(session.exec(query).all())

    def run_page(
        self, task_id: str, offset: int, limit: int, newest: bool = False
    ) -> tuple[list[PostcardRun], int]:
        """A page of a postcard's runs for a list, oldest first, and how many runs it has;
        `newest`: the last `limit` runs (`offset` ignored). The page code (`frontend_code`, the
        largest column, which no list shows) is never loaded: reading it raises."""
        query = (
            select(PostcardRun)
            .options(defer(PostcardRun.frontend_code, raiseload=True))  # type: ignore[arg-type]
            .where(PostcardRun.task_id == task_id)
        )
        count = select(func.count()).select_from(PostcardRun).where(PostcardRun.task_id == task_id)
        if newest:
            query = query.order_by(col(PostcardRun.revision).desc()).limit(limit)
        else:
            query = query.order_by(col(PostcardRun.revision)).offset(offset).limit(limit)
        with self._session() as session:
            rows = list(session.exec(query).all())
            total = int(session.exec(count).one())
        return (rows[::-1] if newest else rows), total

    def run(self, task_id: str, revision: int) -> PostcardRun | None:
        """One run of a postcard."""
        with self._session() as session:
            return session.exec(
                select(PostcardRun)
                .where(PostcardRun.task_id == task_id)
                .where(PostcardRun.revision == revision)
            ).first()

    def list_for_user(
        self, user_id: str | None, offset: int, limit: int, status: str | None = None
    ) -> tuple[list[PostcardView], int]:
        """A page of postcards, newest first, and the total."""
        query = _visible(_current())
        count = _visible(select(func.count()).select_from(Postcard).join(PostcardRun, _shown()))
        if user_id is not None:
            query = query.where(Postcard.user_id == user_id)
            count = count.where(Postcard.user_id == user_id)
        if status is not None:
            query = query.where(PostcardRun.status == status)
            count = count.where(PostcardRun.status == status)
        with self._session() as session:
            rows = session.exec(
                query.order_by(col(Postcard.created_at).desc(), col(Postcard.id).desc())
                .offset(offset)
                .limit(limit)
            ).all()
            total = int(session.exec(count).one())
        return [PostcardView(*row) for row in rows], total

    def count_by_status(self) -> dict[str, int]:
        """How many postcards are in each status (refused creates are not postcards)."""
        query = _visible(
            select(PostcardRun.status, func.count())
            .select_from(Postcard)
            .join(PostcardRun, _shown())
            .group_by(PostcardRun.status)
        )
        with self._session() as session:
            return {status: int(n) for status, n in session.exec(query).all()}

    def pending_before(self, cutoff: datetime, limit: int) -> list[PostcardRequest]:
        """First runs still PENDING whose postcard was created before `cutoff`, oldest first,
        as requests (the starter's orphan sweep starts them)."""
        query = (
            select(Postcard, PostcardRun.deadline_at)
            .join(
                PostcardRun,
                sa.and_(
                    col(PostcardRun.task_id) == col(Postcard.task_id),
                    col(PostcardRun.revision) == 1,
                ),
            )
            .where(PostcardRun.status == PostcardStatus.PENDING.value)
            .where(Postcard.created_at < cutoff)
            .order_by(col(Postcard.created_at))
            .limit(limit)
        )
        with self._session() as session:
            rows = session.exec(query).all()
        return [to_request(row, as_utc(deadline)) for row, deadline in rows]

    def open_runs(
        self, quiet_since: datetime, limit: int, after: tuple[str, int] | None = None
    ) -> list[OpenRun]:
        """Runs that have not ended and were not written since `quiet_since`, in (task id,
        revision) order, starting after `after`: the settler asks Temporal about them."""
        unfinished = (PostcardStatus.PENDING.value, PostcardStatus.PROCESSING.value)
        query = (
            select(PostcardRun)
            .where(col(PostcardRun.status).in_(unfinished))
            .where(PostcardRun.updated_at < quiet_since)
        )
        if after is not None:
            query = query.where(
                sa.tuple_(col(PostcardRun.task_id), col(PostcardRun.revision)) > sa.tuple_(*after)
            )
        query = query.order_by(col(PostcardRun.task_id), col(PostcardRun.revision)).limit(limit)
        with self._session() as session:
            rows = session.exec(query).all()
        return [_open(row) for row in rows]

    def expirable(self, created_before: datetime, limit: int) -> list[Expirable]:
        """Postcards created before `created_before` whose files retention has not deleted yet
        (deleted ones excluded), oldest first, with the blob keys of all their runs."""
        postcards = (
            select(Postcard.task_id)
            .where(Postcard.created_at < created_before)
            .where(col(Postcard.expired_at).is_(None))
            .where(col(Postcard.deleted_at).is_(None))
            .order_by(col(Postcard.created_at))
            .limit(limit)
        )
        with self._session() as session:
            task_ids = list(session.exec(postcards).all())
            runs = session.exec(
                select(
                    PostcardRun.task_id,
                    PostcardRun.revision,
                    PostcardRun.image_key,
                    PostcardRun.page_key,
                ).where(col(PostcardRun.task_id).in_(task_ids))
            ).all()
        keys: dict[str, set[str]] = {task_id: set() for task_id in task_ids}
        revisions: dict[str, set[int]] = {task_id: set() for task_id in task_ids}
        for task_id, revision, image_key, page_key in runs:
            keys[task_id].update(k for k in (image_key, page_key) if k)
            revisions[task_id].add(revision)
        return [Expirable(t, tuple(sorted(keys[t])), tuple(sorted(revisions[t]))) for t in task_ids]

    def open_among(self, keys: Iterable[tuple[str, int]]) -> list[OpenRun]:
        """Which of these (task id, revision) runs have not ended."""
        wanted = list(keys)
        if not wanted:
            return []
        query = (
            select(PostcardRun)
            .where(sa.tuple_(col(PostcardRun.task_id), col(PostcardRun.revision)).in_(wanted))
            .where(col(PostcardRun.status).not_in(CLOSED))
        )
        with self._session() as session:
            return [_open(row) for row in session.exec(query).all()]


@dataclass(frozen=True)
class Expirable:
    """A postcard past the retention window, with the files its runs left."""

    task_id: str
    blob_keys: tuple[str, ...]
    revisions: tuple[int, ...]


def _open(run: PostcardRun) -> OpenRun:
    return OpenRun(run.task_id, run.revision, run.status, run.steps, run.current_step)


def to_request(row: Postcard, deadline_at: datetime | None = None) -> PostcardRequest:
    """The request a postcard was saved from (with its first run's deadline, when given)."""
    return PostcardRequest(
        task_id=row.task_id,
        user_input=row.user_input,
        style=row.style,
        theme=row.theme,
        language=row.language,
        user_id=row.user_id,
        created_at=as_utc(row.created_at) or utcnow(),
        metadata={str(k): str(v) for k, v in (row.extra or {}).items()},
        deadline_at=deadline_at,
    )
