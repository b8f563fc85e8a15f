"""Liveness and readiness: Redis, the database and Temporal, each by name."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import sqlalchemy as sa
from fastapi import APIRouter
from fastapi.responses import JSONResponse

from api.deps import ServicesDep
from api.schemas import DependencyHealth, Readiness

router = APIRouter(tags=["health"])


@router.get("/health")
def health() -> dict[str, str]:
    """The process answers."""
    return {"status": "ok"}


async def _check_redis(services: ServicesDep) -> DependencyHealth:
    try:
        await asyncio.wait_for(services.redis.ping(), 2)
        return DependencyHealth(ok=True, detail="ping ok")
    except Exception as exc:
        return DependencyHealth(ok=False, detail=f"{type(exc).__name__}: {exc}"[:300])


def _check_database(services: ServicesDep) -> DependencyHealth:
    try:
        with services.repository.engine.connect() as conn:
            conn.execute(sa.text("SELECT 1"))
        return DependencyHealth(ok=True, detail=services.repository.engine.dialect.name)
    except Exception as exc:
        return DependencyHealth(ok=False, detail=f"{type(exc).__name__}: {exc}"[:300])


async def _check_temporal(services: ServicesDep) -> DependencyHealth:
    client = await services.temporal()
    if client is None:
        return DependencyHealth(
            ok=False, detail=f"unreachable at {services.settings.temporal_address}"
        )
    try:
        await client.service_client.check_health(timeout=timedelta(seconds=2))
        return DependencyHealth(ok=True, detail=services.settings.temporal_address)
    except Exception as exc:
        return DependencyHealth(ok=False, detail=f"{type(exc).__name__}: {exc}"[:300])


@router.get("/ready", response_model=Readiness, responses={503: {"model": Readiness}})
async def ready(services: ServicesDep) -> JSONResponse:
    """200 when every dependency answers, else 503 naming the ones that don't."""
    redis, database, temporal = await asyncio.gather(
        _check_redis(services),
        asyncio.to_thread(_check_database, services),
        _check_temporal(services),
    )
    body = Readiness(
        ready=redis.ok and database.ok and temporal.ok,
        checks={"redis": redis, "database": database, "temporal": temporal},
    )
    return JSONResponse(body.model_dump(), status_code=200 if body.ready else 503)
