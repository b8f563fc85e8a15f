"""`scripts/dev.sh up --detach` from an empty data dir: ready, a postcard completes, a killed
worker comes back, `ps`/`logs` show the parts, `down` stops them all and the data survives."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import psutil
import pytest
import redis

from core.devserver import free_port, port_open, temporal_binary
from devstack.process import is_alive
from tests.conftest import REPO

DEV_SH = REPO / "scripts" / "dev.sh"
COMPONENTS = ("database", "redis", "temporal", "worker", "starter", "api")
SERVICES = ("redis", "temporal", "worker", "starter", "api")
# Variables that would point the stack elsewhere than its own embedded, keyless parts.
FOREIGN_ENV = (
    "DATABASE_URL",
    "REDIS_PASSWORD",
    "PUBLIC_BASE_URL",
    "TEMPORAL_UI_URL",
    "TEMPORAL_NAMESPACE",
    "TEMPORAL_TASK_QUEUE",
    "API_HOST",
    "METRICS_HOST",
    "GEMINI_API_KEY",
    "ANTHROPIC_API_KEY",
    "SIMULATED_DELAYS",
    "SIMULATED_CALL_LOG",
)


def unused_ports(count: int) -> list[int]:
    """Distinct loopback ports nothing listens on."""
    ports: set[int] = set()
    while len(ports) < count:
        ports.add(free_port())
    return sorted(ports)


@dataclass
class Stack:
    """A stack under test: its data dir, its environment and its ports."""

    data_dir: Path
    api_port: int
    temporal_port: int
    ui_port: int
    redis_port: int
    metrics_ports: list[int] = field(default_factory=list)
    env: dict[str, str] = field(default_factory=dict)

    @property
    def api(self) -> str:
        """The API base URL."""
        return f"http://127.0.0.1:{self.api_port}"

    @property
    def redis_url(self) -> str:
        """Where the embedded Redis listens."""
        return f"redis://127.0.0.1:{self.redis_port}/0"

    @property
    def ports(self) -> list[int]:
        """Every port the stack opens."""
        return [
            self.api_port,
            self.temporal_port,
            self.ui_port,
            self.redis_port,
            *self.metrics_ports,
        ]

    def dev(self, *args: str, timeout: float = 300) -> subprocess.CompletedProcess[str]:
        """Run `scripts/dev.sh ARGS` against this stack."""
        return subprocess.run(
            ["bash", str(DEV_SH), *args],
            env=self.env,
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )

    def state(self) -> dict[str, Any]:
        """The state file `up` publishes."""
        return json.loads((self.data_dir / "devstack" / "state.json").read_text())

    def up(self) -> None:
        """`up --detach`, asserting it reports the stack ready."""
        result = self.dev("up", "--detach", "--ready-timeout", "240")
        assert result.returncode == 0, f"{result.stdout}\n{result.stderr}"
        assert "ready" in result.stdout and self.api in result.stdout


def new_stack(root: Path) -> Stack:
    """A stack on unused ports with an empty data dir and SQLite (DATABASE_URL unset)."""
    api_port, temporal_port, ui_port, redis_port, *metrics = unused_ports(7)
    stack = Stack(root / "data", api_port, temporal_port, ui_port, redis_port, metrics)
    env = {key: value for key, value in os.environ.items() if key not in FOREIGN_ENV}
    stack.env = env | {
        "DATA_DIR": str(stack.data_dir),
        "API_PORT": str(api_port),
        "TEMPORAL_ADDRESS": f"127.0.0.1:{temporal_port}",
        "TEMPORAL_UI_PORT": str(ui_port),
        "REDIS_URL": stack.redis_url,
        "STARTER_METRICS_PORT": str(metrics[0]),
        "WORKER_METRICS_PORT": str(metrics[1]),
        "WORKER_APP_METRICS_PORT": str(metrics[2]),
        "TEXT_PROVIDER": "local",
        "IMAGE_PROVIDER": "local",
        "CODE_PROVIDER": "local",
        "COLUMNS": "200",
    }
    return stack


@contextmanager
def detached_stack(root: Path) -> Iterator[Stack]:
    """A stack started with `up --detach`, stopped with `down` afterwards."""
    stack = new_stack(root)
    assert not any(port_open("127.0.0.1", port) for port in stack.ports)
    stack.up()
    try:
        yield stack
    finally:
        stack.dev("down", timeout=180)


def create_postcard(api: str, prompt: str, **fields: str) -> str:
    """POST a postcard; its task id."""
    response = httpx.post(
        f"{api}/api/v1/postcards/create", json={"prompt": prompt, **fields}, timeout=15
    )
    assert response.status_code == 202, response.text
    return str(response.json()["task_id"])


def wait_until_done(api: str, task_id: str, timeout_s: float = 180) -> dict[str, Any]:
    """Poll the status endpoint until COMPLETED or FAILED."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        status = httpx.get(f"{api}/api/v1/postcards/status/{task_id}", timeout=15).json()
        if status["status"] in ("COMPLETED", "FAILED"):
            return dict(status)
        time.sleep(0.5)
    raise AssertionError(f"{task_id} did not finish within {timeout_s} s: {status}")


def _stack_processes(data_dir: Path) -> list[psutil.Process]:
    found = []
    for process in psutil.process_iter(["cmdline", "environ", "status"]):
        info = process.info
        if info["status"] == psutil.STATUS_ZOMBIE:
            continue
        in_argv = any(str(data_dir) in part for part in info["cmdline"] or [])
        in_env = (info["environ"] or {}).get("DATA_DIR") == str(data_dir)
        if in_argv or in_env:
            found.append(process)
    return found


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    """One detached stack for this module."""
    with detached_stack(tmp_path_factory.mktemp("devstack")) as running:
        yield running


