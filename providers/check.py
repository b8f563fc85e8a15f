"""`postcards providers check`: every configured key, model and step, before any postcard.

For each real provider in use: the key is accepted and every configured model exists (one
model-list call), then one minimal call per step (text, JSON output, image, page). Checks stop
at the first failure, which carries the typed reason (AuthenticationError, ModelNotFound,
RateLimited, …) from the same classification the steps use.
"""

from __future__ import annotations

import json
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import Literal

import anthropic
from google import genai
from google.genai import types

from core.errors import NonRetryableProviderError, ProviderError
from core.settings import Settings
from providers import anthropic_code, gemini_client
from providers.errors_map import translated
from providers.strategy import ModelStep, model_for


@dataclass
class CheckLine:
    """One checked step: what, with which model, how long, and the failure if any."""

    step: str
    provider: str
    model: str
    latency_ms: float
    error: ProviderError | None = None

    @property
    def ok(self) -> bool:
        """The step passed."""
        return self.error is None


class _Failed(Exception):
    """A reply that arrived but is not what a step needs."""


def _secret(value: object) -> str | None:
    get = getattr(value, "get_secret_value", None)
    return get() if get else None


async def _timed(
    step: str, provider: str, model: str, secret: str | None, call: Callable[[], Awaitable[None]]
) -> CheckLine:
    started = time.perf_counter()
    error: ProviderError | None = None
    try:
        with translated(provider, secret):
            await call()
    except ProviderError as exc:
        error = exc
    except _Failed as exc:
        error = NonRetryableProviderError(f"{provider}: {exc}", type="OutputValidationError")
    return CheckLine(step, provider, model, round((time.perf_counter() - started) * 1000, 1), error)


def _missing(provider: str, wanted: Mapping[str, str], listed: set[str]) -> None:
    for step, model in wanted.items():
        if model not in listed:
            raise NonRetryableProviderError(
                f"{provider} does not list the {step} model {model!r}", type="ModelNotFound"
            )


async def _gemini(settings: Settings, client: genai.Client) -> AsyncIterator[CheckLine]:
    secret = _secret(settings.gemini_api_key)
    uses: tuple[tuple[ModelStep, Literal["text", "image"]], ...] = (
        ("concept", "text"),
        ("content", "text"),
        ("image", "image"),
    )
    roles: dict[str, str] = {
        step: model_for(settings, step)
        for step, role in uses
        if settings.provider_for(role) == "gemini"
    }
    text_model = roles.get("concept") or roles.get("content")

    async def models() -> None:
        pager = await client.aio.models.list()
        listed = {(entry.name or "").removeprefix("models/") async for entry in pager}
        _missing("gemini", roles, listed)

    yield await _timed(
        "key + models", "gemini", ", ".join(sorted(set(roles.values()))), secret, models
    )
    if text_model:

        async def text() -> None:
            reply = await client.aio.models.generate_content(
                model=text_model,
                contents="Reply with the single word: ok",
                config=types.GenerateContentConfig(max_output_tokens=256),
            )
            gemini_client.raise_if_blocked(reply)
            if not (reply.text or "").strip():
                raise _Failed(f"empty text reply ({gemini_client.finish_reason(reply)})")

        async def structured() -> None:
            schema = {
                "type": "object",
                "properties": {"ok": {"type": "boolean"}},
                "required": ["ok"],
            }
            reply = await client.aio.models.generate_content(
                model=text_model,
                contents='Answer {"ok": true} as JSON.',
                config=types.GenerateContentConfig(
                    response_mime_type="application/json",
                    response_json_schema=schema,
                    max_output_tokens=256,
                ),
            )
            gemini_client.raise_if_blocked(reply)
            try:
                json.loads(reply.text or "")
            except json.JSONDecodeError as exc:
                raise _Failed(f"JSON output does not parse: {exc.msg}") from None

        yield await _timed("text", "gemini", text_model, secret, text)
        yield await _timed("json", "gemini", text_model, secret, structured)
    if "image" in roles:

        async def image() -> None:
            reply = await client.aio.models.generate_content(
                model=roles["image"],
                contents="A small red circle on a white background, no text.",
                config=types.GenerateContentConfig(response_modalities=["IMAGE"]),
            )
            gemini_client.raise_if_blocked(reply)
            for candidate in reply.candidates or []:
                for part in (candidate.content.parts if candidate.content else None) or []:
                    if part.inline_data and part.inline_data.data:
                        return
            raise _Failed(f"no image in the reply ({gemini_client.finish_reason(reply)})")

        yield await _timed("image", "gemini", roles["image"], secret, image)


async def _anthropic(
    settings: Settings, client: anthropic.AsyncAnthropic
) -> AsyncIterator[CheckLine]:
    secret = _secret(settings.anthropic_api_key)
    model = model_for(settings, "frontend")

    async def models() -> None:
        listed = {entry.id async for entry in client.models.list()}
        _missing("anthropic", {"frontend": model}, listed)

    async def page() -> None:
        message = await client.messages.create(
            model=model,
            max_tokens=64,
            messages=[{"role": "user", "content": "Reply with exactly: <p>ok</p>"}],
        )
        if message.stop_reason == "refusal":
            raise _Failed("the model refused the test prompt")
        if not any(block.type == "text" and block.text.strip() for block in message.content):
            raise _Failed("empty reply")

    yield await _timed("key + models", "anthropic", model, secret, models)
    yield await _timed("page", "anthropic", model, secret, page)


async def check_providers(
    settings: Settings,
    gemini: genai.Client | None = None,
    claude: anthropic.AsyncAnthropic | None = None,
) -> AsyncIterator[CheckLine]:
    """Check lines in order, ending after the first failure; nothing for local-only steps."""
    checks: list[AsyncIterator[CheckLine]] = []
    uses_gemini = "gemini" in (settings.provider_for("text"), settings.provider_for("image"))
    if uses_gemini:
        client = gemini or gemini_client.build_client(settings)
        if client is None:
            yield _no_key("gemini", "GEMINI_API_KEY")
            return
        checks.append(_gemini(settings, client))
    if settings.provider_for("code") == "anthropic":
        page_client = claude or anthropic_code.build_client(settings)
        if page_client is None:
            yield _no_key("anthropic", "ANTHROPIC_API_KEY")
            return
        checks.append(_anthropic(settings, page_client))
    for lines in checks:
        async for line in lines:
            yield line
            if not line.ok:
                return


def _no_key(provider: str, variable: str) -> CheckLine:
    error = NonRetryableProviderError(
        f"{provider} is selected but {variable} is not set", type="AuthenticationError"
    )
    return CheckLine("key + models", provider, "-", 0.0, error)
