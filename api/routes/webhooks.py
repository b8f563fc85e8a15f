"""Webhooks: a user's endpoint and signing secret, a postcard's deliveries, redelivery."""

from __future__ import annotations

import asyncio
import logging
from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, status
from fastapi import Path as PathParam
from pydantic import BaseModel, Field
from temporalio.service import RPCError

from api.deps import PostcardDep, ServicesDep, UserDep
from api.schemas import WebhookFields
from api.services import Services
from core.db import as_utc
from core.webhook_checks import MAX_URL, check_url
from core.webhooks import DEFAULT_EVENTS, EventName, event_type
from runs.dispatcher import start_delivery
from runs.webhooks import DeliveryView, WebhookStore

log = logging.getLogger("postcards.api")
router = APIRouter(prefix="/api/v1", tags=["webhooks"])


def webhook_store(services: ServicesDep) -> WebhookStore:
    """Webhook rows on the API's database."""
    return WebhookStore(services.store.engine)


WebhooksDep = Annotated[WebhookStore, Depends(webhook_store)]


class EndpointIn(BaseModel):
    """A user's default endpoint: every postcard without its own webhook_url reports here."""

    url: str | None = Field(
        max_length=MAX_URL,
        description="https URL; null keeps only the signing secret (for create's webhook_url)",
    )
    events: list[EventName] | None = Field(default=None, min_length=1, max_length=3)
    rotate_secret: bool = Field(False, description="Issue a new signing secret")


class EndpointOut(BaseModel):
    """A user's endpoint; `secret` only in the answer of the PUT that issued it."""

    url: str | None
    events: list[str]
    disabled_at: datetime | None = None
    disabled_reason: str | None = None
    secret: str | None = Field(
        default=None, description="The whsec_… signing secret: shown once, when issued"
    )


class AttemptOut(BaseModel):
    """One HTTP attempt of a delivery."""

    at: datetime
    status_code: int | None
    latency_ms: float | None
    error: str | None
    next_try_at: datetime | None
    """When the next attempt is due; null when none follows."""
    workflow_id: str
    attempt: int


class DeliveryOut(BaseModel):
    """One event's delivery and its attempts."""

    delivery_id: str
    type: str
    revision: int
    step: str | None
    url: str
    webhook_id: str
    status: str
    """pending, delivered or dead_lettered."""
    error: str | None
    created_at: datetime
    delivered_at: datetime | None
    redeliveries: int
    attempts: list[AttemptOut]


class DeliveryList(BaseModel):
    """A postcard's deliveries, in the order their events happened."""

    items: list[DeliveryOut]


class Redelivering(BaseModel):
    """A redelivery was started."""

    delivery_id: str
    workflow_id: str
    webhook_id: str


async def checked_webhook(services: Services, user: str, fields: WebhookFields) -> dict[str, Any]:
    """A create's or regenerate's webhook_url and events, checked; 422 or 409 with the reason."""
    if fields.webhook_url is None:
        if fields.webhook_events is not None:
            raise HTTPException(422, "webhook_events needs webhook_url")
        return {}
    settings = services.settings
    try:
        url = check_url(fields.webhook_url, settings.webhook_allow_private)
    except ValueError as exc:
        raise HTTPException(422, f"webhook_url {exc}") from None
    if settings.api_key_users:
        endpoint = await asyncio.to_thread(webhook_store(services).endpoint, user)
        if endpoint is None:
            raise HTTPException(
                409,
                "webhook_url needs your signing secret first: PUT /api/v1/webhook-endpoint "
                '(url may be null) returns it, e.g. {"url": null}',
            )
    elif settings.webhook_secret is None:
        raise HTTPException(
            409, "webhook_url needs WEBHOOK_SECRET (whsec_…) set on the server to sign with"
        )
    return {"webhook_url": url, "webhook_events": fields.webhook_events}


def _keys_required(services: Services) -> None:
    if not services.settings.api_key_users:
        raise HTTPException(
            409,
            "webhook endpoints belong to API-key users; with API keys off, WEBHOOK_URL and "
            "WEBHOOK_SECRET configure the one endpoint",
        )


