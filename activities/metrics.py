"""Worker metrics of the four steps: duration, provider errors, cache hits, tokens and cost."""

from __future__ import annotations

import time
from collections.abc import Awaitable
from typing import TypeVar

from prometheus_client import Counter, Histogram

from activities.failures import to_application_error
from providers.base import Usage

T = TypeVar("T")
STEP_BUCKETS = (0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 20, 40, 60, 90, 120, 180, 240)

STEP_SECONDS = Histogram(
    "postcard_step_duration_seconds",
    "Provider work of one step attempt (incl. blob upload)",
    ["step", "provider", "outcome"],
    buckets=STEP_BUCKETS,
)
PROVIDER_ERRORS = Counter(
    "postcard_provider_errors", "Failed step attempts by error type", ["step", "provider", "type"]
)
CACHE_HITS = Counter("postcard_cache_hits", "Steps answered from the provider cache", ["step"])
TOKENS = Counter(
    "postcard_tokens", "Model tokens by direction (input/output)", ["step", "provider", "direction"]
)
COST = Counter("postcard_cost_usd", "Estimated provider cost in US dollars", ["step", "provider"])


async def measured(step: str, provider: str, work: Awaitable[tuple[T, Usage]]) -> tuple[T, Usage]:
    """Await one step's provider work and record its duration, error type, tokens and cost."""
    started = time.perf_counter()
    try:
        value, usage = await work
    except Exception as exc:
        STEP_SECONDS.labels(step, provider, "error").observe(time.perf_counter() - started)
        PROVIDER_ERRORS.labels(step, provider, to_application_error(exc, 0).type or "").inc()
        raise
    answered_by = usage.provider or provider
    STEP_SECONDS.labels(step, answered_by, "ok").observe(time.perf_counter() - started)
    if usage.cache_hit:
        CACHE_HITS.labels(step).inc()
    for direction, tokens in (("input", usage.input_tokens), ("output", usage.output_tokens)):
        if tokens:
            TOKENS.labels(step, answered_by, direction).inc(tokens)
    if usage.cost_usd:
        COST.labels(step, answered_by).inc(usage.cost_usd)
    return value, usage
