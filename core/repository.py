"""Writes of the `postcards` table (its only writer) and, through PostcardReads, its reads."""

from __future__ import annotations

import functools
from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import Connection

from core.db import Postcard, as_utc, utcnow
from core.ids import new_uuid
from core.models import (
    STEPS,
    PostcardError,
    PostcardRequest,
    PostcardStatus,
    StepProgress,
)
from core.postcard_reads import REFUSED, PostcardReads, to_request

__all__ = ["REFUSED", "PostcardRepository", "to_request"]

_CLOSED = (PostcardStatus.COMPLETED.value, PostcardStatus.FAILED.value, REFUSED)
_TABLE: sa.Table = Postcard.__table__  # type: ignore[attr-defined]
# A step write that loses the optimistic race this many times in a row gives up (and the
# activity is retried by Temporal); two writers per row at most, so one retry is the norm.
_MAX_RACES = 20


def _unless_final(statement: sa.Update) -> sa.Update:
    """The guard every write of a run goes through: a COMPLETED or FAILED row never changes
    (a late or retried attempt's write, a second outcome), whoever writes it, and a refused
    create's tombstone is never brought to life by a run."""
    return statement.where(_TABLE.c.status.not_in(_CLOSED))


@functools.cache
def _step_read(lock: bool) -> sa.Select[Any]:
    """update_step's read, built once: bound parameters keep SQLAlchemy's cache key cheap."""
    table = _TABLE
    query = sa.select(table.c.steps, table.c.status, table.c.updated_at).where(
        table.c.task_id == sa.bindparam("b_task_id")
    )
    return query.with_for_update() if lock else query


@functools.cache
def _step_write(columns: tuple[str, ...]) -> sa.Update:
    """update_step's guarded UPDATE for one set of columns, built once per set, with bound
    parameters: literal values in `.values()` would make SQLAlchemy walk every value (the
    steps JSON included) to build the statement's cache key on each write."""
    table = _TABLE
    return _unless_final(
        sa.update(table)
        .where(table.c.task_id == sa.bindparam("b_task_id"))
        .where(table.c.updated_at == sa.bindparam("b_updated_at"))
        .values({name: sa.bindparam(f"v_{name}", type_=table.c[name].type) for name in columns})
    )


def _later(previous: datetime | None) -> datetime:
    """Now, but strictly after `previous`, so each write gives the row a new `updated_at`."""
    now = utcnow()
    before = as_utc(previous)
    if before is not None and now <= before:
        return before + timedelta(microseconds=1)
    return now


def _empty_steps() -> dict[str, Any]:
    return {step: StepProgress().model_dump(mode="json") for step in STEPS}


