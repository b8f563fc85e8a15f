"""A real worker process: JSON logs with workflow_id/task_id/step, /healthz, SDK and step metrics;
the Grafana dashboard queries only metrics that exist."""

from __future__ import annotations

import asyncio
import json
import os
import re
import signal
import subprocess
import sys
import uuid
from pathlib import Path

from prometheus_client import REGISTRY
from temporalio.client import Client

import api.metrics  # noqa: F401  (registers the API metrics the dashboard uses)
import ingest.stream_metrics  # noqa: F401  (and the starter's)
from core.devserver import free_port
from core.models import STEPS, PostcardStatus
from core.settings import Settings
from tests.conftest import REPO
from tests.harness import make_request, start_postcard
from tests.test_ops_support import scrape, value, wait_http


def _spawn(settings: Settings, queue: str, ports: tuple[int, int], log: Path) -> subprocess.Popen:
    env = os.environ | {
        "DATA_DIR": str(settings.data_dir),
        "DATABASE_URL": settings.effective_database_url,
        "TEMPORAL_ADDRESS": settings.temporal_address,
        "TEMPORAL_TASK_QUEUE": queue,
        "TEXT_PROVIDER": "instant",
        "IMAGE_PROVIDER": "instant",
        "CODE_PROVIDER": "instant",
        "LOG_FORMAT": "json",
        "LOG_LEVEL": "INFO",
        "METRICS_HOST": "127.0.0.1",
        "WORKER_METRICS_PORT": str(ports[0]),
        "WORKER_APP_METRICS_PORT": str(ports[1]),
    }
    return subprocess.Popen(
        [sys.executable, "worker.py"],
        cwd=REPO,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=log.open("wb"),
    )


def _json_lines(log: Path) -> list[dict]:
    return [json.loads(line) for line in log.read_text().splitlines() if line.startswith("{")]


async def test_worker_process_logs_json_and_serves_health_and_metrics(
    client: Client, settings: Settings, tmp_path: Path
) -> None:
    queue = f"ops-{uuid.uuid4().hex[:8]}"
    sdk_port, app_port = free_port(), free_port()
    log = tmp_path / "worker.log"
    worker = _spawn(settings, queue, (sdk_port, app_port), log)
    request = make_request("a thank-you card for my team")
    try:
        health = (await wait_http(f"http://127.0.0.1:{app_port}/healthz", 200)).json()
        assert health["running"] and set(health["checks"]) == {"temporal", "database"}
        handle = await start_postcard(client, request, queue)
        result = await asyncio.wait_for(handle.result(), timeout=120)
        assert result.status is PostcardStatus.COMPLETED

        steps = await scrape(f"http://127.0.0.1:{app_port}/metrics")
        for step in STEPS:
            labels = {"step": step, "provider": "instant", "outcome": "ok"}
            assert value(steps, "postcard_step_duration_seconds_count", **labels) >= 1
        sdk = await scrape(f"http://127.0.0.1:{sdk_port}/metrics")
        sdk_names = {name for name, _ in sdk}
        assert "temporal_workflow_completed_total" in sdk_names
        assert "temporal_activity_execution_latency_bucket" in sdk_names
    finally:
        worker.send_signal(signal.SIGTERM)
        worker.wait(timeout=30)
    assert worker.returncode == 0

    lines = _json_lines(log)
    assert lines, "the worker logs JSON lines"
    mine = [line for line in lines if line.get("workflow_id") == request.task_id]
    assert all(line["task_id"] == request.task_id for line in mine)
    completed = {line["step"] for line in mine if line["message"] == "step completed"}
    assert completed == set(STEPS)
    finished = [line for line in mine if line["message"] == "postcard finished"]
    # A success is saved by the last step's own write, a failure by the save_failure local
    # activity.
    assert finished and finished[0]["step"] == "frontend" and finished[0]["status"] == "COMPLETED"
    assert {"ts", "level", "logger"} <= set(finished[0])

    dashboard = (REPO / "ops" / "grafana" / "postcards.json").read_text()
    used = set(re.findall(r"\b(?:postcard|temporal)_[a-z_]+", dashboard))
    assert used, "the dashboard queries the product's metrics"
    assert used <= sdk_names | _app_metric_names(), used - sdk_names - _app_metric_names()


def _app_metric_names() -> set[str]:
    suffixes = {"counter": ("_total",), "histogram": ("_bucket", "_count", "_sum"), "gauge": ("",)}
    return {
        family.name + suffix
        for family in REGISTRY.collect()
        for suffix in suffixes.get(family.type, ())
    }
