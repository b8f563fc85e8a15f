"""WebhookDeliveryWorkflow: one event to one endpoint, retried until delivered or out of time.

Started by the starter's dispatcher for each outbox row (workflow id = delivery id), never by a
postcard's own run, so a postcard never waits for its webhook. Each attempt is one activity;
Temporal's retry policy spaces them with exponential backoff within WEBHOOK_RETRY_HOURS. When
the attempts end without a 2xx (time ran out, 410 Gone, a refused URL) the delivery is recorded
dead-lettered and the run fails with that reason, so the Web UI shows it.
"""

from datetime import timedelta

from temporalio import workflow
from temporalio.common import RetryPolicy
from temporalio.exceptions import ActivityError, ApplicationError

with workflow.unsafe.imports_passed_through():
    from core.webhooks import (
        GONE,
        NON_RETRYABLE,
        REFUSED,
        WORKFLOW_TYPE,
        AttemptInput,
        AttemptResult,
        DeadLetter,
        DeliveryInput,
    )

DEAD_LETTERED = "WebhookDeadLettered"
_KINDS = {GONE: "gone", REFUSED: "refused"}


@workflow.defn(name=WORKFLOW_TYPE)
class WebhookDeliveryWorkflow:
    """Deliver one webhook event."""

    @workflow.run
    async def run(self, delivery: DeliveryInput) -> AttemptResult:
        """Attempts until a 2xx; otherwise record the dead letter and fail with its reason."""
        policy = delivery.policy
        try:
            return await workflow.execute_activity(
                "deliver_webhook",
                AttemptInput(
                    delivery_id=delivery.delivery_id,
                    task_id=delivery.task_id,
                    resend=delivery.resend,
                    policy=policy,
                ),
                result_type=AttemptResult,
                schedule_to_close_timeout=timedelta(hours=policy.retry_hours),
                start_to_close_timeout=timedelta(seconds=policy.attempt_timeout_s),
                retry_policy=RetryPolicy(
                    initial_interval=timedelta(seconds=policy.initial_interval_s),
                    backoff_coefficient=policy.backoff_coefficient,
                    maximum_interval=timedelta(seconds=policy.maximum_interval_s),
                    maximum_attempts=0,
                    non_retryable_error_types=list(NON_RETRYABLE),
                ),
            )
        except ActivityError as exc:
            letter = _dead_letter(delivery, exc)
        await workflow.execute_local_activity(
            "dead_letter_webhook",
            letter,
            start_to_close_timeout=timedelta(seconds=10),
            retry_policy=RetryPolicy(maximum_interval=timedelta(seconds=10)),
        )
        raise ApplicationError(letter.reason, type=DEAD_LETTERED, non_retryable=True)


def _dead_letter(delivery: DeliveryInput, exc: ActivityError) -> DeadLetter:
    """Why the attempts ended: a non-retryable answer, or the retry window closing."""
    cause = exc.cause
    kind = "expired"
    if isinstance(cause, ApplicationError) and cause.non_retryable:
        kind = _KINDS.get(cause.type or "", "unsendable")
    message = str(cause) if cause is not None else exc.message
    if kind == "expired":
        hours = delivery.policy.retry_hours
        message = f"not delivered within {hours:g} h (WEBHOOK_RETRY_HOURS); last: {message}"
    return DeadLetter(
        delivery_id=delivery.delivery_id,
        task_id=delivery.task_id,
        kind=kind,  # type: ignore[arg-type]
        reason=message[:500],
    )
