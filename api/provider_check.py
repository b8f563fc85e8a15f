"""The `providers` component of /ready: degraded while a worker reports a rejected API key."""

from __future__ import annotations

from api.schemas import DependencyHealth
from api.services import Services
from core.provider_health import providers_readiness


async def check_providers(services: Services) -> DependencyHealth:
    """`ok`, or `degraded: gemini rejected GEMINI_API_KEY (HTTP 401)`; never fails /ready."""
    try:
        healthy, detail = await providers_readiness(services.redis, services.settings.stream_name)
    except Exception:  # Redis trouble is the redis component's to report, with its reason
        return DependencyHealth(ok=True, detail="unknown")
    return DependencyHealth(ok=healthy, detail=detail)
