"""The Gemini client (SDK retries off, so Temporal alone retries) and how to read its replies."""

from __future__ import annotations

from google import genai
from google.genai import types

from core.errors import NonRetryableProviderError
from core.settings import Settings
from providers.base import Usage
from providers.errors_map import safety_blocked, translated
from providers.pricing import estimate_cost

SAFETY_REASONS = frozenset(
    {
        "SAFETY",
        "BLOCKLIST",
        "PROHIBITED_CONTENT",
        "SPII",
        "IMAGE_SAFETY",
        "IMAGE_PROHIBITED_CONTENT",
        "MODEL_ARMOR",
        "JAILBREAK",
    }
)


def build_client(settings: Settings) -> genai.Client | None:
    """An async-capable client pointed at `GEMINI_BASE_URL`, or None without a key."""
    if settings.gemini_api_key is None:
        return None
    options = types.HttpOptions(
        base_url=settings.gemini_base_url,
        api_version=settings.gemini_api_version,
        timeout=int(settings.gemini_timeout_s * 1000),
        retry_options=types.HttpRetryOptions(attempts=1),
    )
    return genai.Client(
        api_key=settings.gemini_api_key.get_secret_value(), vertexai=False, http_options=options
    )


class GeminiCaller:
    """One `generate_content` call with typed errors; shared by the text and image providers."""

    def __init__(self, settings: Settings, client: genai.Client | None = None) -> None:
        self._client = client or build_client(settings)
        key = settings.gemini_api_key
        self._secret = key.get_secret_value() if key else None

    async def generate(
        self, model: str, contents: list[types.Content], config: types.GenerateContentConfig
    ) -> types.GenerateContentResponse:
        """Call the model once; failures come back as Retryable/NonRetryableProviderError."""
        if self._client is None:
            raise NonRetryableProviderError(
                "gemini is selected but GEMINI_API_KEY is not set", type="AuthenticationError"
            )
        with translated("gemini", self._secret):
            response = await self._client.aio.models.generate_content(
                model=model, contents=contents, config=config
            )
        raise_if_blocked(response)
        return response


def raise_if_blocked(response: types.GenerateContentResponse) -> None:
    """SafetyBlocked when the prompt or the first candidate was stopped on safety grounds."""
    feedback = response.prompt_feedback
    if feedback is not None and feedback.block_reason is not None:
        raise safety_blocked("gemini", f"prompt blocked: {_name(feedback.block_reason)}")
    candidates = response.candidates or []
    if candidates and _name(candidates[0].finish_reason) in SAFETY_REASONS:
        raise safety_blocked("gemini", f"finishReason {_name(candidates[0].finish_reason)}")


def finish_reason(response: types.GenerateContentResponse) -> str:
    """The first candidate's finish reason, or an empty string."""
    candidates = response.candidates or []
    return _name(candidates[0].finish_reason) if candidates else ""


def usage_of(response: types.GenerateContentResponse, model: str) -> Usage:
    """Tokens from `usageMetadata` (thinking counts as output) and their estimated cost."""
    meta = response.usage_metadata
    if meta is None:
        return Usage(model=model)
    prompt = meta.prompt_token_count
    output = (meta.candidates_token_count or 0) + (meta.thoughts_token_count or 0)
    return Usage(
        model=model,
        input_tokens=prompt,
        output_tokens=output,
        cost_usd=estimate_cost(model, prompt, output),
    )


def _name(value: object) -> str:
    return str(getattr(value, "value", value) or "")
