"""Reads and writes of a postcard's revisions (`postcard_revisions`).

A regenerate asks for a new revision: a new run of the workflow that keeps the results of the
latest one and re-runs one step and what depends on it. The postcard's own row stays COMPLETED
and shows the latest completed revision; each revision keeps its own steps and results.
"""

from __future__ import annotations

from contextlib import AbstractContextManager
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from core.db import Postcard, PostcardRevision, open_session, utcnow
from core.models import STEPS, PostcardError, PostcardStatus, StepProgress, StepState

FINAL = {PostcardStatus.COMPLETED.value, PostcardStatus.FAILED.value}
RESULTS = ("concept", "content", "image_url", "image_key", "frontend_code", "page_key")
RERUNS: dict[str, tuple[str, ...]] = {
    "concept": ("concept", "content", "image", "frontend"),
    "content": ("content", "frontend"),
    "image": ("image", "frontend"),
    "frontend": ("frontend",),
}
"""The steps a regenerate of each step runs again: the step and what depends on it."""


class RevisionRefused(Exception):
    """A regenerate that cannot start now (the postcard is not done, or a revision runs)."""


class RevisionRepository:
    """Revisions of postcards; every write leaves a final revision unchanged."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def _session(self) -> AbstractContextManager[Session]:
        return open_session(self.engine)

    def begin(self, task_id: str, step: str, instruction: str | None) -> PostcardRevision:
        """Add the next revision (PENDING), keeping the latest results; the first regenerate
        also copies the original run as revision 1. RevisionRefused when it cannot start."""
        with self._session() as session:
            row = session.exec(select(Postcard).where(Postcard.task_id == task_id)).first()
            if row is None or row.status != PostcardStatus.COMPLETED.value:
                status = row.status if row else "missing"
                raise RevisionRefused(f"the postcard is {status}; only a COMPLETED one can change")
            known = list(
                session.exec(
                    select(PostcardRevision)
                    .where(PostcardRevision.task_id == task_id)
                    .order_by(col(PostcardRevision.revision))
                ).all()
            )
            running = [r.revision for r in known if r.status not in FINAL]
            if running:
                raise RevisionRefused(f"revision {running[-1]} is still running")
            if not known:
                original = _copy_results(row, PostcardRevision(task_id=task_id, revision=1))
                original.status = PostcardStatus.COMPLETED.value
                original.steps = row.steps
                original.created_at = row.created_at
                original.finished_at = row.completed_at
                session.add(original)
                known.append(original)
            kept = _steps_of(row.steps, RERUNS[step])
            revision = _copy_results(
                row,
                PostcardRevision(
                    task_id=task_id,
                    revision=known[-1].revision + 1,
                    step=step,
                    instruction=instruction,
                    steps=kept,
                ),
            )
            session.add(revision)
            try:
                session.commit()
            except IntegrityError as exc:  # a concurrent regenerate took the number
                raise RevisionRefused("another revision was just started") from exc
            return revision

    def update_step(
        self,
        task_id: str,
        revision: int,
        step: str,
        progress: StepProgress,
        results: dict[str, Any] | None = None,
        completes: bool = False,
    ) -> None:
        """Save one step of a revision; `completes` (the last step) also makes the revision
        COMPLETED and its results the postcard's own, in one transaction."""
        with self._session() as session:
            found = self._lock(session, task_id, revision)
            if found is None or found.status in FINAL:
                return
            steps = dict(found.steps or {})
            steps[step] = progress.model_dump(mode="json")
            found.steps = steps
            for name, value in (results or {}).items():
                if name in RESULTS:
                    setattr(found, name, value)
            found.status = PostcardStatus.PROCESSING.value
            found.updated_at = utcnow()
            if completes:
                found.status = PostcardStatus.COMPLETED.value
                found.finished_at = found.updated_at
                session.execute(
                    sa.update(Postcard.__table__)  # type: ignore[attr-defined]
                    .where(Postcard.__table__.c.task_id == task_id)  # type: ignore[attr-defined]
                    .values(
                        revision=revision,
                        updated_at=found.updated_at,
                        **{name: getattr(found, name) for name in RESULTS},
                    )
                )
            session.add(found)
            session.commit()

    def fail(
        self, task_id: str, revision: int, error: PostcardError, steps: dict[str, StepProgress]
    ) -> bool:
        """Save why a revision failed; the postcard keeps its latest completed results."""
        with self._session() as session:
            found = self._lock(session, task_id, revision)
            if found is None or found.status in FINAL:
                return found is not None
            merged = dict(found.steps or {})
            for name, state in steps.items():
                if state.status is not StepState.KEPT:
                    merged[name] = state.model_dump(mode="json")
            found.steps = merged
            found.status = PostcardStatus.FAILED.value
            found.error = error.model_dump(mode="json")
            found.finished_at = found.updated_at = utcnow()
            session.add(found)
            session.commit()
            return True

    def list(self, task_id: str) -> list[PostcardRevision]:
        """Every revision of a postcard, oldest first (none until the first regenerate)."""
        with self._session() as session:
            return list(
                session.exec(
                    select(PostcardRevision)
                    .where(PostcardRevision.task_id == task_id)
                    .order_by(col(PostcardRevision.revision))
                ).all()
            )

    def get(self, task_id: str, revision: int) -> PostcardRevision | None:
        """One revision."""
        with self._session() as session:
            return session.exec(
                select(PostcardRevision)
                .where(PostcardRevision.task_id == task_id)
                .where(PostcardRevision.revision == revision)
            ).first()

    def _lock(self, session: Session, task_id: str, revision: int) -> PostcardRevision | None:
        query = (
            select(PostcardRevision)
            .where(PostcardRevision.task_id == task_id)
            .where(PostcardRevision.revision == revision)
        )
        if self.engine.dialect.name == "postgresql":
            query = query.with_for_update()
        else:  # SQLite: take the write lock now, so content ∥ image never lose an update
            session.connection().exec_driver_sql("BEGIN IMMEDIATE")
        return session.exec(query).first()


def _copy_results(row: Postcard, revision: PostcardRevision) -> PostcardRevision:
    for name in (*RESULTS, "preview_url"):
        setattr(revision, name, getattr(row, name))
    return revision


def _steps_of(steps: dict[str, Any] | None, rerun: tuple[str, ...]) -> dict[str, Any]:
    """A new revision's step entries: kept for the steps it keeps, pending for the others."""
    kept = StepProgress(status=StepState.KEPT).model_dump(mode="json")
    pending = StepProgress().model_dump(mode="json")
    return {name: pending if name in rerun else kept for name in STEPS}
