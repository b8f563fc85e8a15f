"""Webhook delivery activities: one signed POST per attempt, and the dead-letter record.

Each attempt reads its delivery and the signing secret from the database (neither travels in a
workflow payload), builds the body once (the first attempt saves it on the delivery, so every
attempt and redelivery sends the same bytes under the same `webhook-id`), signs it with the
`standardwebhooks` package, POSTs it through the checked client and records the attempt.
Temporal retries a failed attempt with backoff; a 410 or a refused URL is not retried.

The body's `data` is the status endpoint's own body (`api.presenters.status_body`), imported
from `api/` rather than moved: that module needs no FastAPI, and moving it would touch files
other work changes (presenters, schemas).
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from prometheus_client import Counter
from standardwebhooks import Webhook
from temporalio import activity
from temporalio.exceptions import ApplicationError

from activities.webhook_http import Resolver, UrlRefused, host_of, post, system_resolver
from api.presenters import status_body  # the status endpoint's body; imports no FastAPI
from core.db import WebhookAttempt, WebhookDelivery, as_utc, utcnow
from core.settings import Settings
from core.webhooks import (
    GONE,
    REFUSED,
    UNSENDABLE,
    AttemptInput,
    AttemptResult,
    DeadLetter,
    DeliveryPolicy,
    event_type,
)
from runs.reads import PostcardView, RunReads
from runs.webhooks import WebhookStore

log = logging.getLogger("postcards.webhooks")
NOT_DELIVERED = "WebhookNotDelivered"

ATTEMPTS = Counter("postcard_webhook_attempts", "Webhook delivery attempts by outcome", ["outcome"])
DEAD_LETTERED = Counter(
    "postcard_webhooks_dead_lettered",
    "Webhook deliveries given up: expired (WEBHOOK_RETRY_HOURS ran out), gone (410), "
    "refused (URL not allowed), unsendable (postcard or secret gone)",
    ["kind"],
)


class WebhookActivities:
    """The delivery activities, with the database, settings and resolver injected once."""

    def __init__(
        self,
        deliveries: WebhookStore,
        reads: RunReads,
        settings: Settings,
        resolver: Resolver = system_resolver,
    ) -> None:
        self._deliveries = deliveries
        self._reads = reads
        self._settings = settings
        self._resolver = resolver

    @activity.defn(name="deliver_webhook")
    async def deliver(self, data: AttemptInput) -> AttemptResult:
        """One attempt: sign and POST the delivery's body, record what happened."""
        info = activity.info()
        delivery = await asyncio.to_thread(self._deliveries.delivery, data.delivery_id)
        if delivery is None:
            raise _unsendable(f"delivery {data.delivery_id} does not exist")
        if delivery.delivered_at is not None and not data.resend:
            # An earlier attempt delivered it and its worker died before Temporal heard.
            return AttemptResult(delivery_id=delivery.id, status_code=200)
        secret = await asyncio.to_thread(self._secret, delivery)
        payload = delivery.payload
        if payload is None:
            payload = await asyncio.to_thread(self._save_body, delivery)
        sent_at = utcnow()
        headers = {
            "webhook-id": delivery.webhook_id,
            "webhook-timestamp": str(int(sent_at.timestamp())),
            "webhook-signature": Webhook(secret).sign(delivery.webhook_id, sent_at, payload),
        }
        extra: dict[str, Any] = {
            "task_id": delivery.task_id,
            "delivery_id": delivery.id,
            "workflow_id": info.workflow_id,
            "attempt": info.attempt,
            "host": host_of(delivery.url),
        }
        attempt = WebhookAttempt(
            delivery_id=delivery.id,
            workflow_id=info.workflow_id or "",
            attempt=info.attempt,
            at=sent_at,
        )
        try:
            answer = await post(
                delivery.url,
                payload.encode(),
                headers,
                allow_private=self._settings.webhook_allow_private,
                timeout_s=self._settings.webhook_timeout_s,
                resolver=self._resolver,
            )
        except UrlRefused as exc:
            attempt.error = str(exc)[:500]
            await asyncio.to_thread(self._deliveries.add_attempt, attempt, False)
            ATTEMPTS.labels("refused").inc()
            log.warning("webhook refused", extra=extra | {"error": attempt.error})
            raise ApplicationError(str(exc), type=REFUSED, non_retryable=True) from None
        code = answer.status_code
        delivered = code is not None and 200 <= code < 300
        attempt.status_code, attempt.latency_ms = code, answer.latency_ms
        attempt.error = answer.error
        if not delivered and code != 410:
            attempt.next_try_at = _next_try(data.policy, info, sent_at)
        await asyncio.to_thread(self._deliveries.add_attempt, attempt, delivered)
        outcome = "delivered" if delivered else "gone" if code == 410 else "failed"
        ATTEMPTS.labels(outcome).inc()
        extra |= {"status_code": code, "latency_ms": answer.latency_ms}
        if delivered:
            log.info("webhook delivered", extra=extra)
            return AttemptResult(delivery_id=delivery.id, status_code=code or 200)
        reason = answer.error or f"the receiver answered HTTP {code}"
        log.warning("webhook attempt failed", extra=extra | {"error": reason})
        if code == 410:
            if delivery.signer is not None:
                why = f"410 Gone from {host_of(delivery.url)} ({delivery.id})"
                await asyncio.to_thread(
                    self._deliveries.disable_endpoint, delivery.signer, delivery.url, why
                )
            raise ApplicationError(
                "the receiver answered 410 Gone: its endpoint is disabled",
                type=GONE,
                non_retryable=True,
            )
        raise ApplicationError(reason, type=NOT_DELIVERED)

    @activity.defn(name="dead_letter_webhook")
    async def dead_letter(self, letter: DeadLetter) -> None:
        """Record that a delivery will not be tried again, and count it."""
        await asyncio.to_thread(self._deliveries.dead_lettered, letter.delivery_id, letter.reason)
        DEAD_LETTERED.labels(letter.kind).inc()
        log.warning(
            "webhook dead-lettered",
            extra={
                "task_id": letter.task_id,
                "delivery_id": letter.delivery_id,
                "kind": letter.kind,
                "reason": letter.reason,
            },
        )

    def all(self) -> list[Callable[..., Any]]:
        """Every webhook activity, for the worker to register."""
        return [self.deliver, self.dead_letter]

    def _secret(self, delivery: WebhookDelivery) -> str:
        """The signer's secret: the user's endpoint secret, or WEBHOOK_SECRET (keys off)."""
        if delivery.signer is not None:
            endpoint = self._deliveries.endpoint(delivery.signer)
            if endpoint is None:
                raise _unsendable(f"user {delivery.signer!r} has no webhook signing secret")
            return endpoint.secret
        if self._settings.webhook_secret is None:
            raise _unsendable("WEBHOOK_SECRET is not set, so nothing can sign the webhook")
        return self._settings.webhook_secret.get_secret_value()

    def _save_body(self, delivery: WebhookDelivery) -> str:
        """Build the event's body and keep it on the delivery; the body that was kept."""
        return self._deliveries.save_payload(delivery.id, self._body(delivery))

    def _body(self, delivery: WebhookDelivery) -> str:
        """`{type, timestamp, revision, step?, data}`: data is the status body as it stood at
        the event's revision (later revisions are left out)."""
        view = self._reads.get(delivery.task_id)
        runs = [r for r in self._reads.runs(delivery.task_id) if r.revision <= delivery.revision]
        run = next((r for r in runs if r.revision == delivery.revision), None)
        if view is None or run is None:
            raise _unsendable(f"postcard {delivery.task_id} revision {delivery.revision} is gone")
        status = status_body(PostcardView(view.postcard, run), self._settings, runs)
        body: dict[str, Any] = {
            "type": event_type(delivery.event),
            "timestamp": (as_utc(delivery.created_at) or utcnow()).isoformat(),
            "revision": delivery.revision,
        }
        if delivery.step is not None:
            body["step"] = delivery.step
        body["data"] = status.model_dump(mode="json")
        return json.dumps(body, ensure_ascii=False, separators=(",", ":"))


def _next_try(policy: DeliveryPolicy, info: activity.Info, sent_at: datetime) -> datetime | None:
    """When Temporal will try again after this attempt, or None when the retry window closes
    first (the activity's schedule-to-close deadline)."""
    next_at = sent_at + timedelta(seconds=policy.next_interval_s(info.attempt))
    window = info.schedule_to_close_timeout
    if window is not None and next_at >= info.scheduled_time + window:
        return None
    return next_at


def _unsendable(reason: str) -> ApplicationError:
    return ApplicationError(reason, type=UNSENDABLE, non_retryable=True)
