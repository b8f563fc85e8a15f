"""Classify provider SDK failures into the typed errors Temporal retries or gives up on."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any

import anthropic
import httpx
import httpx2
from google.genai import errors as genai_errors

from core.errors import NonRetryableProviderError, ProviderError, RetryableProviderError

_TIMEOUTS = (
    httpx.TimeoutException,
    httpx2.TimeoutException,
    TimeoutError,
    asyncio.TimeoutError,
    anthropic.APITimeoutError,
)
_CONNECTION = (httpx.TransportError, httpx2.TransportError, anthropic.APIConnectionError)
_NON_RETRYABLE_BY_STATUS = {
    400: "BadRequest",
    401: "AuthenticationError",
    402: "QuotaExhausted",
    403: "PermissionDenied",
    404: "ModelNotFound",
    413: "BadRequest",
    422: "BadRequest",
}
_RETRYABLE_BY_STATUS = {408: "ProviderTimeout", 409: "ProviderConflict", 429: "RateLimited"}
_MAX_MESSAGE = 300


def retry_after_seconds(headers: Mapping[str, str] | Any | None) -> float | None:
    """Seconds from `retry-after-ms` or `Retry-After` (delta-seconds or HTTP date)."""
    if headers is None:
        return None
    millis = headers.get("retry-after-ms")
    if millis:
        try:
            return max(0.0, float(millis) / 1000)
        except ValueError:
            pass
    value = headers.get("retry-after")
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - datetime.now(UTC)).total_seconds())


def from_status(
    provider: str,
    status: int,
    detail: str,
    *,
    retry_after_s: float | None = None,
    type_override: str | None = None,
) -> ProviderError:
    """The typed error for an HTTP status: 408/409/429/5xx retry, other 4xx do not."""
    message = f"{provider} answered HTTP {status}: {detail}".strip()[:_MAX_MESSAGE]
    if type_override and type_override in _NON_RETRYABLE_BY_STATUS.values():
        return NonRetryableProviderError(message, type=type_override)
    if status in _RETRYABLE_BY_STATUS or status >= 500:
        kind = type_override or _RETRYABLE_BY_STATUS.get(status, "ProviderUnavailable")
        return RetryableProviderError(message, type=kind, retry_after_s=retry_after_s)
    return NonRetryableProviderError(
        message, type=type_override or _NON_RETRYABLE_BY_STATUS.get(status, "ProviderRejected")
    )


def safety_blocked(provider: str, reason: str) -> NonRetryableProviderError:
    """The provider refused on safety grounds; the same request will be refused again."""
    return NonRetryableProviderError(
        f"{provider} declined the request on safety grounds ({reason})", type="SafetyBlocked"
    )


def output_invalid(provider: str, detail: str) -> NonRetryableProviderError:
    """The model's output failed validation even after the bounded repair attempts."""
    return NonRetryableProviderError(
        f"{provider} output failed validation: {detail}"[:_MAX_MESSAGE],
        type="OutputValidationError",
    )


def _gemini_details(body: Any) -> list[dict[str, Any]]:
    error = body.get("error", body) if isinstance(body, dict) else {}
    details = error.get("details") if isinstance(error, dict) else None
    return [item for item in details or [] if isinstance(item, dict)]


def _gemini_retry_delay(details: list[dict[str, Any]]) -> float | None:
    for item in details:
        delay = item.get("retryDelay")
        if isinstance(delay, str) and delay.endswith("s"):
            try:
                return float(delay[:-1])
            except ValueError:
                return None
    return None


def _gemini_type(status: int, details: list[dict[str, Any]]) -> str | None:
    reasons = {str(item.get("reason", "")) for item in details}
    if reasons & {"API_KEY_INVALID", "API_KEY_EXPIRED", "ACCESS_TOKEN_EXPIRED"}:
        return "AuthenticationError"
    if status == 429:
        quota_ids = [
            str(violation.get("quotaId", ""))
            for item in details
            for violation in item.get("violations", []) or []
            if isinstance(violation, dict)
        ]
        if any("PerDay" in quota_id for quota_id in quota_ids):
            return "QuotaExhausted"
    return None


def classify_gemini(exc: genai_errors.APIError) -> ProviderError:
    """Gemini: status code, plus ErrorInfo/QuotaFailure/RetryInfo details of the JSON error."""
    details = _gemini_details(exc.details)
    headers = getattr(getattr(exc, "response", None), "headers", None)
    retry_after = retry_after_seconds(headers)
    if retry_after is None:
        retry_after = _gemini_retry_delay(details)
    detail = f"{exc.status or ''} {exc.message or ''}"
    return from_status(
        "gemini",
        int(exc.code or 500),
        detail,
        retry_after_s=retry_after,
        type_override=_gemini_type(int(exc.code or 0), details),
    )


def classify_anthropic(exc: anthropic.APIStatusError) -> ProviderError:
    """Anthropic: status code plus `error.type`; billing errors mean an exhausted quota."""
    error_type = exc.type or ""
    api_message = exc.api_message or ""
    override = None
    if error_type == "billing_error" or "credit balance" in api_message.lower():
        override = "QuotaExhausted"
    detail = f"{error_type} {api_message}"
    return from_status(
        "anthropic",
        exc.status_code,
        detail,
        retry_after_s=retry_after_seconds(exc.response.headers),
        type_override=override,
    )


def classify(provider: str, exc: BaseException) -> ProviderError | None:
    """The typed error for an SDK or transport failure, or None when it is not a provider one."""
    if isinstance(exc, ProviderError):
        return exc
    if isinstance(exc, genai_errors.APIError):
        return classify_gemini(exc)
    if isinstance(exc, anthropic.APIStatusError):
        return classify_anthropic(exc)
    if isinstance(exc, _TIMEOUTS):
        return RetryableProviderError(f"{provider} timed out", type="ProviderTimeout")
    if isinstance(exc, _CONNECTION):
        return RetryableProviderError(
            f"{provider} unreachable: {type(exc).__name__}", type="ProviderUnavailable"
        )
    if isinstance(exc, anthropic.APIResponseValidationError):
        return RetryableProviderError(
            f"{provider} sent a malformed response", type="ProviderUnavailable"
        )
    return None


def _scrub(error: ProviderError, secret: str | None) -> ProviderError:
    if secret and secret in error.message:
        error.message = error.message.replace(secret, "***")
        error.args = (error.message,)
    return error


@contextmanager
def translated(provider: str, secret: str | None = None) -> Iterator[None]:
    """Re-raise SDK failures as typed provider errors, never carrying the API key."""
    try:
        yield
    except ProviderError as exc:
        raise _scrub(exc, secret) from None
    except Exception as exc:
        mapped = classify(provider, exc)
        if mapped is None:
            raise
        raise _scrub(mapped, secret) from None
