"""Webhook events and the delivery workflow's inputs and outputs.

Workflow code imports this module, so it stays free of I/O: the rows, the HTTP client and the
signing live in `runs/webhooks.py` and `activities/webhooks.py`.
"""

from __future__ import annotations

import hashlib
from typing import Literal

from pydantic import BaseModel, Field

EventName = Literal["completed", "failed", "step"]
EVENTS: tuple[str, ...] = ("completed", "failed", "step")
DEFAULT_EVENTS: tuple[str, ...] = ("completed", "failed")
"""What a webhook receives when it names no events."""
WORKFLOW_TYPE = "WebhookDeliveryWorkflow"
TASK_ID_ATTRIBUTE = "PostcardTaskId"
"""The keyword search attribute by which the Web UI finds a postcard's delivery runs."""

# Delivery statuses, as GET …/webhooks shows them.
PENDING = "pending"
DELIVERED = "delivered"
DEAD_LETTERED = "dead_lettered"

# ApplicationError types of an attempt that retrying cannot fix.
GONE = "WebhookGone"
"""The receiver answered 410 Gone: its endpoint is disabled."""
REFUSED = "WebhookUrlRefused"
"""The URL names an address webhooks may not reach (loopback, private, metadata, …)."""
UNSENDABLE = "WebhookUnsendable"
"""The delivery, its postcard or its signing secret is gone."""
NON_RETRYABLE = (GONE, REFUSED, UNSENDABLE)


def delivery_id(task_id: str, revision: int, event: str, step: str | None = None) -> str:
    """The id of one event's delivery, which is also its workflow id: a repeated write of the
    same end finds the same id, so it never makes a second event."""
    tail = f"step-{step}" if event == "step" else event
    return f"webhook-{task_id}-r{revision}-{tail}"


def webhook_id(delivery: str) -> str:
    """The `webhook-id` header of a delivery: one per event, the same for every attempt and
    redelivery, so receivers can drop repeats."""
    return "msg_" + hashlib.sha256(delivery.encode()).hexdigest()[:32]


def event_type(event: str) -> str:
    """The `type` of an event's body: postcard.completed, postcard.failed, postcard.step."""
    return f"postcard.{event}"


class DeliveryPolicy(BaseModel):
    """How long and how often a delivery is tried (from settings; the workflow reads no env)."""

    retry_hours: float = Field(24.0, gt=0)
    initial_interval_s: float = Field(5.0, gt=0)
    backoff_coefficient: float = 2.0
    maximum_interval_s: float = 3600.0
    attempt_timeout_s: float = Field(15.0, gt=0)
    """Start-to-close of one attempt: the HTTP timeout (WEBHOOK_TIMEOUT_S) plus the writes."""

    def next_interval_s(self, attempt: int) -> float:
        """The wait Temporal's retry policy puts after `attempt` (1-based) failed."""
        interval = self.initial_interval_s * self.backoff_coefficient ** (attempt - 1)
        return min(interval, self.maximum_interval_s)


class DeliveryInput(BaseModel):
    """One delivery's workflow input: which delivery, never its body or secret (both are read
    from the database by each attempt)."""

    delivery_id: str = Field(max_length=160)
    task_id: str = Field(max_length=64)
    policy: DeliveryPolicy = Field(default_factory=DeliveryPolicy)
    resend: bool = False
    """A redelivery: send even if an earlier run delivered it."""


class AttemptInput(BaseModel):
    """What one attempt activity receives."""

    delivery_id: str
    task_id: str
    resend: bool = False
    policy: DeliveryPolicy


class AttemptResult(BaseModel):
    """A delivered attempt: the receiver's status code."""

    delivery_id: str
    status_code: int


class DeadLetter(BaseModel):
    """A delivery that will not be tried again, and why."""

    delivery_id: str
    task_id: str
    kind: Literal["expired", "gone", "refused", "unsendable"]
    reason: str = Field(max_length=500)
