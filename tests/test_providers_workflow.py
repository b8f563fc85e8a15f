"""PostcardWorkflow on a real Temporal dev server with the real providers on fake servers."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from subprocess import STDOUT, Popen
from typing import Any

import pytest
from temporalio.client import Client, WorkflowFailureError
from temporalio.exceptions import ApplicationError

from api.presenters import status_body
from core.db import PostcardRun
from core.migrate import migrate
from core.models import PostcardResult, PostcardStatus, Progress, StepState
from core.provider_health import health_key, providers_readiness
from core.settings import Settings
from core.wiring import blob_store, redis_client
from providers.health import KEY_REJECTIONS
from providers.html_validator import validate_page
from runs.wiring import run_reads
from tests.conftest import REPO
from tests.fakes import anthropic as a
from tests.fakes import gemini as g
from tests.fakes.config import ANTHROPIC_KEY, assert_no_secret, provider_settings
from tests.fakes.server import FakeServer
from tests.harness import fast_options, make_request, running_worker, shown_run, start_postcard

PROMPT = "给妈妈的生日贺卡，她喜欢花"


@dataclass
class Outcome:
    """One postcard run to its end: the result or the failure, its progress, its row."""

    result: PostcardResult | WorkflowFailureError
    progress: Progress
    task_id: str
    settings: Settings

    def completed(self) -> PostcardResult:
        """The result, asserted to be a completed postcard."""
        assert isinstance(self.result, PostcardResult)
        assert self.result.status is PostcardStatus.COMPLETED
        return self.result

    def failed(self, step: str, error_type: str) -> WorkflowFailureError:
        """The failure, asserted to come from that step with that error type."""
        assert isinstance(self.result, WorkflowFailureError)
        assert self.progress.error and self.progress.error.step == step
        assert self.progress.error.type == error_type
        return self.result

    def row(self) -> PostcardRun:
        """The postcard's row, asserted to exist."""
        row = shown_run(self.settings, self.task_id)
        assert row is not None
        return row


@dataclass
class Postcards:
    """Runs postcards with real providers on the fake servers, the session's Temporal."""

    client: Client
    temporal_address: str
    tmp_path: Path
    gemini: FakeServer
    claude: FakeServer

    def settings(self, **extra: Any) -> Settings:
        """Real providers for every step, a migrated SQLite database, the session's Temporal."""
        url = f"sqlite:///{self.tmp_path / 'postcards.db'}"
        migrate(url)
        # The worker's Redis is the machine's, which outlives a test: no step cache across tests.
        extra.setdefault("provider_cache_enabled", False)
        return provider_settings(
            gemini=self.gemini,
            anthropic=self.claude,
            data_dir=self.tmp_path / "data",
            database_url=url,
            temporal_address=self.temporal_address,
            **extra,
        )

    async def run(self, **extra: Any) -> Outcome:
        """Run one postcard to its end with these settings overrides."""
        settings = self.settings(**extra)
        async with running_worker(self.client, settings) as (_, queue):
            request = make_request(PROMPT)
            handle = await start_postcard(self.client, request, queue)
            try:
                result: PostcardResult | WorkflowFailureError = await handle.result()
            except WorkflowFailureError as failure:
                result = failure
            progress = await handle.query("progress", result_type=Progress)
        return Outcome(result, progress, request.task_id, settings)


@pytest.fixture
def postcards(client: Client, temporal_address: str, tmp_path: Path) -> Iterator[Postcards]:
    gemini, claude = g.fake_gemini(), a.fake_anthropic()
    yield Postcards(client, temporal_address, tmp_path, gemini, claude)
    gemini.stop()
    claude.stop()


async def test_a_postcard_from_the_real_providers(postcards: Postcards) -> None:
    outcome = await postcards.run()

    result = outcome.completed()
    assert result.concept and result.concept.language == "zh"
    steps = outcome.progress.steps
    assert [steps[s].provider for s in steps] == ["gemini", "gemini", "gemini", "anthropic"]
    assert steps["concept"].model == "gemini-3.5-flash-lite"
    assert steps["image"].model == "gemini-3.1-flash-image"
    assert steps["frontend"].model == "claude-sonnet-5-5"
    assert all(steps[s].input_tokens and steps[s].output_tokens for s in steps)
    assert all(steps[s].cost_usd for s in steps)
    row = outcome.row()
    assert row.frontend_code and result.image
    assert validate_page(row.frontend_code, result.image.url) == []
    assert blob_store(outcome.settings).get(result.image.key).startswith(b"\x89PNG")


