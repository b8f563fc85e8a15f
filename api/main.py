"""The FastAPI app: `uvicorn api.main:app`."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse

from api import metrics
from api.deps import Gone
from api.limits import Rate, RequestGate
from api.routes import events, health, postcards, poster, preview, revisions, studio, webhooks
from api.schemas import Expired
from api.services import Services
from core.logs import configure_logging
from core.migrate import migrate
from core.settings import Settings, get_settings


def create_app(settings: Settings | None = None) -> FastAPI:
    """An app bound to the given settings (the environment's by default)."""
    settings = settings or get_settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        migrate(settings.effective_database_url)
        app.state.services = Services.build(settings)
        try:
            yield
        finally:
            await app.state.services.close()

    app = FastAPI(
        title="Postcard Studio",
        version="0.1.0",
        description="Type a wish, get an interactive postcard. Runs as a durable Temporal "
        "workflow: concept → copy → illustration → page.",
        lifespan=lifespan,
    )

    @app.exception_handler(Gone)
    async def gone(_: Request, exc: Gone) -> JSONResponse:
        body = Expired(
            detail=f"postcard {exc.task_id!r} expired: its files were deleted after "
            f"{settings.result_retention_days:g} days (RESULT_RETENTION_DAYS)",
            expired_at=exc.expired_at,
        )
        return JSONResponse(body.model_dump(mode="json"), status_code=410)

    @app.exception_handler(RequestValidationError)
    async def invalid_request(_: Request, exc: RequestValidationError) -> JSONResponse:
        reasons = [
            {"field": ".".join(str(p) for p in err["loc"][1:]) or "body", "reason": err["msg"]}
            for err in exc.errors()
        ]
        summary = "; ".join(f"{r['field']}: {r['reason']}" for r in reasons)
        return JSONResponse(
            {"detail": f"invalid request: {summary}", "errors": reasons}, status_code=422
        )

    app.add_middleware(
        RequestGate,
        max_bytes=settings.max_body_bytes,
        rate=Rate.parse(settings.create_rate_limit),
        origins=settings.trusted_origins,
    )
    metrics.install(app)
    app.include_router(postcards.create_router)
    app.include_router(postcards.router)
    app.include_router(poster.router)
    app.include_router(revisions.router)
    app.include_router(webhooks.router)
    app.include_router(preview.router)
    app.include_router(health.router)
    app.include_router(events.router)
    app.include_router(studio.router)
    app.mount("/static", studio.StudioStatic(settings), name="static")
    return app


def _app_from_env() -> FastAPI:
    settings = get_settings()
    configure_logging(settings.log_level, settings.log_format)
    return create_app(settings)


app = _app_from_env()
