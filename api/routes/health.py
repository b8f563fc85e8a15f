"""Liveness and readiness: Redis, the database and Temporal, each by name and a reason code.

The body says which component is not ready and a short reason code (`timeout`, `refused`,
`auth`, `unreachable`, `error`); the exception behind it goes to the log only, so `/ready`
never hands out hostnames, driver messages or credentials echoed by a server.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import timedelta

import sqlalchemy as sa
from fastapi import APIRouter
from fastapi.responses import JSONResponse
from redis.exceptions import AuthenticationError, AuthorizationError
from redis.exceptions import ConnectionError as RedisConnectionError

from api.deps import ServicesDep
from api.provider_check import check_providers
from api.schemas import DependencyHealth, Readiness
from api.services import Services

log = logging.getLogger("postcards.api")
router = APIRouter(tags=["health"])
CHECK_TIMEOUT_S = 2.0
Check = Callable[[Services], Awaitable[DependencyHealth]]


@dataclass(frozen=True)
class Component:
    """A readiness check; a component that is not `required` is reported but never fails /ready."""

    check: Check
    required: bool = True


COMPONENTS: dict[str, Component] = {}


def add_check(name: str, check: Check, *, required: bool = True) -> None:
    """Report `name` in /ready (for example `providers`, reason `degraded`, not required)."""
    COMPONENTS[name] = Component(check, required)


def reason_code(exc: BaseException) -> str:
    """A short, fixed reason for a failure (its text goes to the log, never to the body)."""
    if isinstance(exc, (TimeoutError, asyncio.TimeoutError)):
        return "timeout"
    if isinstance(exc, (AuthenticationError, AuthorizationError)):
        return "auth"
    if isinstance(exc, (ConnectionRefusedError, RedisConnectionError)):
        return "refused"
    if isinstance(exc, (OSError, sa.exc.OperationalError)):
        return "unreachable"
    return "error"


def failed(component: str, exc: BaseException) -> DependencyHealth:
    """Log why `component` is not ready; answer with its reason code."""
    reason = reason_code(exc)
    log.warning(
        "readiness check failed",
        extra={"component": component, "reason": reason, "error": f"{type(exc).__name__}: {exc}"},
    )
    return DependencyHealth(ok=False, detail=reason)


@router.get("/health")
def health() -> dict[str, str]:
    """The process answers."""
    return {"status": "ok"}


async def check_redis(services: Services) -> DependencyHealth:
    """PING answers."""
    try:
        await asyncio.wait_for(services.redis.ping(), CHECK_TIMEOUT_S)
        return DependencyHealth(ok=True, detail="ok")
    except Exception as exc:
        return failed("redis", exc)


def _select_one(services: Services) -> None:
    with services.reads.engine.connect() as conn:
        conn.execute(sa.text("SELECT 1"))


async def check_database(services: Services) -> DependencyHealth:
    """SELECT 1 answers."""
    try:
        await asyncio.wait_for(asyncio.to_thread(_select_one, services), CHECK_TIMEOUT_S * 2)
        return DependencyHealth(ok=True, detail="ok")
    except Exception as exc:
        return failed("database", exc)


async def check_temporal(services: Services) -> DependencyHealth:
    """The frontend's health check answers."""
    client = await services.temporal()
    if client is None:
        log.warning(
            "readiness check failed", extra={"component": "temporal", "reason": "unreachable"}
        )
        return DependencyHealth(ok=False, detail="unreachable")
    try:
        await client.service_client.check_health(timeout=timedelta(seconds=CHECK_TIMEOUT_S))
        return DependencyHealth(ok=True, detail="ok")
    except Exception as exc:
        return failed("temporal", exc)


add_check("redis", check_redis)
add_check("database", check_database)
add_check("temporal", check_temporal)
add_check("providers", check_providers, required=False)


@router.get("/ready", response_model=Readiness, responses={503: {"model": Readiness}})
async def ready(services: ServicesDep) -> JSONResponse:
    """200 when every required component answers, else 503 naming each with a reason code."""
    names = list(COMPONENTS)
    results = await asyncio.gather(*(COMPONENTS[name].check(services) for name in names))
    checks = dict(zip(names, results, strict=True))
    body = Readiness(
        ready=all(checks[name].ok for name in names if COMPONENTS[name].required),
        checks=checks,
    )
    return JSONResponse(body.model_dump(), status_code=200 if body.ready else 503)
