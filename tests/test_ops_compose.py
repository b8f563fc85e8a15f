"""docker-compose.yml and the Dockerfile: valid for Debian's docker-compose, wired to real settings.

The stack is validated here, not run: the build machines have no Docker engine.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from functools import cache

import yaml

from core.settings import Settings
from tests.conftest import REPO

APPS = ("api", "worker", "starter")
CONDITIONS = {"service_started", "service_healthy", "service_completed_successfully"}


@cache
def resolved() -> dict:
    """The file as docker-compose resolves it (anchors merged, variables interpolated)."""
    binary = shutil.which("docker-compose")
    assert binary, "docker-compose is missing: apt-get install -y docker-compose"
    env = {k: v for k, v in os.environ.items() if not k.startswith("COMPOSE_")}
    done = subprocess.run(
        [binary, "-f", "docker-compose.yml", "config"],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    return yaml.safe_load(done.stdout)


def test_compose_config_is_valid() -> None:
    binary = shutil.which("docker-compose")
    assert binary, "docker-compose is missing: apt-get install -y docker-compose"
    done = subprocess.run(
        [binary, "-f", "docker-compose.yml", "config", "-q"],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr


def test_app_environment_names_are_settings_fields() -> None:
    services = resolved()["services"]
    for name in APPS:
        environment = services[name]["environment"]
        unknown = [key for key in environment if key.lower() not in Settings.model_fields]
        assert not unknown, f"{name} sets variables Settings does not read: {unknown}"
        assert all(key == key.upper() for key in environment)


def test_every_service_has_a_healthcheck_and_conditional_dependencies() -> None:
    services = resolved()["services"]
    expected = {"postgres", "redis", "temporal", "temporal-ui", "temporal-admin-tools", *APPS}
    assert expected <= set(services)
    for name, service in services.items():
        assert service.get("healthcheck", {}).get("test"), f"{name} has no healthcheck"
        for needed, how in service.get("depends_on", {}).items():
            assert how["condition"] in CONDITIONS, (name, needed)
    for name in APPS:
        needs = services[name]["depends_on"]
        assert needs["temporal-admin-tools"]["condition"] == "service_completed_successfully"
        assert needs["temporal"]["condition"] == "service_healthy"
    assert "image" in services["temporal"] and "auto-setup" in services["temporal"]["image"]
    assert services["temporal"]["environment"]["DB"].startswith("postgres")
    assert "temporalio/ui" in services["temporal-ui"]["image"]


def test_workers_scale_and_redis_persists() -> None:
    services = resolved()["services"]
    worker = services["worker"]
    assert "container_name" not in worker and "ports" not in worker, "--scale worker=N must work"
    redis = services["redis"]
    command = " ".join(redis["command"])
    assert "--appendonly yes" in command
    assert "redis-data:/data:rw" in redis["volumes"]
    assert "redis-cli ping" in " ".join(redis["healthcheck"]["test"])


def test_app_healthchecks_probe_the_ports_the_services_listen_on() -> None:
    services = resolved()["services"]
    probes = {
        "api": ("API_PORT", "/ready"),
        "worker": ("WORKER_APP_METRICS_PORT", "/healthz"),
        "starter": ("STARTER_METRICS_PORT", "/healthz"),
    }
    for name, (variable, path) in probes.items():
        service = services[name]
        port = service["environment"][variable]
        assert f"127.0.0.1:{port}{path}" in " ".join(service["healthcheck"]["test"]), name
        assert service["environment"]["METRICS_HOST"] == "0.0.0.0"
        assert service["build"]["context"] == str(REPO)


def test_dockerfile_builds_one_non_root_image() -> None:
    dockerfile = (REPO / "Dockerfile").read_text()
    assert re.search(r"^FROM python:3\.11-slim$", dockerfile, re.M)
    assert "pip install ." in dockerfile
    users = re.findall(r"^USER (\S+)$", dockerfile, re.M)
    assert users and users[-1] not in ("root", "0")
    ignored = (REPO / ".dockerignore").read_text().split()
    assert {".git", ".venv", ".data", ".env"} <= set(ignored)
