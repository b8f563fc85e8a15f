"""Turn provider and validation failures into Temporal failures that carry their type."""

from __future__ import annotations

from datetime import timedelta

from pydantic import ValidationError
from temporalio.exceptions import ApplicationError

from core.errors import ProviderError
from core.storage import InvalidBlob


def to_application_error(exc: BaseException, attempt: int) -> ApplicationError:
    """The ApplicationError for a failure; its details carry the attempt for the progress query."""
    if isinstance(exc, ApplicationError):
        return exc
    if isinstance(exc, ProviderError):
        delay = timedelta(seconds=exc.retry_after_s) if exc.retry_after_s else None
        return ApplicationError(
            exc.message,
            attempt,
            type=exc.type,
            non_retryable=not exc.retryable,
            next_retry_delay=delay,
        )
    if isinstance(exc, InvalidBlob):
        return ApplicationError(
            f"the provider's image is not a PNG, JPEG or WebP: {exc}",
            attempt,
            type="InvalidImage",
            non_retryable=True,
        )
    if isinstance(exc, ValidationError):
        return ApplicationError(
            f"provider output failed validation: {exc.error_count()} error(s): "
            + "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors()[:5]),
            attempt,
            type="OutputValidationError",
            non_retryable=True,
        )
    return ApplicationError(str(exc) or type(exc).__name__, attempt, type=type(exc).__name__)
