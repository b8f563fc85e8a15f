"""Typed provider errors that the activities translate into Temporal failures."""

from __future__ import annotations


class ProviderError(Exception):
    """A provider call failed; `type` names the failure class that reaches the status output."""

    def __init__(
        self,
        message: str,
        *,
        type: str = "ProviderError",
        retryable: bool = True,
        retry_after_s: float | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.type = type
        self.retryable = retryable
        self.retry_after_s = retry_after_s


class RetryableProviderError(ProviderError):
    """Rate limits, timeouts, 5xx: Temporal retries with backoff."""

    def __init__(
        self, message: str, *, type: str = "ProviderUnavailable", retry_after_s: float | None = None
    ) -> None:
        super().__init__(message, type=type, retryable=True, retry_after_s=retry_after_s)


class NonRetryableProviderError(ProviderError):
    """Bad key, unknown model, safety block, no quota, invalid output: retrying can't help."""

    def __init__(self, message: str, *, type: str = "ProviderRejected") -> None:
        super().__init__(message, type=type, retryable=False)


NON_RETRYABLE_TYPES: tuple[str, ...] = (
    "InvalidInput",
    "AuthenticationError",
    "PermissionDenied",
    "ModelNotFound",
    "BadRequest",
    "SafetyBlocked",
    "QuotaExhausted",
    "OutputValidationError",
    "ProviderRejected",
)
