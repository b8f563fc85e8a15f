"""Webhook rows after the outbox wrote them: users' endpoints, the dispatcher's bookkeeping,
each delivery's body and attempts, and how it ended.

The outbox rows themselves are inserted by the run store, in the transaction of the end they
announce (runs/outbox.py); everything else about webhooks is read and written here.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlmodel import col, select

from core.db import WebhookAttempt, WebhookDelivery, WebhookEndpoint, open_session, utcnow
from core.webhook_checks import new_secret
from core.webhooks import DEAD_LETTERED, DELIVERED

_DELIVERIES: sa.Table = WebhookDelivery.__table__  # type: ignore[attr-defined]
_ATTEMPTS: sa.Table = WebhookAttempt.__table__  # type: ignore[attr-defined]


@dataclass(frozen=True)
class DeliveryView:
    """One delivery with its attempts, oldest first."""

    delivery: WebhookDelivery
    attempts: list[WebhookAttempt]


class WebhookStore:
    """Reads and writes of webhook endpoints, deliveries and attempts."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    # ---- endpoints ---------------------------------------------------------------------------

    def endpoint(self, user_id: str) -> WebhookEndpoint | None:
        """A user's endpoint row (with its secret: callers must not show it)."""
        with open_session(self.engine) as session:
            return session.get(WebhookEndpoint, user_id)

    def put_endpoint(
        self, user_id: str, url: str | None, events: list[str] | None, rotate: bool
    ) -> tuple[WebhookEndpoint, str | None]:
        """Set a user's default endpoint (enabled again); a secret is issued the first time and
        on `rotate`. The row, and the secret when one was issued now (shown only then)."""
        try:
            return self._put_endpoint(user_id, url, events, rotate)
        except IntegrityError:  # two first PUTs at once: the other one created the row
            return self._put_endpoint(user_id, url, events, rotate)

    def _put_endpoint(
        self, user_id: str, url: str | None, events: list[str] | None, rotate: bool
    ) -> tuple[WebhookEndpoint, str | None]:
        now = utcnow()
        with open_session(self.engine) as session:
            row = session.get(WebhookEndpoint, user_id, with_for_update=True)
            issued = None
            if row is None or rotate:
                issued = new_secret()
            if row is None:
                row = WebhookEndpoint(user_id=user_id, secret=issued or "", created_at=now)
            elif issued:
                row.secret = issued
            row.url, row.events, row.updated_at = url, events, now
            row.disabled_at, row.disabled_reason = None, None
            session.add(row)
            session.commit()
            return row, issued

    def disable_endpoint(self, user_id: str, url: str, reason: str) -> bool:
        """Disable a user's endpoint if it still points at `url` (a 410 Gone from it)."""
        with self.engine.begin() as conn:
            table: sa.Table = WebhookEndpoint.__table__  # type: ignore[attr-defined]
            done = conn.execute(
                sa.update(table)
                .where(table.c.user_id == user_id)
                .where(table.c.url == url)
                .where(table.c.disabled_at.is_(None))
                .values(disabled_at=utcnow(), disabled_reason=reason[:500])
            )
            return bool(done.rowcount)

    # ---- the dispatcher ----------------------------------------------------------------------

    def undispatched(self, limit: int) -> list[tuple[str, str]]:
        """(delivery id, task id) of deliveries whose workflow has not been started, oldest
        first."""
        query = (
            sa.select(_DELIVERIES.c.id, _DELIVERIES.c.task_id)
            .where(_DELIVERIES.c.dispatched_at.is_(None))
            .order_by(_DELIVERIES.c.created_at, _DELIVERIES.c.id)
            .limit(limit)
        )
        with self.engine.connect() as conn:
            return [(row.id, row.task_id) for row in conn.execute(query)]

    def mark_dispatched(self, ids: Sequence[str]) -> None:
        """Their workflows are started (or existed already)."""
        if not ids:
            return
        with self.engine.begin() as conn:
            conn.execute(
                sa.update(_DELIVERIES)
                .where(_DELIVERIES.c.id.in_(list(ids)))
                .values(dispatched_at=utcnow())
            )

    # ---- deliveries --------------------------------------------------------------------------

    def delivery(self, delivery_id: str) -> WebhookDelivery | None:
        """One delivery."""
        with open_session(self.engine) as session:
            return session.get(WebhookDelivery, delivery_id)

    def save_payload(self, delivery_id: str, payload: str) -> str:
        """Keep the body the first attempt built; the body every attempt sends."""
        with self.engine.begin() as conn:
            conn.execute(
                sa.update(_DELIVERIES)
                .where(_DELIVERIES.c.id == delivery_id)
                .where(_DELIVERIES.c.payload.is_(None))
                .values(payload=payload)
            )
            stored = conn.execute(
                sa.select(_DELIVERIES.c.payload).where(_DELIVERIES.c.id == delivery_id)
            ).scalar_one()
        return str(stored)

    def add_attempt(self, attempt: WebhookAttempt, delivered: bool) -> None:
        """Record one attempt; a delivered one also marks its delivery delivered."""
        with open_session(self.engine) as session:
            session.add(attempt)
            values: dict[str, object] = {"updated_at": attempt.at}
            if delivered:
                values |= {"status": DELIVERED, "delivered_at": attempt.at, "error": None}
            else:
                values["error"] = attempt.error or f"HTTP {attempt.status_code}"
            session.execute(
                sa.update(_DELIVERIES).where(_DELIVERIES.c.id == attempt.delivery_id).values(values)
            )
            session.commit()

    def dead_lettered(self, delivery_id: str, reason: str) -> None:
        """The delivery will not be tried again (its time ran out, 410 Gone, refused URL): so
        no attempt's next try is still to come."""
        now = utcnow()
        with self.engine.begin() as conn:
            conn.execute(
                sa.update(_DELIVERIES)
                .where(_DELIVERIES.c.id == delivery_id)
                .values(status=DEAD_LETTERED, error=reason[:500], updated_at=now)
            )
            last = conn.execute(
                sa.select(sa.func.max(_ATTEMPTS.c.at)).where(_ATTEMPTS.c.delivery_id == delivery_id)
            ).scalar()
            conn.execute(
                sa.update(_ATTEMPTS)
                .where(_ATTEMPTS.c.delivery_id == delivery_id)
                .where(_ATTEMPTS.c.at == last)
                .values(next_try_at=None)
            )

    def begin_redelivery(self, delivery_id: str) -> int:
        """Count one more redelivery; its number. The status stays until the redelivery's
        attempts change it (delivered, or dead-lettered again)."""
        with self.engine.begin() as conn:
            return int(
                conn.execute(
                    sa.update(_DELIVERIES)
                    .where(_DELIVERIES.c.id == delivery_id)
                    .values(redeliveries=_DELIVERIES.c.redeliveries + 1, updated_at=utcnow())
                    .returning(_DELIVERIES.c.redeliveries)
                ).scalar_one()
            )

    def of_task(self, task_id: str) -> list[DeliveryView]:
        """A postcard's deliveries with their attempts, in the order their events happened."""
        with open_session(self.engine) as session:
            deliveries = session.exec(
                select(WebhookDelivery)
                .where(WebhookDelivery.task_id == task_id)
                .order_by(col(WebhookDelivery.created_at), col(WebhookDelivery.revision))
            ).all()
            ids = [d.id for d in deliveries]
            attempts = (
                session.exec(
                    select(WebhookAttempt)
                    .where(col(WebhookAttempt.delivery_id).in_(ids))
                    .order_by(col(WebhookAttempt.at))
                ).all()
                if ids
                else []
            )
        by_delivery: dict[str, list[WebhookAttempt]] = {}
        for attempt in attempts:
            by_delivery.setdefault(attempt.delivery_id, []).append(attempt)
        return [DeliveryView(d, by_delivery.get(d.id, [])) for d in deliveries]
