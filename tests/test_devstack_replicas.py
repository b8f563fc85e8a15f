"""`scripts/dev.sh up --workers N --starters M`: several workers and starters, each on its ports."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from core.devserver import free_port
from core.settings import Settings
from devstack.__main__ import app
from devstack.plan import PORT_STRIDE, PlanError, build_plan


def _settings(tmp_path: Path, **extra: object) -> Settings:
    fields: dict[str, object] = {
        "_env_file": None,
        "data_dir": tmp_path,
        "api_port": free_port(),
        "starter_metrics_port": free_port(),
        "worker_metrics_port": free_port(),
        "worker_app_metrics_port": free_port(),
        # Point at a Temporal and Redis that "run elsewhere" so the plan starts neither.
        "temporal_address": "temporal.example:7233",
        "redis_url": "redis://redis.example:6379/0",
    }
    return Settings(**(fields | extra))  # type: ignore[arg-type]


def test_workers_and_starters_are_numbered_and_get_their_own_ports(tmp_path: Path) -> None:
    settings = _settings(tmp_path)
    plan = build_plan(settings, workers=3, starters=2)

    names = [c.name for c in plan.services]
    assert names == ["worker", "worker-2", "worker-3", "starter", "starter-2", "api"]
    by_name = {c.name: c for c in plan.services}
    assert by_name["worker"].env == {} and by_name["starter"].env == {}
    assert by_name["worker-3"].env == {
        "WORKER_METRICS_PORT": str(settings.worker_metrics_port + 2 * PORT_STRIDE),
        "WORKER_APP_METRICS_PORT": str(settings.worker_app_metrics_port + 2 * PORT_STRIDE),
    }
    assert by_name["worker-3"].port == settings.worker_app_metrics_port + 2 * PORT_STRIDE
    assert by_name["starter-2"].env == {
        "STARTER_METRICS_PORT": str(settings.starter_metrics_port + PORT_STRIDE)
    }
    assert by_name["worker-2"].argv[-1] == "worker.py"
    assert by_name["starter-2"].argv[-1] == "starter.py"


def test_a_metrics_port_turned_off_stays_off_for_every_copy(tmp_path: Path) -> None:
    plan = build_plan(_settings(tmp_path, worker_metrics_port=0), workers=2)

    assert {c.name: c.env for c in plan.services}["worker-2"]["WORKER_METRICS_PORT"] == "0"


@pytest.fixture
def taken_port() -> Iterator[int]:
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen()
        yield listener.getsockname()[1]


def test_a_copy_whose_port_is_taken_stops_the_plan_naming_it(
    tmp_path: Path, taken_port: int
) -> None:
    settings = _settings(tmp_path, worker_metrics_port=taken_port - PORT_STRIDE)

    with pytest.raises(PlanError, match=rf"WORKER_METRICS_PORT \(copy 2\)={taken_port}"):
        build_plan(settings, workers=2)
    build_plan(settings, workers=1)  # one worker does not use that port


def test_up_refuses_zero_workers() -> None:
    result = CliRunner().invoke(app, ["up", "--workers", "0"])

    assert result.exit_code != 0 and "--workers" in result.output
