"""The API's /metrics over real HTTP: requests by route template, method, status; create latency."""

from __future__ import annotations

from pathlib import Path

import httpx

from core.devserver import free_port
from core.settings import Settings
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
