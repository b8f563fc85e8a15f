"""Helpers for the ops tests (scrape, wait for an endpoint) and tests of the small ops pieces."""

from __future__ import annotations

import asyncio
import io
import json
import logging
from collections.abc import Iterator

import httpx
import pytest
from prometheus_client import REGISTRY
from prometheus_client.parser import text_string_to_metric_families

from activities.metrics import measured
from core.errors import ProviderError
from core.logs import configure_logging
from ops.health import Liveness
from providers.base import Usage

Samples = dict[tuple[str, frozenset[tuple[str, str]]], float]


def parse(text: str) -> Samples:
    """Prometheus exposition text as {(sample name, labels): value}."""
    return {
        (sample.name, frozenset(sample.labels.items())): sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
    }


def value(samples: Samples, name: str, **labels: str) -> float:
    """One sample's value, 0 when it is absent."""
    return samples.get((name, frozenset(labels.items())), 0.0)


async def scrape(url: str) -> Samples:
    """GET a /metrics endpoint and parse it."""
    async with httpx.AsyncClient(timeout=5) as http:
        response = await http.get(url)
    response.raise_for_status()
    return parse(response.text)


async def wait_http(url: str, status: int, timeout_s: float = 120) -> httpx.Response:
    """Poll a URL until it answers with `status`."""
    deadline = asyncio.get_running_loop().time() + timeout_s
    last: object = None
    async with httpx.AsyncClient(timeout=3) as http:
        while asyncio.get_running_loop().time() < deadline:
            try:
                response = await http.get(url)
                if response.status_code == status:
                    return response
                last = f"{response.status_code} {response.text[:300]}"
            except httpx.HTTPError as exc:
                last = exc
            await asyncio.sleep(0.2)
    raise AssertionError(f"{url} never answered {status}; last: {last}")


@pytest.fixture
def restore_logging() -> Iterator[None]:
    """Put the root logger back the way pytest had it."""
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    yield
    root.handlers[:] = handlers
    root.setLevel(level)


def test_log_level_and_json_lines(restore_logging: None) -> None:
    stream = io.StringIO()
    configure_logging("WARNING", "json", stream=stream)
    log = logging.getLogger("postcards.test")
    log.info("not shown")
    log.warning("shown", extra={"task_id": "t-1"})
    logging.getLogger("uvicorn.error").warning("server line")
    lines = [json.loads(line) for line in stream.getvalue().splitlines()]
    assert [line["message"] for line in lines] == ["shown", "server line"]
    assert lines[0]["level"] == "WARNING" and lines[0]["task_id"] == "t-1"


def test_workflow_logger_extra_becomes_workflow_id(restore_logging: None) -> None:
    stream = io.StringIO()
    configure_logging("INFO", "json", stream=stream)
    logging.getLogger("temporalio.workflow").info(
        "step",
        extra={"temporal_workflow": {"workflow_id": "task-9", "run_id": "r"}, "step": "image"},
    )
    line = json.loads(stream.getvalue())
    assert (line["workflow_id"], line["task_id"], line["step"]) == ("task-9", "task-9", "image")


def test_liveness_needs_running_loop_and_fresh_dependencies() -> None:
    liveness = Liveness(("redis", "temporal"), max_age_s=60)
    liveness.answered("redis")
    liveness.answered("temporal")
    assert not liveness.report()["ok"], "not running yet"
    liveness.running = True
    assert liveness.report()["ok"]
    liveness.max_age_s = -1
    report = liveness.report()
    assert not report["ok"] and not report["checks"]["redis"]["ok"]


def _sample(name: str, **labels: str) -> float:
    return REGISTRY.get_sample_value(name, labels) or 0.0


async def test_measured_counts_tokens_cost_and_error_types() -> None:
    tokens = {"step": "concept", "provider": "gemini", "direction": "output"}
    cost = {"step": "concept", "provider": "gemini"}
    before = _sample("postcard_tokens_total", **tokens), _sample("postcard_cost_usd_total", **cost)

    async def answer() -> tuple[str, Usage]:
        return "ok", Usage(provider="gemini", input_tokens=10, output_tokens=30, cost_usd=0.002)

    assert (await measured("concept", "fallback", answer()))[0] == "ok"
    assert _sample("postcard_tokens_total", **tokens) - before[0] == 30
    assert _sample("postcard_cost_usd_total", **cost) - before[1] == pytest.approx(0.002)

    async def fail() -> tuple[str, Usage]:
        raise ProviderError("slow down", type="RateLimited")

    errors = {"step": "concept", "provider": "gemini", "type": "RateLimited"}
    before_errors = _sample("postcard_provider_errors_total", **errors)
    with pytest.raises(ProviderError):
        await measured("concept", "gemini", fail())
    assert _sample("postcard_provider_errors_total", **errors) - before_errors == 1
