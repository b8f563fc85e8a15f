"""Provider selection, fallback chains, strategies, prices and the error classification."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from typing import Any

import pytest

from core.errors import NonRetryableProviderError, RetryableProviderError
from core.models import Concept, PostcardRequest
from providers.anthropic_code import ClaudeCodeProvider
from providers.base import Usage
from providers.cache import CachedProvider
from providers.errors_map import from_status, retry_after_seconds
from providers.factory import ProviderFactory, chain_names
from providers.fallback import FallbackProvider
from providers.gemini_text import GeminiTextProvider
from providers.local import LocalProvider
from providers.pricing import estimate_cost, price_of
from providers.strategy import STRATEGY_MODELS, model_for
from tests.fakes.config import provider_settings
from tests.harness import make_request


class Failing(LocalProvider):
    """Fails every concept with the given error."""

    def __init__(self, name: str, error: Exception) -> None:
        super().__init__()
        self.name = name
        self.error = error
        self.calls = 0

    async def concept(self, request: PostcardRequest) -> tuple[Concept, Usage]:
        self.calls += 1
        raise self.error


def test_default_is_local_without_keys_and_real_with_them() -> None:
    bare = provider_settings()
    assert chain_names(bare, "text") == ["local"] and chain_names(bare, "code") == ["local"]
    keyed = provider_settings(gemini_api_key="k", anthropic_api_key="k")
    assert chain_names(keyed, "text") == ["gemini", "local"]
    assert chain_names(keyed, "code") == ["anthropic", "local"]
    off = provider_settings(gemini_api_key="k", text_provider_fallbacks="none")
    assert chain_names(off, "text") == ["gemini"] and chain_names(off, "image") == [
        "gemini",
        "local",
    ]
    assert chain_names(provider_settings(text_provider="instant"), "text") == ["instant"]
    empty = provider_settings(anthropic_api_key="k", code_provider_fallbacks=" ")
    assert chain_names(empty, "code") == ["anthropic", "local"]  # an empty line in .env


def test_fallback_lists_come_from_settings() -> None:
    settings = provider_settings(
        anthropic_api_key="k", code_provider_fallbacks=" local, anthropic ,local"
    )
    assert chain_names(settings, "code") == ["anthropic", "local"]
    code = ProviderFactory(settings).code()
    assert isinstance(code, FallbackProvider) and code.name == "anthropic"


def test_factory_builds_real_providers_and_wires_the_cache_only_with_redis() -> None:
    settings = provider_settings(gemini_api_key="k", anthropic_api_key="k")
    text, code = ProviderFactory(settings).text(), ProviderFactory(settings).code()
    assert isinstance(text, FallbackProvider) and isinstance(code, FallbackProvider)
    assert isinstance(text._chain[0], GeminiTextProvider)
    assert isinstance(code._chain[0], ClaudeCodeProvider)
    assert isinstance(code._chain[1], LocalProvider)
    cached = ProviderFactory(settings, redis=object()).text()  # type: ignore[arg-type]
    assert isinstance(cached, FallbackProvider) and isinstance(cached._chain[0], CachedProvider)
    image = ProviderFactory(settings, redis=object()).image()  # type: ignore[arg-type]
    assert isinstance(image, FallbackProvider)
    assert not isinstance(image._chain[0], CachedProvider)  # images are never cached


def test_a_provider_cannot_serve_a_step_it_does_not_do() -> None:
    with pytest.raises(ValueError, match="cannot serve"):
        ProviderFactory(provider_settings(text_provider="anthropic")).text()


async def test_non_retryable_failure_falls_back_and_is_recorded() -> None:
    primary = Failing("gemini", NonRetryableProviderError("blocked", type="SafetyBlocked"))
    concept, usage = await FallbackProvider([primary, LocalProvider()]).concept(make_request())
    assert concept.theme and primary.calls == 1
    assert usage.provider == "local" and usage.fallback_from == "gemini"
    assert usage.fallback_reason == "SafetyBlocked: blocked"


async def test_retryable_failure_propagates_for_temporal_to_retry() -> None:
    primary = Failing("gemini", RetryableProviderError("503", retry_after_s=2))
    chain = FallbackProvider([primary, LocalProvider()])
    with pytest.raises(RetryableProviderError):
        await chain.concept(make_request())


async def test_when_every_provider_fails_the_last_error_surfaces() -> None:
    chain = FallbackProvider(
        [
            Failing("gemini", NonRetryableProviderError("bad key", type="AuthenticationError")),
            Failing("local", NonRetryableProviderError("broken", type="OutputValidationError")),
        ]
    )
    with pytest.raises(NonRetryableProviderError) as caught:
        await chain.concept(make_request())
    assert caught.value.type == "OutputValidationError"


def test_success_from_the_first_provider_is_not_marked() -> None:
    usage, first = Usage(model="m"), LocalProvider()
    assert FallbackProvider([first, LocalProvider()])._mark(first, ("x", usage))[1] is usage
    assert usage.provider is None and usage.fallback_from is None


@pytest.mark.parametrize("strategy", list(STRATEGY_MODELS))
def test_every_strategy_names_a_priced_model_for_every_step(strategy: str) -> None:
    settings = provider_settings(provider_strategy=strategy)
    for step in ("concept", "content", "image", "frontend"):
        model = model_for(settings, step)  # type: ignore[arg-type]
        assert model == STRATEGY_MODELS[strategy][step]  # type: ignore[index]
        assert price_of(model) is not None


def test_explicit_model_settings_override_the_strategy() -> None:
    settings = provider_settings(
        provider_strategy="speed_first",
        gemini_text_model="gemini-2.5-flash",
        gemini_content_model="gemini-3.8-flash",
        anthropic_model="claude-sonnet-4-6",
    )
    assert model_for(settings, "concept") == "gemini-2.5-flash"
    assert model_for(settings, "content") == "gemini-3.8-flash"
    assert model_for(settings, "frontend") == "claude-sonnet-4-6"
    assert model_for(settings, "image") == STRATEGY_MODELS["speed_first"]["image"]
    quality = provider_settings(provider_strategy="quality_first")
    assert model_for(quality, "frontend") != model_for(provider_settings(), "frontend")


def test_prices_match_dated_ids_and_estimate_cost() -> None:
    assert price_of("claude-haiku-4-5-20251001") == price_of("claude-haiku-4-5")
    assert price_of("gemini-2.5-flash-image-preview") == price_of("gemini-2.5-flash-image")
    assert price_of("mystery-model") is None
    assert estimate_cost("claude-sonnet-5-5", 1_000_000, 100_000) == pytest.approx(3.0)
    assert estimate_cost("mystery-model", 10, 10) is None
    assert estimate_cost("gemini-3.8-flash", None, None) is None


@pytest.mark.parametrize(
    ("headers", "seconds"),
    [
        ({"retry-after": "30"}, 30.0),
        ({"retry-after": "1.5"}, 1.5),
        ({"retry-after-ms": "250", "retry-after": "9"}, 0.25),
        ({}, None),
        ({"retry-after": "soon"}, None),
    ],
)
def test_retry_after_parsing(headers: dict[str, Any], seconds: float | None) -> None:
    assert retry_after_seconds(headers) == seconds


def test_retry_after_http_date() -> None:
    when = format_datetime(datetime.now(UTC) + timedelta(seconds=60), usegmt=True)
    parsed = retry_after_seconds({"retry-after": when})
    assert parsed is not None and 55 <= parsed <= 61


@pytest.mark.parametrize(
    ("status", "retryable", "kind"),
    [
        (408, True, "ProviderTimeout"),
        (409, True, "ProviderConflict"),
        (429, True, "RateLimited"),
        (500, True, "ProviderUnavailable"),
        (503, True, "ProviderUnavailable"),
        (400, False, "BadRequest"),
        (401, False, "AuthenticationError"),
        (403, False, "PermissionDenied"),
        (404, False, "ModelNotFound"),
        (418, False, "ProviderRejected"),
    ],
)
def test_status_classification(status: int, retryable: bool, kind: str) -> None:
    error = from_status("gemini", status, "detail", retry_after_s=3)
    assert error.retryable is retryable and error.type == kind
    assert error.retry_after_s == (3 if retryable else None)
