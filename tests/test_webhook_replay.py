"""Replay guard of WebhookDeliveryWorkflow: its committed history (a receiver that failed once,
then answered 200; exported by scripts/export_histories.py) replays on the current code."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from temporalio import workflow
from temporalio.client import WorkflowHistory
from temporalio.contrib.pydantic import pydantic_data_converter
from temporalio.worker import Replayer
from temporalio.workflow import NondeterminismError

from core.webhooks import WORKFLOW_TYPE, AttemptResult, DeadLetter, DeliveryInput
from workflows.webhook import WebhookDeliveryWorkflow

HISTORY = Path(__file__).parent / "histories" / "webhooks" / "history-delivery-retried.json"


@workflow.defn(name=WORKFLOW_TYPE)
class DeadLetterFirst:
    """A change without `patched`: the dead letter is written before the attempts."""

    @workflow.run
    async def run(self, delivery: DeliveryInput) -> AttemptResult:
        letter = DeadLetter(
            delivery_id=delivery.delivery_id, task_id=delivery.task_id, kind="expired", reason="-"
        )
        await workflow.execute_local_activity(
            "dead_letter_webhook", letter, start_to_close_timeout=timedelta(seconds=10)
        )
        return AttemptResult(delivery_id=delivery.delivery_id, status_code=200)


def _history() -> WorkflowHistory:
    return WorkflowHistory.from_json(HISTORY.stem, HISTORY.read_text())


async def test_the_committed_delivery_history_replays() -> None:
    text = HISTORY.read_text()
    assert '"attempt": 2' in text, "the history holds a retried attempt"
    replayer = Replayer(workflows=[WebhookDeliveryWorkflow], data_converter=pydantic_data_converter)
    result = await replayer.replay_workflow(_history(), raise_on_replay_failure=False)
    assert result.replay_failure is None


async def test_a_reordered_delivery_workflow_fails_the_guard() -> None:
    replayer = Replayer(workflows=[DeadLetterFirst], data_converter=pydantic_data_converter)
    with pytest.raises(NondeterminismError):
        await replayer.replay_workflow(_history())
