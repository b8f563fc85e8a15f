"""The run store: the only writer of postcards and their runs.

A run's record changes through a few writes, each one transaction:
- the API's creates (`accept`), refused creates (`refuse`) and the starter's `claim`;
- a regenerate's new run (`begin_revision`);
- a step started (with its attempt and provider), its progress, an attempt that failed, the
  step finished with its results (the run completes when its last step does);
- the run failed (`fail`): the workflow's own failure, an end Temporal decided (terminate,
  timeout, a run Temporal lost) or a run that never started (a dead-lettered entry).

One guard sits in every write of a run: a run whose status is final (or a refused create's
tombstone) never changes again. After each write that changed something, `notify(task_id)`
tells live readers (the event stream) to read the postcard again. A write that ends a step or
the run also saves its webhook events (`runs/outbox.py`) in the same transaction.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from core.db import (
    Postcard,
    PostcardRun,
    WebhookAttempt,
    WebhookDelivery,
    as_utc,
    open_session,
    utcnow,
)
from core.ids import new_uuid
from core.models import (
    NEEDS,
    STEPS,
    PostcardError,
    PostcardRequest,
    PostcardStatus,
    StepProgress,
    StepState,
    reruns,
)
from runs.outbox import Outbox, WebhookTargets
from runs.reads import CLOSED, REFUSED

log = logging.getLogger("postcards.runs")
Notify = Callable[[str], None]
_POSTCARDS: sa.Table = Postcard.__table__  # type: ignore[attr-defined]
_RUNS: sa.Table = PostcardRun.__table__  # type: ignore[attr-defined]
_DELIVERIES: sa.Table = WebhookDelivery.__table__  # type: ignore[attr-defined]
_ATTEMPTS: sa.Table = WebhookAttempt.__table__  # type: ignore[attr-defined]
_DONE = (StepState.COMPLETED, StepState.KEPT)
_OPEN_STEP = (StepState.PENDING, StepState.QUEUED, StepState.RUNNING)
PENDING = PostcardStatus.PENDING.value
PROCESSING = PostcardStatus.PROCESSING.value
DELETED = "DELETED"
"""What `claim` calls a postcard its owner deleted (its runs are gone)."""
_NOT_TO_START = {*CLOSED, DELETED}


class RevisionRefused(Exception):
    """A regenerate that cannot start now (the postcard is not done, or a revision runs)."""


@dataclass
class Accepted:
    """What `accept` did with a batch of creates."""

    written: set[str] = field(default_factory=set)
    """Task ids whose run this batch made PENDING (new, or a refused create retried): their
    stream entries must be appended."""
    conflicts: dict[int, list[str]] = field(default_factory=dict)
    """The creates (by their place in the batch) whose Idempotency-Key was first used for
    another request, with the fields that differ: those are refused (422)."""
    at: datetime = field(default_factory=utcnow)
    """The `updated_at` of the runs written, which `refuse` checks."""


@dataclass
class Removed:
    """What deleting a postcard removed: the blobs to delete and the runs to cancel."""

    blob_keys: list[str]
    open_runs: list[str]
    revisions: list[int]
    open_deliveries: list[str] = field(default_factory=list)
    """Webhook deliveries still being sent (their rows are gone: cancel their workflows)."""


class RunStore:
    """Writes of postcards and their runs, each keyed by task id and revision, so a retried
    activity's write changes nothing twice."""

    def __init__(
        self, engine: Engine, notify: Notify | None = None, webhooks: WebhookTargets | None = None
    ) -> None:
        self.engine = engine
        self._notify = notify
        self._outbox = Outbox(webhooks)  # the webhook events each write makes (runs/outbox.py)

    # ---- creates ------------------------------------------------------------------------

    def accept(self, requests: Sequence[PostcardRequest]) -> Accepted:
        """Save the API's creates in one transaction: a new postcard and its PENDING first run
        for each new task id. A task id that exists (an Idempotency-Key repeat) must ask for
        the same postcard, else it is a conflict; a refused create's tombstone asked for again
        becomes PENDING, and a PENDING run is claimed, so an earlier create of the same key
        waiting for its stream entry can no longer refuse it."""
        now = utcnow()
        result = Accepted(at=now)
        first: dict[str, PostcardRequest] = {}
        for request in requests:
            first.setdefault(request.task_id, request)
        if not first:
            return result
        with self.engine.begin() as conn:
            new = self._insert_new(conn, list(first.values()), now)
            earlier = [task_id for task_id in first if task_id not in new]
            asked = {task_id: _fields(request) for task_id, request in first.items()}
            asked |= self._stored_requests(conn, earlier)
            for index, request in enumerate(requests):
                differ = _differences(asked[request.task_id], request)
                if differ:
                    result.conflicts[index] = differ
            unchanged = [t for t in earlier if _differences(asked[t], first[t]) == []]
            revived = self._revive(conn, unchanged, now)
            self._touch_pending(conn, [t for t in unchanged if t not in revived], now)
        result.written = new | revived
        return result

    def refuse(self, task_ids: Sequence[str], inserted_at: datetime) -> set[str]:
        """Turn the runs of creates that will be answered 503 into REFUSED tombstones, but only
        runs nothing has touched since `accept` wrote them (same `updated_at`): a run the
        starter already claimed goes ahead. Returns the task ids refused."""
        if not task_ids:
            return set()
        statement = (
            sa.update(_RUNS)
            .where(_RUNS.c.task_id.in_(list(task_ids)))
            .where(_RUNS.c.revision == 1)
            .where(_RUNS.c.status == PENDING)
            .where(_RUNS.c.updated_at == inserted_at)
            .values(status=REFUSED, updated_at=_later(inserted_at))
            .returning(_RUNS.c.task_id)
        )
        with self.engine.begin() as conn:
            return set(conn.execute(statement).scalars())

    def claim(self, requests: Sequence[PostcardRequest]) -> dict[str, str]:
        """Before runs start: save the postcards that are missing (entries of other producers)
        and give PENDING first runs a new `updated_at`, so that a create still waiting for its
        stream entry can no longer refuse them, in one transaction. Returns the task ids that
        must not start, with their first run's status: REFUSED (the create was answered 503),
        a final one (cancelled or past its deadline before it started, or done), or DELETED."""
        if not requests:
            return {}
        now = utcnow()
        ids = list({r.task_id: None for r in requests})
        first_runs = (
            sa.select(_POSTCARDS.c.task_id, _RUNS.c.status)
            .select_from(_POSTCARDS)
            .outerjoin(
                _RUNS, sa.and_(_RUNS.c.task_id == _POSTCARDS.c.task_id, _RUNS.c.revision == 1)
            )
            .where(_POSTCARDS.c.task_id.in_(ids))
        )
        with self.engine.begin() as conn:
            self._insert_new(conn, list({r.task_id: r for r in requests}.values()), now)
            self._touch_pending(conn, ids, now)
            found = {task_id: status or DELETED for task_id, status in conn.execute(first_runs)}
        return {task_id: status for task_id, status in found.items() if status in _NOT_TO_START}

    def create_pending(self, request: PostcardRequest) -> None:
        """Save one postcard with its PENDING first run, unless it exists (tools and tests)."""
        with self.engine.begin() as conn:
            self._insert_new(conn, [request], utcnow())

    def _insert_new(
        self, conn: Connection, requests: Sequence[PostcardRequest], now: datetime
    ) -> set[str]:
        """Insert the postcards that do not exist yet with their PENDING first runs; the
        task ids inserted. One executemany statement per table."""
        if not requests:
            return set()
        insert = _insert_postcard(self.engine.dialect.name)
        new = set(conn.execute(insert, [_postcard_values(r) for r in requests]).scalars())
        if new:
            steps = _steps_json({step: StepProgress() for step in STEPS})
            conn.execute(
                sa.insert(_RUNS),
                [_first_run_values(r, steps, now) for r in requests if r.task_id in new],
            )
        return new

    @staticmethod
    def _stored_requests(conn: Connection, task_ids: list[str]) -> dict[str, dict[str, Any]]:
        if not task_ids:
            return {}
        query = sa.select(
            _POSTCARDS.c.task_id,
            _POSTCARDS.c.user_input,
            _POSTCARDS.c.style,
            _POSTCARDS.c.theme,
            _POSTCARDS.c.language,
        ).where(_POSTCARDS.c.task_id.in_(task_ids))
        return {row.task_id: dict(row._mapping) for row in conn.execute(query)}

    @staticmethod
    def _revive(conn: Connection, task_ids: list[str], now: datetime) -> set[str]:
        if not task_ids:
            return set()
        statement = (
            sa.update(_RUNS)
            .where(_RUNS.c.task_id.in_(task_ids))
            .where(_RUNS.c.revision == 1)
            .where(_RUNS.c.status == REFUSED)
            .values(status=PENDING, updated_at=now)
            .returning(_RUNS.c.task_id)
        )
        return set(conn.execute(statement).scalars())

    @staticmethod
    def _touch_pending(conn: Connection, task_ids: list[str], now: datetime) -> None:
        if not task_ids:
            return
        # `now` may equal a run's `updated_at` (clocks of two machines): then one tick later.
        touched = sa.case((_RUNS.c.updated_at == now, now + timedelta(microseconds=1)), else_=now)
        conn.execute(
            sa.update(_RUNS)
            .where(_RUNS.c.task_id.in_(task_ids))
            .where(_RUNS.c.revision == 1)
            .where(_RUNS.c.status == PENDING)
            .values(updated_at=touched)
        )

    # ---- revisions ------------------------------------------------------------------------

    def begin_revision(
        self,
        task_id: str,
        step: str,
        instruction: str | None,
        *,
        deadline_at: datetime | None = None,
        max_revisions: int | None = None,
        webhook_url: str | None = None,
        webhook_events: list[str] | None = None,
    ) -> PostcardRun:
        """Add the next run of a COMPLETED postcard (PENDING), which re-runs `step` and what
        depends on it and keeps the other steps' results. RevisionRefused when it cannot,
        including when the postcard has `max_revisions` runs already (MAX_REVISIONS). Without
        a `webhook_url` of its own, the run keeps the shown run's webhook."""
        with self._writing() as session:
            postcard = session.exec(select(Postcard).where(Postcard.task_id == task_id)).one()
            if postcard.deleted_at is not None:
                raise RevisionRefused("the postcard was deleted")
            runs = list(
                session.exec(
                    select(PostcardRun)
                    .where(PostcardRun.task_id == task_id)
                    .order_by(col(PostcardRun.revision))
                ).all()
            )
            shown = next(r for r in runs if r.revision == postcard.revision)
            if shown.status != PostcardStatus.COMPLETED.value:
                raise RevisionRefused(
                    f"the postcard is {shown.status}; only a COMPLETED one can change"
                )
            running = [r.revision for r in runs if r.status not in CLOSED]
            if running:
                raise RevisionRefused(f"revision {running[-1]} is still running")
            if max_revisions is not None and len(runs) >= max_revisions:
                raise RevisionRefused(
                    f"the postcard has {len(runs)} revisions, the most one may have "
                    f"(MAX_REVISIONS={max_revisions}); make a new postcard instead"
                )
            again = reruns(step)
            kept = StepProgress(status=StepState.KEPT)
            run = PostcardRun(
                task_id=task_id,
                revision=runs[-1].revision + 1,
                step=step,
                instruction=instruction,
                deadline_at=deadline_at,
                steps=_steps_json({s: StepProgress() if s in again else kept for s in STEPS}),
                **{name: getattr(shown, name) for name in _KEPT_RESULTS[step]},
                webhook_url=webhook_url or shown.webhook_url,
                webhook_events=webhook_events if webhook_url else shown.webhook_events,
            )
            session.add(run)
            try:
                session.flush()
            except IntegrityError as exc:  # a concurrent regenerate took the number
                raise RevisionRefused("another revision was just started") from exc
        self._changed(task_id)
        return run

    # ---- a run's steps ----------------------------------------------------------------------

    def step_started(
        self, request: PostcardRequest, step: str, attempt: int, provider: str, at: datetime
    ) -> bool:
        """An attempt of `step` began: the step runs, and so does the run. False when the run
        has ended (cancelled, past its deadline, deleted): the step must not call its provider."""
        state = StepProgress(
            status=StepState.RUNNING, attempts=attempt, provider=provider, started_at=at
        )

        def start(run: PostcardRun, steps: dict[str, StepProgress]) -> None:
            steps[step] = state
            run.status = PROCESSING
            run.current_step = step

        return self._change(request.task_id, request.revision, start, request)

    def step_progress(self, request: PostcardRequest, step: str, percent: int) -> None:
        """How far a running step is (a streamed page reports the share written)."""

        def advance(run: PostcardRun, steps: dict[str, StepProgress]) -> None:
            if steps[step].status is StepState.RUNNING:
                steps[step].progress_pct = percent

        self._change(request.task_id, request.revision, advance, request)

    def attempt_failed(self, request: PostcardRequest, step: str, error: str) -> None:
        """An attempt of `step` failed; Temporal decides whether another one follows."""

        def note(run: PostcardRun, steps: dict[str, StepProgress]) -> None:
            steps[step].error = error[:500]

        self._change(request.task_id, request.revision, note, request)

    def step_finished(
        self,
        request: PostcardRequest,
        step: str,
        state: StepProgress,
        results: dict[str, Any],
    ) -> bool:
        """`step` finished with its results; the steps that needed only what is now done are
        queued, and the run completes with its last step (the postcard then shows it). True
        when this write completed the run."""
        completed = False

        def finish(run: PostcardRun, steps: dict[str, StepProgress]) -> None:
            steps[step] = state
            for name, value in results.items():
                setattr(run, name, value)
            for name in STEPS:
                ready = all(steps[need].status in _DONE for need in NEEDS[name])
                if ready and steps[name].status is StepState.PENDING:
                    steps[name] = StepProgress(status=StepState.QUEUED)
            nonlocal completed
            completed = all(s.status in _DONE for s in steps.values())
            if completed:
                run.status = PostcardStatus.COMPLETED.value
                run.current_step = None
                run.finished_at = run.updated_at
            else:
                run.status = PROCESSING

        return self._change(request.task_id, request.revision, finish, request) and completed

    # ---- a run's end ----------------------------------------------------------------------

    def fail(
        self,
        task_id: str,
        revision: int,
        error: PostcardError,
        request: PostcardRequest | None = None,
        only_if_pending: bool = False,
    ) -> bool:
        """The run failed (or was cancelled, terminated, timed out, lost, never started): the
        failed step says why, the steps that never ran are skipped. False when the run had
        already ended, or does not exist and no `request` was given to save it from.
        `only_if_pending`: only a run no step of which has started (a cancel before the start;
        a running run's end is its workflow's to record)."""
        failed = f"{error.type}: {error.message}"[:500]

        def end(run: PostcardRun, steps: dict[str, StepProgress]) -> None:
            now = run.updated_at
            if error.step in steps:
                steps[error.step].status = StepState.FAILED
                steps[error.step].error = failed
                steps[error.step].finished_at = now
            for state in steps.values():
                if state.status in _OPEN_STEP:
                    state.status = StepState.SKIPPED
            run.status = PostcardStatus.FAILED.value
            run.error = error.model_dump(mode="json")
            run.error_message = f"{error.step}: {failed}"
            run.finished_at = now

        only = PENDING if only_if_pending else None
        changed = self._change(task_id, revision, end, request, only_if_status=only)
        if changed:
            log.info(
                "run failed",
                extra={"task_id": task_id, "revision": revision, "error_type": error.type},
            )
        return changed

    # ---- a postcard's end of life ------------------------------------------------------------

    def delete(self, task_id: str) -> Removed:
        """Delete a postcard for its owner, in one transaction: every run and webhook delivery
        goes, and the postcard's row stays only as a tombstone (no wish, no results) so that a
        late write of a cancelled run can never bring it back. Returns the files to delete and
        the runs and deliveries still going (to cancel)."""
        with self._writing() as session:
            runs = list(
                session.exec(
                    select(PostcardRun)
                    .where(PostcardRun.task_id == task_id)
                    .order_by(col(PostcardRun.revision))
                )
            )
            removed = Removed(
                blob_keys=sorted({k for r in runs for k in (r.image_key, r.page_key) if k}),
                open_runs=[r.run_id for r in runs if r.status not in CLOSED],
                revisions=[r.revision for r in runs],
            )
            session.execute(sa.delete(_RUNS).where(_RUNS.c.task_id == task_id))
            deliveries = _DELIVERIES.c
            removed.open_deliveries = list(
                session.execute(
                    sa.select(deliveries.id)
                    .where(deliveries.task_id == task_id)
                    .where(deliveries.status.not_in(("delivered", "dead")))
                ).scalars()
            )
            session.execute(
                sa.delete(_ATTEMPTS).where(
                    _ATTEMPTS.c.delivery_id.in_(
                        sa.select(deliveries.id).where(deliveries.task_id == task_id)
                    )
                )
            )
            session.execute(sa.delete(_DELIVERIES).where(deliveries.task_id == task_id))
            session.execute(
                sa.update(_POSTCARDS)
                .where(_POSTCARDS.c.task_id == task_id)
                .values(deleted_at=utcnow(), user_input="", style=None, theme=None, extra=None)
            )
        self._changed(task_id)
        return removed

    def expire(self, task_ids: Sequence[str]) -> int:
        """Retention: mark postcards whose files were deleted as expired (their pages' HTML
        goes too; every other column stays, as metadata). The number marked."""
        if not task_ids:
            return 0
        now = utcnow()
        with self.engine.begin() as conn:
            marked = conn.execute(
                sa.update(_POSTCARDS)
                .where(_POSTCARDS.c.task_id.in_(list(task_ids)))
                .where(_POSTCARDS.c.expired_at.is_(None))
                .values(expired_at=now)
            ).rowcount
            conn.execute(
                sa.update(_RUNS)
                .where(_RUNS.c.task_id.in_(list(task_ids)))
                .values(frontend_code=None)
            )
        for task_id in task_ids:
            self._changed(task_id)
        return int(marked)

    # ---- the one way a run changes -----------------------------------------------------------

    def _change(
        self,
        task_id: str,
        revision: int,
        change: Callable[[PostcardRun, dict[str, StepProgress]], None],
        request: PostcardRequest | None = None,
        only_if_status: str | None = None,
    ) -> bool:
        """Apply `change` to the run under its row lock, unless the run has ended (or is not in
        `only_if_status`). A missing first run (a workflow started outside the API) is saved
        from `request` first, unless its postcard was deleted. True when the run changed."""
        with self._writing() as session:
            run = self._locked(session, task_id, revision)
            if run is None and request is not None and revision == 1:
                self._insert_new(session.connection(), [request], utcnow())
                run = self._locked(session, task_id, revision)
            if run is None:
                return False
            if run.status in CLOSED or (only_if_status and run.status != only_if_status):
                return False
            steps = {
                name: StepProgress.model_validate((run.steps or {}).get(name) or {})
                for name in STEPS
            }
            before = self._outbox.before(run, steps)
            run.updated_at = _later(run.updated_at)
            change(run, steps)
            run.steps = _steps_json(steps)
            run.retry_count = sum(max(0, s.attempts - 1) for s in steps.values())
            session.add(run)
            self._outbox.record(session, run, before, steps)
            if run.status == PostcardStatus.COMPLETED.value and run.revision > 1:
                session.execute(
                    sa.update(_POSTCARDS)
                    .where(_POSTCARDS.c.task_id == run.task_id)
                    .where(_POSTCARDS.c.revision < run.revision)
                    .values(revision=run.revision)
                )
        self._changed(task_id)
        return True

    @contextmanager
    def _writing(self) -> Iterator[Session]:
        """A transaction that commits when the block ends; on SQLite it takes the write lock
        at once, so two writers of one run (content ∥ image) never lose an update."""
        with open_session(self.engine) as session:
            if self.engine.dialect.name == "sqlite":
                session.connection().exec_driver_sql("BEGIN IMMEDIATE")
            yield session
            session.commit()

    def _locked(self, session: Session, task_id: str, revision: int) -> PostcardRun | None:
        """The run's row, locked until the transaction ends (PostgreSQL: FOR UPDATE)."""
        query = (
            select(PostcardRun)
            .where(PostcardRun.task_id == task_id)
            .where(PostcardRun.revision == revision)
        )
        if self.engine.dialect.name == "postgresql":
            query = query.with_for_update()
        return session.exec(query).first()

    def _changed(self, task_id: str) -> None:
        if self._notify is None:
            return
        try:
            self._notify(task_id)
        except Exception as exc:  # a live view misses one change; the record is saved
            log.warning("change not announced", extra={"task_id": task_id, "error": repr(exc)})