@pytest.fixture(scope="module")
def finished_task(stack: Stack) -> dict[str, Any]:
    """A postcard created over HTTP and followed to its end."""
    task_id = create_postcard(stack.api, "a calm thank-you card for my team", theme="thanks")
    return wait_until_done(stack.api, task_id)


def test_up_reaches_ready_with_embedded_parts_under_the_data_dir(stack: Stack) -> None:
    ready = httpx.get(f"{stack.api}/ready", timeout=10)
    assert ready.status_code == 200, ready.text
    state = stack.state()
    assert state["ready"] is True
    assert all(state["components"][name]["managed"] for name in SERVICES)
    assert state["components"]["database"]["address"].endswith("/data/postcards.db")
    assert state["urls"]["temporal_ui"] == f"http://127.0.0.1:{stack.ui_port}"
    assert httpx.get(state["urls"]["temporal_ui"], timeout=10).status_code == 200
    assert (stack.data_dir / "temporal" / "temporal.db").is_file()
    assert (stack.data_dir / "redis" / "appendonly.aof").exists()
    assert (stack.data_dir / "postcards.db").is_file()
    for name in SERVICES:
        assert (stack.data_dir / "logs" / f"{name}.log").is_file()


def test_a_postcard_created_over_http_completes(
    stack: Stack, finished_task: dict[str, Any]
) -> None:
    assert finished_task["status"] == "COMPLETED", finished_task.get("error")
    assert all(step["status"] == "completed" for step in finished_task["steps"].values())
    page = httpx.get(finished_task["data"]["preview_url"], timeout=15)
    assert page.status_code == 200
    assert "<html" in page.text.lower()


def test_ps_lists_every_component_alive(stack: Stack) -> None:
    result = stack.dev("ps", "--json", timeout=60)
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["running"] and report["ready"]
    assert {name: c["alive"] for name, c in report["components"].items()} == dict.fromkeys(
        COMPONENTS, True
    )
    table = stack.dev("ps", timeout=60).stdout
    assert all(name in table for name in ("supervisor", *COMPONENTS))


def test_a_killed_worker_is_restarted_and_works(stack: Stack) -> None:
    before = stack.state()["components"]["worker"]
    os.kill(before["pid"], signal.SIGKILL)
    deadline = time.monotonic() + 60
    after = before
    while time.monotonic() < deadline:
        after = stack.state()["components"]["worker"]
        if after["pid"] != before["pid"] and is_alive(after["pid"], after["create_time"]):
            break
        time.sleep(0.2)
    assert after["pid"] != before["pid"], "the worker was not restarted"
    assert after["restarts"] == before["restarts"] + 1
    task_id = create_postcard(stack.api, "生日快乐，送给妈妈")
    assert wait_until_done(stack.api, task_id)["status"] == "COMPLETED"


def test_logs_prints_each_component_prefixed(stack: Stack) -> None:
    result = stack.dev("logs", "--no-follow", "-n", "3", "worker", "api", timeout=60)
    assert result.returncode == 0, result.stderr
    prefixes = {line.split("|")[0].strip() for line in result.stdout.splitlines() if "|" in line}
    assert prefixes == {"worker", "api"}
    assert stack.dev("logs", "--no-follow", "nosuch", timeout=60).returncode == 1


def _workflow_status(address: str, task_id: str) -> str:
    result = subprocess.run(
        [
            temporal_binary(),
            "workflow",
            "describe",
            "--address",
            address,
            "-w",
            task_id,
            "-o",
            "json",
        ],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return str(json.loads(result.stdout)["workflowExecutionInfo"]["status"])


def test_down_stops_everything_and_the_data_survives_a_restart(
    stack: Stack, finished_task: dict[str, Any]
) -> None:
    redis.Redis.from_url(stack.redis_url).set("devstack-test", "kept")
    state = stack.state()
    pids = [(state["supervisor_pid"], state["supervisor_create_time"])] + [
        (c["pid"], c["create_time"]) for c in state["components"].values() if c["managed"]
    ]
    result = stack.dev("down", timeout=180)
    assert result.returncode == 0, result.stderr
    assert "supervisor" in result.stdout
    assert not [pid for pid, started in pids if is_alive(pid, started)]
    assert not [port for port in stack.ports if port_open("127.0.0.1", port)]
    assert not _stack_processes(stack.data_dir)
    assert stack.dev("ps", timeout=60).returncode == 1

    stack.up()
    task_id = finished_task["task_id"]
    again = httpx.get(f"{stack.api}/api/v1/postcards/status/{task_id}", timeout=15).json()
    assert again["status"] == "COMPLETED"
    assert redis.Redis.from_url(stack.redis_url).get("devstack-test") == b"kept"
    assert _workflow_status(f"127.0.0.1:{stack.temporal_port}", task_id) == (
        "WORKFLOW_EXECUTION_STATUS_COMPLETED"
    )


def test_down_cleans_up_after_a_killed_supervisor(stack: Stack) -> None:
    state = stack.state()
    os.kill(state["supervisor_pid"], signal.SIGKILL)
    time.sleep(1)
    refused = stack.dev("up", "--detach", timeout=120)
    assert refused.returncode == 1
    assert "earlier stack still run" in " ".join(refused.stderr.split())
    assert stack.dev("down", timeout=120).returncode == 0
    children = [(c["pid"], c["create_time"]) for c in state["components"].values() if c["managed"]]
    assert not [pid for pid, started in children if is_alive(pid, started)]
    assert not [port for port in stack.ports if port_open("127.0.0.1", port)]
    assert not _stack_processes(stack.data_dir)