async def test_429_with_retry_after_is_retried_after_the_delay(postcards: Postcards) -> None:
    gemini = postcards.gemini
    gemini.script(g.error(429, "RESOURCE_EXHAUSTED", "slow down", headers={"Retry-After": "2"}))
    outcome = await postcards.run()

    outcome.completed()
    assert outcome.progress.steps["concept"].attempts == 2
    first, second = gemini.requests[0], gemini.requests[1]
    assert second.at - first.at >= 1.8  # the policy alone would have retried after 0.1 s


async def test_500_then_success(postcards: Postcards) -> None:
    postcards.claude.script(a.error(500, "api_error", "Internal server error"))
    outcome = await postcards.run()

    outcome.completed()
    assert outcome.progress.steps["frontend"].attempts == 2
    assert outcome.progress.steps["frontend"].provider == "anthropic"


async def test_bad_key_fails_at_once_when_fallbacks_are_off(postcards: Postcards) -> None:
    gemini = postcards.gemini
    gemini.script(g.error(401, "UNAUTHENTICATED", "API key not valid"))
    outcome = await postcards.run(text_provider_fallbacks="none")

    failure = outcome.failed("concept", "AuthenticationError")
    assert isinstance(failure.cause, ApplicationError)
    assert failure.cause.type == "AuthenticationError" and failure.cause.non_retryable
    progress = outcome.progress
    assert progress.status is PostcardStatus.FAILED
    assert progress.error and not progress.error.retryable
    assert progress.steps["concept"].attempts == 1 and len(gemini.requests) == 1
    row = outcome.row()
    assert row.status == "FAILED"
    assert row.error and row.error["type"] == "AuthenticationError"


async def test_bad_key_falls_back_and_marks_the_provider_unhealthy(
    postcards: Postcards, caplog: pytest.LogCaptureFixture
) -> None:
    postcards.gemini.default = lambda _: g.error(401, "UNAUTHENTICATED", "API key not valid")
    rejected = KEY_REJECTIONS.labels("gemini")._value.get()
    stream = f"postcard_tasks:test:{uuid.uuid4().hex[:8]}"
    outcome = await postcards.run(stream_name=stream)

    outcome.completed()
    steps = outcome.row().steps or {}
    for step in ("concept", "content", "image"):
        assert steps[step]["provider"] == "local" and steps[step]["fallback_from"] == "gemini"
        assert steps[step]["fallback_reason"].startswith("AuthenticationError")
    assert steps["frontend"]["provider"] == "anthropic"
    assert KEY_REJECTIONS.labels("gemini")._value.get() == rejected + 3
    assert "GEMINI_API_KEY" in caplog.text
    assert_no_secret(caplog.text, steps)
    redis = redis_client(outcome.settings)
    try:
        healthy, detail = await providers_readiness(redis, stream)
        assert not healthy and detail == "degraded: gemini rejected GEMINI_API_KEY (HTTP 401)"
        await redis.delete(health_key(stream, "gemini"))
    finally:
        await redis.aclose()


async def test_image_safety_block_falls_back_to_the_local_illustration(
    postcards: Postcards,
) -> None:
    postcards.gemini.default = _image_answers(g.finished("IMAGE_SAFETY"))
    outcome = await postcards.run()

    outcome.completed()
    image = (outcome.row().steps or {})["image"]
    assert image["provider"] == "local" and image["fallback_from"] == "gemini"
    assert image["fallback_reason"] == (
        "SafetyBlocked: gemini declined the request on safety grounds (finishReason IMAGE_SAFETY)"
    )


async def test_image_safety_block_fails_the_postcard_when_fallbacks_are_off(
    postcards: Postcards,
) -> None:
    postcards.gemini.default = _image_answers(g.finished("IMAGE_SAFETY"))
    outcome = await postcards.run(image_provider_fallbacks="none")

    outcome.failed("image", "SafetyBlocked")
    assert outcome.progress.steps["image"].attempts == 1
    assert outcome.progress.steps["frontend"].status is StepState.SKIPPED


def _image_answers(reply: Any) -> Any:
    """A Gemini that answers text well and image requests with `reply`."""

    def answer(recorded: Any) -> Any:
        config = recorded.json.get("generationConfig", {})
        if "IMAGE" in config.get("responseModalities", []):
            return reply
        return g.default_responder(recorded)

    return answer


