"""PostcardWorkflow on a real Temporal dev server with the real providers on fake servers."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from temporalio.client import Client, WorkflowFailureError
from temporalio.exceptions import ApplicationError

from core.db import Postcard
from core.migrate import migrate
from core.models import PostcardResult, PostcardStatus, Progress, StepState
from core.settings import Settings
from core.wiring import blob_store, repository
from providers.html_validator import validate_page
from tests.fakes import anthropic as a
from tests.fakes import gemini as g
from tests.fakes.config import provider_settings
from tests.fakes.server import FakeServer
from tests.harness import make_request, running_worker, start_postcard

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

    def row(self) -> Postcard:
        """The postcard's row, asserted to exist."""
        row = repository(self.settings).get(self.task_id)
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


async def test_bad_key_fails_at_once_with_authentication_error(postcards: Postcards) -> None:
    gemini = postcards.gemini
    gemini.script(g.error(401, "UNAUTHENTICATED", "API key not valid"))
    outcome = await postcards.run()

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


async def test_image_safety_block_fails_the_postcard(postcards: Postcards) -> None:
    image_blocked = g.finished("IMAGE_SAFETY")

    def answer(recorded: Any) -> Any:
        config = recorded.json.get("generationConfig", {})
        if "IMAGE" in config.get("responseModalities", []):
            return image_blocked
        return g.default_responder(recorded)

    postcards.gemini.default = answer
    outcome = await postcards.run()

    outcome.failed("image", "SafetyBlocked")
    assert outcome.progress.steps["image"].attempts == 1
    assert outcome.progress.steps["frontend"].status is StepState.SKIPPED


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