class PostcardRepository(PostcardReads):
    """The `postcards` table's reads (PostcardReads) and its writes, the only ones: every write
    is keyed by task id, so a retried step changes nothing twice."""

    def _insert_pending(self) -> Any:
        """`INSERT … ON CONFLICT (task_id) DO NOTHING RETURNING task_id` in this dialect."""
        return _insert_pending_statement(self.engine.dialect.name)

    @staticmethod
    def pending_values(
        request: PostcardRequest,
        steps: dict[str, Any] | None = None,
        now: datetime | None = None,
    ) -> dict[str, Any]:
        """The column values of a new PENDING row for a request (`steps`: the empty steps,
        when the caller already has them; `now`: the batch's `updated_at`)."""
        return {
            "id": new_uuid(),
            "task_id": request.task_id,
            "user_id": request.user_id,
            "status": PostcardStatus.PENDING.value,
            "user_input": request.user_input,
            "style": request.style,
            "theme": request.theme,
            "language": request.language,
            "steps": _empty_steps() if steps is None else steps,
            "extra": dict(request.metadata) or None,
            "retry_count": 0,
            "created_at": request.created_at,
            "updated_at": now or utcnow(),
        }

    def create_pending(self, request: PostcardRequest) -> Postcard:
        """Insert a task as PENDING (tools and tests); an existing row is returned unchanged."""
        values = self.pending_values(request)
        with self.engine.begin() as conn:
            inserted = conn.execute(self._insert_pending(), values).first()
        if inserted is not None:
            return Postcard(**values)
        existing = self.get(request.task_id)
        assert existing is not None, "a row that conflicted on insert exists"
        return existing

    def insert_pending(self, requests: Sequence[PostcardRequest], conn: Connection) -> set[str]:
        """Insert many tasks as PENDING in the caller's transaction with one executemany
        `INSERT … ON CONFLICT (task_id) DO NOTHING`; existing rows are left unchanged.

        Returns the task ids this call inserted (not those that were already there).
        """
        if not requests:
            return set()
        steps = _empty_steps()  # only serialised, so the rows of one statement can share it
        params = [self.pending_values(r, steps) for r in requests]
        return set(conn.execute(self._insert_pending(), params).scalars())

    def insert_creates(self, requests: Sequence[PostcardRequest]) -> tuple[set[str], datetime]:
        """Insert the rows of the API's creates as PENDING, in one transaction (one executemany
        statement for the whole batch). A refused create's tombstone with the same task id (a
        retry with the same Idempotency-Key) is replaced; any other existing row is left as it
        is. Returns the task ids written and their `updated_at`, which `refuse` checks."""
        now = utcnow()
        if not requests:
            return set(), now
        steps = _empty_steps()
        params = [self.pending_values(r, steps, now) for r in requests]
        statement = _insert_create_statement(self.engine.dialect.name)
        with self.engine.begin() as conn:
            return set(conn.execute(statement, params).scalars()), now

    def refuse(self, task_ids: Iterable[str], inserted_at: datetime) -> set[str]:
        """Turn the rows of creates that will be answered 503 into REFUSED tombstones, but only
        rows nothing has touched since `insert_creates` wrote them (same `updated_at`): a row
        the starter already claimed for its run goes ahead. Returns the ids refused."""
        ids = list(task_ids)
        if not ids:
            return set()
        table = _TABLE
        statement = (
            sa.update(table)
            .where(table.c.task_id.in_(ids))
            .where(table.c.status == PostcardStatus.PENDING.value)
            .where(table.c.updated_at == inserted_at)
            .values(status=REFUSED, updated_at=_later(inserted_at))
            .returning(table.c.task_id)
        )
        with self.engine.begin() as conn:
            return set(conn.execute(statement).scalars())

    def claim(self, requests: Sequence[PostcardRequest]) -> set[str]:
        """Before runs start: insert the rows that are missing (entries of other producers),
        give the PENDING ones a new `updated_at` so that a create still waiting for its XADD
        can no longer refuse them (`refuse`), in one transaction. Returns the task ids whose
        create was refused: those must not run."""
        if not requests:
            return set()
        table = _TABLE
        ids = [r.task_id for r in requests]
        now = utcnow()
        # `now` may equal a row's `updated_at` (clocks of two machines): then one tick later.
        touched = sa.case((table.c.updated_at == now, now + timedelta(microseconds=1)), else_=now)
        claim = (
            sa.update(table)
            .where(table.c.task_id.in_(ids))
            .where(table.c.status == PostcardStatus.PENDING.value)
            .values(updated_at=touched)
        )
        refused = sa.select(table.c.task_id).where(table.c.task_id.in_(ids))
        with self.engine.begin() as conn:
            self.insert_pending(requests, conn)
            conn.execute(claim)
            return set(conn.execute(refused.where(table.c.status == REFUSED)).scalars())

    def update_step(
        self,
        request: PostcardRequest,
        step: str,
        progress: StepProgress,
        results: dict[str, Any] | None = None,
        completes: bool = False,
    ) -> None:
        """Save one step's state (and, once it completes, its results) under the task id;
        `completes` also marks the postcard COMPLETED (the last step of a run whose workflow
        saves no outcome on success). A row whose run already ended is left as it is.

        Core statements, no ORM: one SELECT of the row's steps and one UPDATE, nine times a
        postcard. The UPDATE only applies when the row is unchanged since the SELECT (its
        `updated_at`), so content ∥ image never overwrite each other's step entry; a lost race
        reads again. A row that is missing (a run started from outside the API) is created first.
        """
        entry = progress.model_dump(mode="json")
        read = _step_read(self.engine.dialect.name == "postgresql")
        key = {"b_task_id": request.task_id}
        for _ in range(_MAX_RACES):
            with self.engine.begin() as conn:
                found = conn.execute(read, key).first()
                if found is None:
                    conn.execute(self._insert_pending(), self.pending_values(request))
                    found = conn.execute(read, key).one()
                if found.status in _CLOSED:
                    return
                steps = dict(found.steps or _empty_steps())
                steps[step] = entry
                values: dict[str, Any] = {
                    "steps": steps,
                    "retry_count": sum(max(0, s.get("attempts", 0) - 1) for s in steps.values()),
                    "updated_at": _later(found.updated_at),
                    **(results or {}),
                }
                if completes:
                    values["status"] = PostcardStatus.COMPLETED.value
                    values["current_step"] = None
                    values["completed_at"] = values["updated_at"]
                else:
                    values["status"] = PostcardStatus.PROCESSING.value
                    values["current_step"] = step
                write = _step_write(tuple(values))
                params = {f"v_{name}": value for name, value in values.items()}
                params["b_task_id"] = request.task_id
                params["b_updated_at"] = found.updated_at
                changed = conn.execute(write, params).rowcount
            if changed:
                return
        raise RuntimeError(f"step {step} of {request.task_id}: too many concurrent writes")

    def finish(
        self,
        request: PostcardRequest,
        status: PostcardStatus,
        steps: dict[str, StepProgress],
        error: PostcardError | None,
    ) -> None:
        """Save the end of a run with one UPDATE, unless the run already ended (the first
        outcome stays). The workflow hands over every step's state, so nothing is read first.
        """
        table = _TABLE
        now = utcnow()
        values: dict[str, Any] = {
            "status": status.value,
            "steps": {name: p.model_dump(mode="json") for name, p in steps.items()},
            "error": error.model_dump(mode="json") if error else None,
            "error_message": f"{error.step}: {error.type}: {error.message}" if error else None,
            "retry_count": sum(max(0, p.attempts - 1) for p in steps.values()),
            "completed_at": sa.func.coalesce(table.c.completed_at, now),
            "updated_at": now,
        }
        if status is PostcardStatus.COMPLETED:
            values["current_step"] = None
        statement = _unless_final(
            sa.update(table).where(table.c.task_id == request.task_id).values(**values)
        )
        with self.engine.begin() as conn:
            if conn.execute(statement).rowcount == 0:
                conn.execute(self._insert_pending(), self.pending_values(request))
                conn.execute(statement)

    def mark_failed(self, task_id: str, error: PostcardError) -> bool:
        """Fail a task whose run ended outside the workflow (or never started), unless it
        already ended; False when there is no such row."""
        table = _TABLE
        now = utcnow()
        statement = _unless_final(
            sa.update(table)
            .where(table.c.task_id == task_id)
            .values(
                status=PostcardStatus.FAILED.value,
                error=error.model_dump(mode="json"),
                error_message=f"{error.step}: {error.type}: {error.message}",
                completed_at=now,
                updated_at=now,
            )
        )
        with self.engine.begin() as conn:
            if conn.execute(statement).rowcount:
                return True
            exists = sa.select(table.c.task_id).where(table.c.task_id == task_id)
            return conn.execute(exists).first() is not None


