"""API metrics: requests by route, method and status, create latency, and `GET /metrics`."""

from __future__ import annotations

import time

from fastapi import APIRouter, FastAPI, Response
from prometheus_client import CONTENT_TYPE_LATEST, REGISTRY, Counter, Histogram, generate_latest
from starlette.types import ASGIApp, Message, Receive, Scope, Send

CREATE_ROUTE = "/api/v1/postcards/create"
REQUESTS = Counter(
    "postcard_api_requests",
    "HTTP requests by route template, method and status",
    ["route", "method", "status"],
)
CREATE_SECONDS = Histogram(
    "postcard_api_create_seconds",
    "Time to accept a postcard (validate, record, XADD) until the response starts",
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5),
)

router = APIRouter(tags=["health"])


@router.get("/metrics", response_class=Response)
def metrics() -> Response:
    """Prometheus metrics of this process."""
    return Response(generate_latest(REGISTRY), media_type=CONTENT_TYPE_LATEST)


class RequestMetrics:
    """Counts every HTTP request under its route template, so ids never become labels."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Pass the request on; count it once the response has started (or failed)."""
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 500

        async def send_and_note(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, send_and_note)
        finally:
            route = _route_template(scope)
            REQUESTS.labels(route, scope["method"], str(status)).inc()
            if route == CREATE_ROUTE and scope["method"] == "POST":
                CREATE_SECONDS.observe(time.perf_counter() - started)


def _route_template(scope: Scope) -> str:
    """The matched route's template; a fixed documented path when a middleware answered first."""
    route = scope.get("route")
    if route is not None:
        return str(route.path)
    app, path = scope.get("app"), scope.get("path", "")
    if isinstance(app, FastAPI) and path in app.openapi().get("paths", {}):
        return str(path)
    return "unmatched"


def install(app: FastAPI) -> None:
    """Count the app's requests and serve `GET /metrics`."""
    app.add_middleware(RequestMetrics)
    app.include_router(router)
