"""The webhook outbox: the events a run write makes, saved in that write's own transaction.

Events are born only in the store's writes: a step that ends (completed or failed) makes a
`step` event, a run that ends makes `completed` or `failed`. `RunStore._change` notes the
steps' states before a change and hands the run after it to `Outbox.record`, which inserts one
`webhook_deliveries` row per subscribed event with a deterministic id, ON CONFLICT DO NOTHING:
a repeated end never makes a second event. The starter's dispatcher delivers the rows.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlmodel import Session, select

from core.db import Postcard, PostcardRun, WebhookDelivery, WebhookEndpoint, utcnow
from core.models import FINAL_STATUSES, STEPS, StepProgress, StepState
from core.webhooks import DEFAULT_EVENTS, PENDING, delivery_id, webhook_id

_DELIVERIES: sa.Table = WebhookDelivery.__table__  # type: ignore[attr-defined]
_ENDED = (StepState.COMPLETED, StepState.FAILED)
_FINAL = frozenset(s.value for s in FINAL_STATUSES)
Before = tuple[str, dict[str, StepState]]
"""A run's status and its steps' states before a change."""


@dataclass(frozen=True)
class WebhookTargets:
    """Where a run's events go when it names no webhook of its own."""

    per_user: bool = False
    """API keys on: the owner's endpoint (`webhook_endpoints`), signed with the owner's secret."""
    default_url: str | None = None
    """API keys off: WEBHOOK_URL, signed with WEBHOOK_SECRET."""


@dataclass(frozen=True)
class _Target:
    url: str
    events: tuple[str, ...]
    signer: str | None


class Outbox:
    """Turns a run's change into the webhook deliveries it makes."""

    def __init__(self, targets: WebhookTargets | None = None) -> None:
        self.targets = targets or WebhookTargets()

    @staticmethod
    def before(run: PostcardRun, steps: dict[str, StepProgress]) -> Before:
        """What `record` compares the changed run with."""
        return run.status, {name: steps[name].status for name in STEPS}

    def record(
        self,
        session: Session,
        run: PostcardRun,
        before: Before,
        steps: dict[str, StepProgress],
    ) -> int:
        """Insert the deliveries of the events this change made (none when nothing ended or
        nobody listens); how many events it found."""
        events = _events(run, before, steps)
        if not events:
            return 0
        target = self._target(session, run)
        if target is None:
            return 0
        now = utcnow()
        rows = [
            {
                "id": delivery_id(run.task_id, run.revision, event, step),
                "task_id": run.task_id,
                "revision": run.revision,
                "event": event,
                "step": step,
                "url": target.url,
                "signer": target.signer,
                "webhook_id": webhook_id(delivery_id(run.task_id, run.revision, event, step)),
                "status": PENDING,
                "redeliveries": 0,
                "created_at": now,
                "updated_at": now,
            }
            for event, step in events
            if event in target.events
        ]
        if rows:
            dialect = session.get_bind().dialect.name
            session.execute(_insert_ignoring(dialect), rows)
        return len(events)

    def _target(self, session: Session, run: PostcardRun) -> _Target | None:
        """The run's own webhook, else its owner's endpoint (keys on), else WEBHOOK_URL."""
        owner = None
        if self.targets.per_user:
            owner = session.exec(
                select(Postcard.user_id).where(Postcard.task_id == run.task_id)
            ).first()
        if run.webhook_url:
            return _Target(run.webhook_url, tuple(run.webhook_events or DEFAULT_EVENTS), owner)
        if owner is not None:
            endpoint = session.get(WebhookEndpoint, owner)
            if endpoint is None or not endpoint.url or endpoint.disabled_at is not None:
                return None
            return _Target(endpoint.url, tuple(endpoint.events or DEFAULT_EVENTS), owner)
        if self.targets.default_url and not self.targets.per_user:
            return _Target(self.targets.default_url, DEFAULT_EVENTS, None)
        return None


def _events(
    run: PostcardRun, before: Before, steps: dict[str, StepProgress]
) -> list[tuple[str, str | None]]:
    """(event, step) for each step that ended in this change, then the run's own end."""
    status, states = before
    events: list[tuple[str, str | None]] = [
        ("step", name)
        for name in STEPS
        if states[name] not in _ENDED and steps[name].status in _ENDED
    ]
    if status not in _FINAL and run.status in _FINAL:
        events.append(("completed" if run.status == "COMPLETED" else "failed", None))
    return events


@functools.cache
def _insert_ignoring(dialect_name: str) -> Any:
    """`INSERT … ON CONFLICT (id) DO NOTHING` into webhook_deliveries, built once per dialect."""
    dialect = sqlite_insert if dialect_name == "sqlite" else pg_insert
    return dialect(_DELIVERIES).on_conflict_do_nothing(index_elements=["id"])
