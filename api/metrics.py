"""API metrics: requests by route, method and status, create latency, and `GET /metrics`.

`/metrics` is operator data: with `METRICS_TOKEN` set it needs `Authorization: Bearer <token>`;
with `API_KEYS` on and no token it is refused (403), so turning keys on never leaves it open.
"""

from __future__ import annotations

import secrets
import time
from typing import Annotated

from fastapi import APIRouter, FastAPI, Header, HTTPException, Request, Response, status
from prometheus_client import CONTENT_TYPE_LATEST, REGISTRY, Counter, Histogram, generate_latest
from starlette.types import Scope

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


def check_metrics_access(request: Request, authorization: str | None) -> None:
    """401 without the metrics token when one is set; 403 with API keys on and no token."""
    settings = request.app.state.services.settings
    if settings.metrics_token:
        presented = (authorization or "").removeprefix("Bearer ").strip().encode()
        expected = settings.metrics_token.get_secret_value().encode()
        if not (authorization or "").startswith("Bearer ") or not secrets.compare_digest(
            presented, expected
        ):
            raise HTTPException(
                status.HTTP_401_UNAUTHORIZED,
                "GET /metrics needs Authorization: Bearer <METRICS_TOKEN>",
                headers={"WWW-Authenticate": "Bearer"},
            )
    elif settings.api_key_users:
        raise HTTPException(
            status.HTTP_403_FORBIDDEN,
            "/metrics is off while API_KEYS is on and METRICS_TOKEN is unset (docs/operations.md)",
        )


@router.get("/metrics", response_class=Response)
def metrics(request: Request, authorization: Annotated[str | None, Header()] = None) -> Response:
    """Prometheus metrics of this process (METRICS_TOKEN, docs/operations.md)."""
    check_metrics_access(request, authorization)
    return Response(generate_latest(REGISTRY), media_type=CONTENT_TYPE_LATEST)


def record(scope: Scope, status: int, started: float) -> None:
    """Count a finished HTTP request under its route template (ids never become labels) and,
    for a create, observe its latency since `started` (`time.perf_counter()`).

    Called by the API's one request middleware (`api.limits.RequestGate`), so answers that a
    limit gives before any route runs (413, 429) are counted too."""
    route = _route_template(scope)
    method = scope["method"]
    REQUESTS.labels(route, method, str(status)).inc()
    if method == "POST" and route == CREATE_ROUTE:
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
    """Serve `GET /metrics` (requests are counted by `api.limits.RequestGate`)."""
    app.include_router(router)