async def test_rejected_page_falls_back_to_the_local_page(postcards: Postcards) -> None:
    claude = postcards.claude
    evil = a.page_for("").replace("</body>", '<script src="https://evil.example/x.js"></script>')
    claude.default = a.reply_with(f"```html\n{evil}\n```")
    outcome = await postcards.run(code_provider_fallbacks="local")

    outcome.completed()
    assert len(claude.requests) == 3  # the page and two repair rounds, then the fallback
    assert outcome.progress.steps["frontend"].provider == "local"
    assert outcome.progress.steps["frontend"].attempts == 1
    row = outcome.row()
    assert row.frontend_code and "evil.example" not in row.frontend_code


async def _watch_frontend(
    settings: Settings, task_id: str, until: asyncio.Future[Any]
) -> list[int]:
    """The frontend step's percent as the status body shows it, polled until `until` is done."""
    reads, seen = run_reads(settings), []
    while not until.done():
        view = await asyncio.to_thread(reads.get, task_id)
        if view is not None:
            step = status_body(view, settings).steps["frontend"]
            if step.status is StepState.RUNNING and step.progress_pct is not None:
                seen.append(step.progress_pct)
        await asyncio.sleep(0.2)
    return seen


async def test_page_progress_shows_in_status_while_claude_streams(postcards: Postcards) -> None:
    postcards.claude.transform = a.streaming(chunk_delay_s=0.6)  # ~10 chunks: a 6 s page
    settings = postcards.settings()
    async with running_worker(postcards.client, settings) as (_, queue):
        request = make_request(PROMPT)
        handle = await start_postcard(postcards.client, request, queue)
        result = asyncio.ensure_future(handle.result())
        seen = await _watch_frontend(settings, request.task_id, result)
        assert (await result).status is PostcardStatus.COMPLETED

    assert seen and all(0 < pct < 100 for pct in seen)
    row = shown_run(settings, request.task_id)
    assert row is not None and (row.steps or {})["frontend"]["progress_pct"] is None


def _spawn_worker(settings: Settings, queue: str, claude: FakeServer, log: Path) -> Popen[bytes]:
    """worker.py in its own process: local text and image, the page from the fake Claude."""
    env = os.environ | {
        "DATA_DIR": str(settings.data_dir),
        "DATABASE_URL": settings.effective_database_url,
        "TEMPORAL_ADDRESS": settings.temporal_address,
        "TEMPORAL_TASK_QUEUE": queue,
        "TEXT_PROVIDER": "local",
        "IMAGE_PROVIDER": "local",
        "CODE_PROVIDER": "anthropic",
        "ANTHROPIC_API_KEY": ANTHROPIC_KEY,
        "ANTHROPIC_BASE_URL": claude.url,
        "PROVIDER_CACHE_ENABLED": "false",
        "WORKER_METRICS_PORT": "0",
        "WORKER_APP_METRICS_PORT": "0",
    }
    return Popen(
        [sys.executable, "worker.py"], cwd=REPO, env=env, stdout=log.open("ab"), stderr=STDOUT
    )


async def test_a_worker_killed_mid_stream_restarts_the_page_cleanly(
    postcards: Postcards,
) -> None:
    claude = postcards.claude
    claude.transform = a.streaming(chunk_delay_s=0.6)
    settings = postcards.settings(text_provider="local", image_provider="local")
    queue = f"crash-{uuid.uuid4().hex[:8]}"
    options = fast_options()
    options.frontend.heartbeat_s = 1.5
    request = make_request(PROMPT, options=options)
    handle = await start_postcard(postcards.client, request, queue)
    reads = run_reads(settings)
    first = _spawn_worker(settings, queue, claude, postcards.tmp_path / "worker1.log")
    try:
        for _ in range(600):  # until the page is half-streamed and its percent saved
            view = await asyncio.to_thread(reads.get, request.task_id)
            if view and (view.run.steps or {}).get("frontend", {}).get("progress_pct"):
                break
            await asyncio.sleep(0.1)
        else:
            raise AssertionError("the page never reported progress")
        os.kill(first.pid, signal.SIGKILL)
    finally:
        first.wait(timeout=10)
    claude.transform = a.streaming()
    async with running_worker(postcards.client, settings, task_queue=queue):
        result = await asyncio.wait_for(handle.result(), timeout=90)

    assert result.status is PostcardStatus.COMPLETED
    row = shown_run(settings, request.task_id)
    assert row is not None and row.frontend_code and result.image
    assert validate_page(row.frontend_code, result.image.url) == []
    frontend = (row.steps or {})["frontend"]
    assert frontend["attempts"] == 2 and frontend["progress_pct"] is None
    assert frontend["provider"] == "anthropic" and frontend["error"] is None
    assert len([r for r in claude.requests if r.path == "/v1/messages"]) == 2
