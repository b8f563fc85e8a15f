"""PostcardWorkflow on a real Temporal dev server with the real providers on fake servers."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from temporalio.client import Client, WorkflowFailureError
from temporalio.exceptions import ApplicationError

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


@pytest.fixture
def servers() -> Iterator[tuple[FakeServer, FakeServer]]:
    gemini, claude = g.fake_gemini(), a.fake_anthropic()
    yield gemini, claude
    gemini.stop()
    claude.stop()


def workflow_settings(
    tmp_path: Path, temporal_address: str, servers: tuple[FakeServer, FakeServer], **extra: Any
) -> Settings:
    """Real providers for every step, a migrated SQLite database, the session's Temporal."""
    url = f"sqlite:///{tmp_path / 'postcards.db'}"
    migrate(url)
    gemini, claude = servers
    # The worker's Redis is the machine's, which outlives a test: no step cache across tests.
    extra.setdefault("provider_cache_enabled", False)
    return provider_settings(
        gemini=gemini,
        anthropic=claude,
        data_dir=tmp_path / "data",
        database_url=url,
        temporal_address=temporal_address,
        **extra,
    )


async def run(
    client: Client, settings: Settings, prompt: str = "给妈妈的生日贺卡，她喜欢花"
) -> tuple[PostcardResult | WorkflowFailureError, Progress, str]:
    """Run one postcard to its end; the result or the failure, the progress and the task id."""
    async with running_worker(client, settings) as (_, queue):
        request = make_request(prompt)
        handle = await start_postcard(client, request, queue)
        try:
            outcome: PostcardResult | WorkflowFailureError = await handle.result()
        except WorkflowFailureError as failure:
            outcome = failure
        progress = await handle.query("progress", result_type=Progress)
    return outcome, progress, request.task_id


async def test_a_postcard_from_the_real_providers(
    client: Client,
    temporal_address: str,
    tmp_path: Path,
    servers: tuple[FakeServer, FakeServer],
) -> None:
    settings = workflow_settings(tmp_path, temporal_address, servers)
    result, progress, task_id = await run(client, settings)

    assert isinstance(result, PostcardResult) and result.status is PostcardStatus.COMPLETED
    assert result.concept and result.concept.language == "zh"
    steps = progress.steps
    assert [steps[s].provider for s in steps] == ["gemini", "gemini", "gemini", "anthropic"]
    assert steps["concept"].model == "gemini-3.5-flash-lite"
    assert steps["image"].model == "gemini-3.1-flash-image"
    assert steps["frontend"].model == "claude-sonnet-5-5"
    assert all(steps[s].input_tokens and steps[s].output_tokens for s in steps)
    assert all(steps[s].cost_usd for s in steps)
    row = repository(settings).get(task_id)
    assert row is not None and row.frontend_code and result.image
    assert validate_page(row.frontend_code, result.image.url) == []
    assert blob_store(settings).get(result.image.key).startswith(b"\x89PNG")


async def test_429_with_retry_after_is_retried_after_the_delay(
    client: Client,
    temporal_address: str,
    tmp_path: Path,
    servers: tuple[FakeServer, FakeServer],
) -> None:
    gemini, _ = servers
    gemini.script(g.error(429, "RESOURCE_EXHAUSTED", "slow down", headers={"Retry-After": "2"}))
    result, progress, _ = await run(client, workflow_settings(tmp_path, temporal_address, servers))

    assert isinstance(result, PostcardResult) and result.status is PostcardStatus.COMPLETED
    assert progress.steps["concept"].attempts == 2
    first, second = gemini.requests[0], gemini.requests[1]
    assert second.at - first.at >= 1.8  # the policy alone would have retried after 0.1 s


async def test_500_then_success(
    client: Client,
    temporal_address: str,
    tmp_path: Path,
    servers: tuple[FakeServer, FakeServer],
) -> None:
    _, claude = servers
    claude.script(a.error(500, "api_error", "Internal server error"))
    result, progress, _ = await run(client, workflow_settings(tmp_path, temporal_address, servers))

    assert isinstance(result, PostcardResult) and result.status is PostcardStatus.COMPLETED
    assert progress.steps["frontend"].attempts == 2
    assert progress.steps["frontend"].provider == "anthropic"


async def test_bad_key_fails_at_once_with_authentication_error(
    client: Client,
    temporal_address: str,
    tmp_path: Path,
    servers: tuple[FakeServer, FakeServer],
) -> None:
    gemini, _ = servers
    gemini.script(g.error(401, "UNAUTHENTICATED", "API key not valid"))
    settings = workflow_settings(tmp_path, temporal_address, servers)
    failure, progress, task_id = await run(client, settings)

    assert isinstance(failure, WorkflowFailureError)
    assert isinstance(failure.cause, ApplicationError)
    assert failure.cause.type == "AuthenticationError" and failure.cause.non_retryable
    assert progress.status is PostcardStatus.FAILED
    assert progress.error and progress.error.step == "concept"
    assert progress.error.type == "AuthenticationError" and not progress.error.retryable
    assert progress.steps["concept"].attempts == 1 and len(gemini.requests) == 1
    row = repository(settings).get(task_id)
    assert row is not None and row.status == "FAILED"
    assert row.error and row.error["type"] == "AuthenticationError"


async def test_image_safety_block_fails_the_postcard(
    client: Client,
    temporal_address: str,
    tmp_path: Path,
    servers: tuple[FakeServer, FakeServer],
) -> None:
    gemini, _ = servers
    image_blocked = g.finished("IMAGE_SAFETY")

    def answer(recorded: Any) -> Any:
        config = recorded.json.get("generationConfig", {})
        if "IMAGE" in config.get("responseModalities", []):
            return image_blocked
        return g.default_responder(recorded)

    gemini.default = answer
    failure, progress, _ = await run(client, workflow_settings(tmp_path, temporal_address, servers))

    assert isinstance(failure, WorkflowFailureError)
    assert progress.error and progress.error.step == "image"
    assert progress.error.type == "SafetyBlocked"
    assert progress.steps["image"].attempts == 1
    assert progress.steps["frontend"].status is StepState.SKIPPED


async def test_rejected_page_falls_back_to_the_local_page(
    client: Client,
    temporal_address: str,
    tmp_path: Path,
    servers: tuple[FakeServer, FakeServer],
) -> None:
    _, claude = servers
    evil = a.page_for("").replace("</body>", '<script src="https://evil.example/x.js"></script>')
    claude.default = a.reply_with(f"```html\n{evil}\n```")
    settings = workflow_settings(
        tmp_path, temporal_address, servers, code_provider_fallbacks="local"
    )
    result, progress, task_id = await run(client, settings)

    assert isinstance(result, PostcardResult) and result.status is PostcardStatus.COMPLETED
    assert len(claude.requests) == 3  # the page and two repair rounds, then the fallback
    assert progress.steps["frontend"].provider == "local"
    assert progress.steps["frontend"].attempts == 1
    row = repository(settings).get(task_id)
    assert row is not None and row.frontend_code and "evil.example" not in row.frontend_code
