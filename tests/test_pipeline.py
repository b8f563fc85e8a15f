"""PostcardWorkflow end to end on a real Temporal dev server, against SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio

import pytest
from temporalio.client import Client, WorkflowFailureError
from temporalio.exceptions import ApplicationError

from core.errors import NonRetryableProviderError, RetryableProviderError
from core.models import (
    Concept,
    Content,
    PostcardRequest,
    PostcardStatus,
    Progress,
    StepState,
)
from core.settings import Settings
from core.wiring import blob_store
from providers.base import Usage
from providers.factory import ProviderFactory
from providers.local import LocalProvider
from tests.harness import iter_payloads, make_request, running_worker, shown_run, start_postcard


class FlakyText(LocalProvider):
    """Fails the content step retryably `failures` times, then writes it."""

    name = "flaky"

    def __init__(self, failures: int) -> None:
        super().__init__()
        self.failures = failures
        self.calls = 0

    async def content(self, request: PostcardRequest, concept: Concept) -> tuple[Content, Usage]:
        self.calls += 1
        if self.calls <= self.failures:
            raise RetryableProviderError("503 from the model", type="ProviderUnavailable")
        return await super().content(request, concept)


class BlockedImage(LocalProvider):
    """Refuses every illustration, as a safety filter would."""

    name = "blocked"

    async def illustrate(self, request, concept, content):  # type: ignore[no-untyped-def]
        raise NonRetryableProviderError(
            "the image was blocked by the safety filter", type="SafetyBlocked"
        )


class FixedFactory(ProviderFactory):
    """A factory that hands out given providers."""

    def __init__(self, settings: Settings, text=None, image=None) -> None:  # type: ignore[no-untyped-def]
        super().__init__(settings)
        self._text = text
        self._image = image

    def text(self):  # type: ignore[no-untyped-def]
        return self._text or super().text()

    def image(self):  # type: ignore[no-untyped-def]
        return self._image or super().image()


async def test_postcard_runs_end_to_end_and_every_step_is_saved(
    client: Client, settings: Settings
) -> None:
    async with running_worker(client, settings) as (_, queue):
        request = make_request("给妈妈的生日贺卡，她喜欢花")
        handle = await start_postcard(client, request, queue)
        result = await handle.result()
        progress = await handle.query("progress", result_type=Progress)

    assert result.status is PostcardStatus.COMPLETED
    assert result.concept is not None and result.content is not None
    row = shown_run(settings, request.task_id)
    assert row is not None
    assert row.status == "COMPLETED"
    assert row.concept and row.concept["occasion"] == result.concept.occasion
    assert row.content and row.content["title"] == result.content.title
    assert row.image_url and row.image_url.endswith(f"images/{request.task_id}.jpg")
    assert row.frontend_code and "<html" in row.frontend_code.lower()
    assert row.preview_url and row.preview_url.endswith(f"/preview/{request.task_id}")
    assert row.finished_at is not None and row.error_message is None
    assert row.steps and all(s["status"] == "completed" for s in row.steps.values())
    store = blob_store(settings)
    # The engine paints JPEG (PNG only for pixel art).
    assert store.get(result.image.key if result.image else "").startswith(b"\xff\xd8\xff")
    assert store.get(f"pages/{request.task_id}.html").decode() == row.frontend_code
    assert [s.status for s in progress.steps.values()] == [StepState.COMPLETED] * 4
    assert all(s.provider == "local" and s.attempts == 1 for s in progress.steps.values())


async def test_retryable_failures_are_retried_and_counted(
    client: Client, settings: Settings
) -> None:
    flaky = FlakyText(failures=2)
    async with running_worker(client, settings, FixedFactory(settings, text=flaky)) as (_, q):
        request = make_request("a calm thank-you card for my team")
        handle = await start_postcard(client, request, q)
        result = await handle.result()
        progress = await handle.query("progress", result_type=Progress)

    assert result.status is PostcardStatus.COMPLETED
    assert flaky.calls == 3
    assert progress.steps["content"].attempts == 3
    assert progress.steps["concept"].attempts == 1
    row = shown_run(settings, request.task_id)
    assert row is not None and row.retry_count == 2
    assert row.steps and row.steps["content"]["attempts"] == 3


async def test_non_retryable_failure_fails_with_step_and_reason(
    client: Client, settings: Settings
) -> None:
    async with running_worker(client, settings, FixedFactory(settings, image=BlockedImage())) as (
        _,
        queue,
    ):
        request = make_request("a birthday card with a cake")
        handle = await start_postcard(client, request, queue)
        with pytest.raises(WorkflowFailureError) as failure:
            await handle.result()
        progress = await handle.query("progress", result_type=Progress)

    cause = failure.value.cause
    assert isinstance(cause, ApplicationError) and cause.type == "SafetyBlocked"
    assert progress.status is PostcardStatus.FAILED
    assert progress.error and progress.error.step == "image"
    assert progress.steps["image"].attempts == 1
    assert progress.steps["frontend"].status is StepState.SKIPPED
    row = shown_run(settings, request.task_id)
    assert row is not None and row.status == "FAILED"
    assert row.error and row.error["step"] == "image" and row.error["type"] == "SafetyBlocked"
    assert row.error["retryable"] is False
    assert row.error_message and "safety filter" in row.error_message
    assert row.concept is not None and row.content is not None and row.image_url is None


async def test_no_payload_in_a_completed_history_exceeds_64_kb(
    client: Client, settings: Settings
) -> None:
    async with running_worker(client, settings) as (_, queue):
        request = make_request("Merry Christmas to Anna from Leo, snowy and elegant " * 20)
        handle = await start_postcard(client, request, queue)
        await handle.result()
    history = await handle.fetch_history()
    sizes = [len(p.data) for event in history.events for p in iter_payloads(event)]
    assert sizes, "the history holds payloads"
    assert max(sizes) <= 64 * 1024


class SlowImage(LocalProvider):
    """Takes far longer than the run may: the overall timeout has to stop the postcard."""

    name = "slow"

    async def illustrate(self, request, concept, content):  # type: ignore[no-untyped-def]
        await asyncio.sleep(60)
        return await super().illustrate(request, concept, content)


async def test_a_run_past_its_timeout_fails_at_the_step_it_was_in(
    client: Client, settings: Settings
) -> None:
    """Each activity's schedule-to-close deadline is the run's: the postcard fails as a
    WorkflowTimeout at the step that ran out of time, and the row says so."""
    slow = FixedFactory(settings, image=SlowImage())
    async with running_worker(client, settings, slow) as (_, queue):
        request = make_request("a birthday card that takes too long")
        request.options.timeout_s = 3
        began = asyncio.get_running_loop().time()
        handle = await start_postcard(client, request, queue)
        with pytest.raises(WorkflowFailureError) as failure:
            await handle.result()
        took = asyncio.get_running_loop().time() - began
        progress = await handle.query("progress", result_type=Progress)
        history = await handle.fetch_history()

    assert took < 30, "the timeout, not the slow provider, ended the run"
    cause = failure.value.cause
    assert isinstance(cause, ApplicationError) and cause.type == "WorkflowTimeout"
    assert progress.status is PostcardStatus.FAILED
    assert progress.error and progress.error.step == "image"
    assert progress.error.message == "the postcard took longer than 3 s"
    assert progress.error.retryable is True
    assert progress.steps["concept"].status is StepState.COMPLETED
    assert progress.steps["image"].status is StepState.FAILED
    assert progress.steps["frontend"].status is StepState.SKIPPED
    row = shown_run(settings, request.task_id)
    assert row is not None and row.status == "FAILED"
    assert row.error and row.error["step"] == "image" and row.error["type"] == "WorkflowTimeout"
    timers = sum(e.HasField("timer_started_event_attributes") for e in history.events)
    assert timers == 0, "activity deadlines bound the run, not a timer"