_RESULTS = {
    "concept": ("concept",),
    "content": ("content",),
    "image": ("image_url", "image_key"),
    "frontend": ("frontend_code", "page_key", "preview_url"),
}
_KEPT_RESULTS = {
    step: tuple(column for kept in STEPS if kept not in reruns(step) for column in _RESULTS[kept])
    for step in STEPS
}
"""The result columns a regenerate of each step copies from the run it starts from."""


def _later(previous: datetime | None) -> datetime:
    """Now, but strictly after `previous`, so each write gives the run a new `updated_at`."""
    now = utcnow()
    before = as_utc(previous)
    if before is not None and now <= before:
        return before + timedelta(microseconds=1)
    return now


def _steps_json(steps: dict[str, StepProgress]) -> dict[str, Any]:
    return {name: steps[name].model_dump(mode="json") for name in STEPS}


def _fields(request: PostcardRequest) -> dict[str, Any]:
    """The fields of a request that an Idempotency-Key repeat must ask for again."""
    return {
        "user_input": request.user_input,
        "style": request.style,
        "theme": request.theme,
        "language": request.language,
    }


_FIELD_NAMES = {"user_input": "prompt", "style": "style", "theme": "theme", "language": "language"}


def _differences(stored: dict[str, Any], request: PostcardRequest) -> list[str]:
    """The request's fields (by their API names) that differ from a stored request's."""
    asked = _fields(request)
    return [_FIELD_NAMES[name] for name in _FIELD_NAMES if stored.get(name) != asked[name]]