@functools.cache
def _insert_pending_statement(dialect_name: str) -> Any:
    """Built once per dialect: SQLAlchemy then reuses its cache key and compiled form."""
    table = _TABLE
    dialect = sqlite_insert if dialect_name == "sqlite" else pg_insert
    return (
        dialect(table).on_conflict_do_nothing(index_elements=["task_id"]).returning(table.c.task_id)
    )


@functools.cache
def _insert_create_statement(dialect_name: str) -> Any:
    """`INSERT … ON CONFLICT (task_id) DO UPDATE … WHERE status = 'REFUSED' RETURNING task_id`:
    a new row, or a refused create's tombstone replaced; other rows stay as they are."""
    table = _TABLE
    insert = (sqlite_insert if dialect_name == "sqlite" else pg_insert)(table)
    replaced = {name: insert.excluded[name] for name in _REPLACED_BY_A_RETRY}
    return insert.on_conflict_do_update(
        index_elements=["task_id"], set_=replaced, where=table.c.status == REFUSED
    ).returning(table.c.task_id)


_REPLACED_BY_A_RETRY = (
    "user_id",
    "status",
    "user_input",
    "style",
    "theme",
    "language",
    "steps",
    "extra",
    "retry_count",
    "created_at",
    "updated_at",
)
"""The columns of `pending_values` but the ids: all a tombstone ever had set (`refuse` only
applies to rows nothing else wrote)."""
