"""Claude writes the postcard page; the validator's findings go back to it for bounded repairs."""

from __future__ import annotations

import logging
import re
from typing import Any

import anthropic
from anthropic.types import Message

from core.errors import NonRetryableProviderError
from core.models import Concept, Content, PostcardRequest
from core.settings import Settings
from providers.base import Usage
from providers.errors_map import output_invalid, safety_blocked, translated
from providers.html_validator import validate_page
from providers.pricing import add_usage, estimate_cost
from providers.progress import report_progress
from providers.prompts import (
    IMAGE_URL_TOKEN,
    page_prompt,
    page_repair_message,
    request_language,
)
from providers.strategy import model_for

log = logging.getLogger("postcards.providers")
_FENCED = re.compile(r"```(?:html|HTML)?[ \t]*\n(.*?)(?:\n```|\Z)", re.DOTALL)
_DOCUMENT = re.compile(r"(<!doctype html.*?</html>|<html.*?</html>)", re.DOTALL | re.IGNORECASE)
_MAX_ECHO = 60_000
# A cheap estimate of how far a page is: a finished postcard page runs about 12,000 characters,
# and no reply can be longer than max_tokens (about 3.5 characters a token of HTML).
TYPICAL_PAGE_CHARS = 12_000
CHARS_PER_TOKEN = 3.5


def extract_html(text: str) -> str:
    """The HTML document in a reply: the ```html fence, else the <html>…</html> span."""
    fenced = _FENCED.search(text)
    if fenced and "<" in fenced.group(1):
        return fenced.group(1).strip()
    document = _DOCUMENT.search(text)
    return document.group(1).strip() if document else text.strip()


def build_client(settings: Settings) -> anthropic.AsyncAnthropic | None:
    """An async client pointed at `ANTHROPIC_BASE_URL` with SDK retries off, or None."""
    if settings.anthropic_api_key is None:
        return None
    return anthropic.AsyncAnthropic(
        api_key=settings.anthropic_api_key.get_secret_value(),
        base_url=settings.anthropic_base_url,
        max_retries=0,
        timeout=settings.anthropic_timeout_s,
    )


def usage_of(message: Message, model: str) -> Usage:
    """Tokens from the message's `usage` (cache reads and writes count as input) and cost."""
    usage = message.usage
    prompt = (
        (usage.input_tokens or 0)
        + (usage.cache_creation_input_tokens or 0)
        + (usage.cache_read_input_tokens or 0)
    )
    output = usage.output_tokens or 0
    return Usage(
        model=model,
        input_tokens=prompt,
        output_tokens=output,
        cost_usd=estimate_cost(model, prompt, output),
    )


class ClaudeCodeProvider:
    """A self-contained page from Claude that passes `validate_page`, or a typed failure."""

    name = "anthropic"

    def __init__(self, settings: Settings, client: anthropic.AsyncAnthropic | None = None) -> None:
        self._settings = settings
        self._client = client or build_client(settings)
        key = settings.anthropic_api_key
        self._secret = key.get_secret_value() if key else None

    def model_for(self, step: str = "frontend") -> str:
        """The page model."""
        return model_for(self._settings, "frontend")

    async def page(
        self, request: PostcardRequest, concept: Concept, content: Content, image_url: str
    ) -> tuple[str, Usage]:
        """Step 4: a validated page, after at most `HTML_REPAIR_ROUNDS` repairs."""
        model = self.model_for()
        language = content.language or request_language(request)
        prompt = page_prompt(concept, content, language, request)
        first = [{"type": "text", "text": text} for text in prompt.parts]
        messages: list[dict[str, Any]] = [{"role": "user", "content": first}]
        total = Usage(model=model)
        findings: list[str] = []
        for round_ in range(1 + max(0, self._settings.html_repair_rounds)):
            message = await self._create(model, prompt.system, messages)
            total = add_usage(total, usage_of(message, model))
            if message.stop_reason == "refusal":
                raise safety_blocked("anthropic", "stop_reason refusal")
            reply = "".join(block.text for block in message.content if block.type == "text")
            html = extract_html(reply).replace(IMAGE_URL_TOKEN, image_url)
            findings = validate_page(html, image_url, self._settings.html_max_bytes)
            if message.stop_reason == "max_tokens":
                findings.insert(0, "the reply hit max_tokens and was cut off: write less")
            if not findings:
                return html, total
            log.warning(
                "page rejected by the validator",
                extra={"task_id": request.task_id, "round": round_, "findings": findings},
            )
            messages += [
                {"role": "assistant", "content": reply[:_MAX_ECHO] or "(empty)"},
                {"role": "user", "content": page_repair_message(language, findings)},
            ]
        raise output_invalid("anthropic", "page rejected: " + "; ".join(findings[:4]))

    async def _create(self, model: str, system: str, messages: list[dict[str, Any]]) -> Message:
        """One streamed message; the characters written so far are reported as progress."""
        if self._client is None:
            raise NonRetryableProviderError(
                "anthropic is selected but ANTHROPIC_API_KEY is not set",
                type="AuthenticationError",
            )
        expected = min(TYPICAL_PAGE_CHARS, self._settings.anthropic_max_tokens * CHARS_PER_TOKEN)
        written = 0
        with translated("anthropic", self._secret):
            async with self._client.messages.stream(
                model=model,
                max_tokens=self._settings.anthropic_max_tokens,
                system=system,
                messages=messages,  # type: ignore[arg-type]
            ) as stream:
                async for text in stream.text_stream:
                    written += len(text)
                    report_progress(100 * written / max(1, expected))
                return await stream.get_final_message()