def _postcard_values(request: PostcardRequest) -> dict[str, Any]:
    return {
        "id": new_uuid(),
        "task_id": request.task_id,
        "user_id": request.user_id,
        "user_input": request.user_input,
        "style": request.style,
        "theme": request.theme,
        "language": request.language,
        "extra": dict(request.metadata) or None,
        "created_at": request.created_at,
        "revision": 1,
    }


def _first_run_values(
    request: PostcardRequest, steps: dict[str, Any], now: datetime
) -> dict[str, Any]:
    return {
        "id": new_uuid(),
        "task_id": request.task_id,
        "revision": 1,
        "status": PENDING,
        "steps": steps,
        "retry_count": 0,
        "created_at": now,
        "updated_at": now,
        "deadline_at": request.deadline_at,
        "webhook_url": request.webhook_url,
        "webhook_events": request.webhook_events,
    }


@functools.cache
def _insert_postcard(dialect_name: str) -> Any:
    """`INSERT … ON CONFLICT (task_id) DO NOTHING RETURNING task_id`, built once per dialect."""
    dialect = sqlite_insert if dialect_name == "sqlite" else pg_insert
    return (
        dialect(_POSTCARDS)
        .on_conflict_do_nothing(index_elements=["task_id"])
        .returning(_POSTCARDS.c.task_id)
    )
