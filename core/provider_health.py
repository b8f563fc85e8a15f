"""Which providers rejected their key: the worker writes a Redis key, the API's /ready reads it.

The failure happens in the worker, readiness is asked of the API: a small Redis key per
provider, with a TTL, is the simplest place both already reach. The key lives under the stack's
stream name (`<STREAM_NAME>:provider_health:<provider>`), so stacks sharing one Redis keep apart.
It expires on its own once the worker has stopped failing (a fixed key means a restarted
worker), and a later success of that provider deletes it at once.
"""

from __future__ import annotations

import asyncio
import json
import re
import time
from typing import Any

from redis.asyncio import Redis

HEALTH_TTL_S = 900
REAL_PROVIDERS = ("gemini", "anthropic")
KEY_VARIABLES = {"gemini": "GEMINI_API_KEY", "anthropic": "ANTHROPIC_API_KEY"}
_TIMEOUT_S = 1.0


def health_key(namespace: str, provider: str) -> str:
    """The Redis key of one provider's health under a stack's namespace (its stream name)."""
    return f"{namespace}:provider_health:{provider}"


async def mark_key_rejected(redis: Redis, namespace: str, provider: str, reason: str) -> None:
    """Record that `provider` refused its key (the variable's name and the reason, no key)."""
    value = {"variable": KEY_VARIABLES.get(provider, ""), "reason": reason[:300], "at": time.time()}
    await asyncio.wait_for(
        redis.set(health_key(namespace, provider), json.dumps(value), ex=HEALTH_TTL_S), _TIMEOUT_S
    )


async def mark_healthy(redis: Redis, namespace: str, provider: str) -> None:
    """Forget a recorded key failure of `provider`."""
    await asyncio.wait_for(redis.delete(health_key(namespace, provider)), _TIMEOUT_S)


async def rejected_keys(redis: Redis, namespace: str) -> dict[str, dict[str, Any]]:
    """Provider → {variable, reason, at} for every provider whose key was refused lately."""
    keys = [health_key(namespace, name) for name in REAL_PROVIDERS]
    values = await asyncio.wait_for(redis.mget(keys), _TIMEOUT_S)
    found = {}
    for name, raw in zip(REAL_PROVIDERS, values, strict=True):
        if raw:
            found[name] = json.loads(raw)
    return found


async def providers_readiness(redis: Redis, namespace: str) -> tuple[bool, str]:
    """(healthy, detail) for /ready: `degraded: gemini rejected GEMINI_API_KEY (HTTP 401)`.

    The detail names the provider, the variable and the HTTP status only; the provider's full
    message is in the worker's log."""
    rejected = await rejected_keys(redis, namespace)
    if not rejected:
        return True, "ok"
    parts = []
    for name, item in rejected.items():
        status = re.search(r"HTTP (\d{3})", str(item.get("reason", "")))
        variable = item.get("variable") or "its key"
        parts.append(f"{name} rejected {variable}" + (f" (HTTP {status[1]})" if status else ""))
    return False, "degraded: " + "; ".join(parts)
