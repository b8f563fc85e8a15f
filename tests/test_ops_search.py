"""Web UI usefulness on a real Temporal server: search by PostcardStep, the prompt in the memo,
and the compose file's search-attribute registration and healthchecks run against a fresh server."""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml
from temporalio.client import Client

from core.devserver import (
    SEARCH_ATTRIBUTES,
    free_port,
    start_dev_server,
    stop_dev_server,
    temporal_binary,
)
from core.models import PostcardResult, PostcardStatus
from core.settings import Settings
from runs.launch import start_postcard_workflow
from tests.conftest import REPO
from tests.harness import make_request, running_worker
from tests.test_ops_support import wait_http


def _cli(address: str, *args: str) -> subprocess.CompletedProcess[str]:
    argv = [temporal_binary(), *args, "--address", address]
    return subprocess.run(argv, capture_output=True, text=True, timeout=60)


async def _list(address: str, query: str) -> list[dict]:
    done = await asyncio.to_thread(_cli, address, "workflow", "list", "-q", query, "-o", "json")
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout or "[]")


async def _until_listed(address: str, query: str, timeout_s: float = 60) -> dict:
    deadline = asyncio.get_running_loop().time() + timeout_s
    while asyncio.get_running_loop().time() < deadline:
        found = await _list(address, query)
        if found:
            return found[0]
        await asyncio.sleep(0.3)
    raise AssertionError(f"no workflow matched {query!r} within {timeout_s:.0f} s")


async def test_web_ui_search_finds_a_postcard_in_its_image_step(
    client: Client, settings: Settings, temporal_address: str
) -> None:
    sleepy = settings.model_copy(
        update={
            "text_provider": "instant",
            "image_provider": "sleepy",
            "code_provider": "instant",
            "simulated_delays": "image=5",
        }
    )
    request = make_request("a birthday card for Anna with balloons")
    async with running_worker(client, sleepy) as (_, queue):
        launch = sleepy.model_copy(update={"temporal_task_queue": queue})
        assert await start_postcard_workflow(client, request, launch)
        mine = f"WorkflowId='{request.task_id}'"
        row = await _until_listed(temporal_address, f"PostcardStep='image' AND {mine}")
        assert row["status"] == "WORKFLOW_EXECUTION_STATUS_RUNNING"
        assert row["memo"]["fields"]["prompt"] == request.user_input
        facets = f"PostcardProvider='instant' AND PostcardOccasion='greeting' AND {mine}"
        assert await _list(temporal_address, facets), "provider and occasion are searchable too"
        handle = client.get_workflow_handle(request.task_id, result_type=PostcardResult)
        result = await handle.result()
    assert result.status is PostcardStatus.COMPLETED
    await _until_listed(temporal_address, f"PostcardStep='completed' AND {mine}")
    assert await _list(temporal_address, f"PostcardStep='image' AND {mine}") == []


@pytest.fixture
def bare_server(tmp_path: Path) -> Iterator[tuple[str, int]]:
    """A dev server without the custom search attributes, with its Web UI: (address, ui port)."""
    ui_ports: list[int] = []

    def argv_for(port: int) -> list[str]:
        ui_ports.append(free_port())
        argv = [temporal_binary(), "server", "start-dev", "--ip", "127.0.0.1", "--port", str(port)]
        return [*argv, "--ui-port", str(ui_ports[-1]), "--log-level", "error"]

    process, port = start_dev_server(argv_for, tmp_path / "server.log")
    try:
        yield f"127.0.0.1:{port}", ui_ports[-1]
    finally:
        stop_dev_server(process, timeout_s=30)


def _compose() -> dict:
    return yaml.safe_load((REPO / "docker-compose.yml").read_text())


def _shell(script: str, address: str) -> subprocess.CompletedProcess[str]:
    env = os.environ | {
        "TEMPORAL_ADDRESS": address,
        "TEMPORAL_NAMESPACE": "default",
        "PATH": f"{Path(temporal_binary()).parent}{os.pathsep}{os.environ['PATH']}",
    }
    script = script.replace("$$", "$")  # compose's escape for a literal $
    return subprocess.run(
        ["sh", "-c", script], env=env, capture_output=True, text=True, timeout=120
    )


async def test_compose_registration_and_healthchecks_work_on_a_fresh_server(
    bare_server: tuple[str, int],
) -> None:
    address, ui_port = bare_server
    services = _compose()["services"]
    tools = services["temporal-admin-tools"]
    assert tools["entrypoint"] == ["/bin/sh", "-c"]
    for _ in range(2):  # a restarted one-shot must succeed again
        done = await asyncio.to_thread(_shell, tools["command"][0], address)
        assert done.returncode == 0, done.stderr
    listed = await asyncio.to_thread(_cli, address, "operator", "search-attribute", "list")
    for name, kind in SEARCH_ATTRIBUTES.items():
        assert any(line.split()[:2] == [name, kind] for line in listed.stdout.splitlines()), name

    check = tools["healthcheck"]["test"]
    assert check[0] == "CMD-SHELL"
    assert (await asyncio.to_thread(_shell, check[1], address)).returncode == 0
    temporal_check = [
        address if arg == "temporal:7233" else arg
        for arg in services["temporal"]["healthcheck"]["test"][1:]
    ]
    assert (await asyncio.to_thread(_shell, " ".join(temporal_check), address)).returncode == 0
    ui_check = services["temporal-ui"]["healthcheck"]["test"][1]
    assert "/healthz" in ui_check
    await wait_http(f"http://127.0.0.1:{ui_port}/healthz", 200)