@router.put("/webhook-endpoint", response_model=EndpointOut)
async def put_endpoint(
    body: EndpointIn, services: ServicesDep, user: UserDep, webhooks: WebhooksDep
) -> EndpointOut:
    """Set your default endpoint; the signing secret is in this answer when it is issued
    (the first PUT, or rotate_secret), and never again."""
    _keys_required(services)
    url = None
    if body.url is not None:
        try:
            url = check_url(body.url, services.settings.webhook_allow_private)
        except ValueError as exc:
            raise HTTPException(422, f"url {exc}") from None
    events = [str(e) for e in dict.fromkeys(body.events)] if body.events else None
    row, issued = await asyncio.to_thread(
        webhooks.put_endpoint, user, url, events, body.rotate_secret
    )
    log.info("webhook endpoint set", extra={"user_id": user, "secret_issued": bool(issued)})
    return EndpointOut(url=row.url, events=row.events or list(DEFAULT_EVENTS), secret=issued)


@router.get("/webhook-endpoint", response_model=EndpointOut)
async def get_endpoint(services: ServicesDep, user: UserDep, webhooks: WebhooksDep) -> EndpointOut:
    """Your endpoint, without its secret."""
    _keys_required(services)
    row = await asyncio.to_thread(webhooks.endpoint, user)
    if row is None:
        raise HTTPException(404, "no webhook endpoint yet: PUT /api/v1/webhook-endpoint")
    return EndpointOut(
        url=row.url,
        events=row.events or list(DEFAULT_EVENTS),
        disabled_at=as_utc(row.disabled_at),
        disabled_reason=row.disabled_reason,
    )


@router.get("/postcards/{task_id}/webhooks", response_model=DeliveryList)
async def list_deliveries(row: PostcardDep, webhooks: WebhooksDep) -> DeliveryList:
    """Each webhook delivery of this postcard with its attempts: time, status code, latency,
    next try."""
    found = await asyncio.to_thread(webhooks.of_task, row.task_id)
    return DeliveryList(items=[_delivery_out(view) for view in found])


@router.post(
    "/postcards/{task_id}/webhooks/{delivery_id}/redeliver",
    status_code=status.HTTP_202_ACCEPTED,
    response_model=Redelivering,
    responses={
        404: {"description": "No such postcard or delivery"},
        503: {"description": "Temporal is unreachable; nothing was started"},
    },
)
async def redeliver(
    row: PostcardDep,
    services: ServicesDep,
    webhooks: WebhooksDep,
    delivery_id: Annotated[str, PathParam(max_length=160)],
) -> Redelivering:
    """Send a delivery again (same body and webhook-id), as a new workflow run."""
    delivery = await asyncio.to_thread(webhooks.delivery, delivery_id)
    if delivery is None or delivery.task_id != row.task_id:
        raise HTTPException(404, f"no delivery {delivery_id!r} of this postcard")
    client = await services.temporal()
    if client is None:
        raise HTTPException(503, "Temporal is unreachable", headers={"Retry-After": "5"})
    number = await asyncio.to_thread(webhooks.begin_redelivery, delivery_id)
    workflow_id = f"{delivery_id}-re{number}"
    try:
        await start_delivery(
            client, services.settings, delivery_id, row.task_id, workflow_id, resend=True
        )
    except (RPCError, OSError, RuntimeError) as exc:
        reason = f"the redelivery could not be started: {type(exc).__name__}"
        raise HTTPException(503, reason, headers={"Retry-After": "5"}) from exc
    log.info(
        "webhook redelivery started",
        extra={"task_id": row.task_id, "delivery_id": delivery_id, "workflow_id": workflow_id},
    )
    return Redelivering(
        delivery_id=delivery_id, workflow_id=workflow_id, webhook_id=delivery.webhook_id
    )


def _delivery_out(view: DeliveryView) -> DeliveryOut:
    d = view.delivery
    return DeliveryOut(
        delivery_id=d.id,
        type=event_type(d.event),
        revision=d.revision,
        step=d.step,
        url=d.url,
        webhook_id=d.webhook_id,
        status=d.status,
        error=d.error,
        created_at=as_utc(d.created_at) or d.created_at,
        delivered_at=as_utc(d.delivered_at),
        redeliveries=d.redeliveries,
        attempts=[
            AttemptOut(
                at=as_utc(a.at) or a.at,
                status_code=a.status_code,
                latency_ms=a.latency_ms,
                error=a.error,
                next_try_at=as_utc(a.next_try_at),
                workflow_id=a.workflow_id,
                attempt=a.attempt,
            )
            for a in view.attempts
        ],
    )
