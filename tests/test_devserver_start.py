"""Starting a dev server survives a port taken between picking it and binding it."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from core.devserver import start_dev_server, stop_dev_server

LISTEN = (
    "import socket, sys, time; s = socket.socket(); s.bind(('127.0.0.1', int(sys.argv[1])));"
    " s.listen(); time.sleep(60)"
)
EXIT = "import sys; print('bind: address already in use', sys.argv[1]); sys.exit(1)"


def test_a_start_that_exits_at_once_is_retried_on_a_new_port(tmp_path: Path) -> None:
    tried: list[int] = []

    def argv_for(port: int) -> list[str]:
        tried.append(port)
        return [sys.executable, "-c", EXIT if len(tried) == 1 else LISTEN, str(port)]

    process, port = start_dev_server(argv_for, tmp_path / "server.log", timeout_s=20)
    try:
        assert len(tried) == 2
        assert port == tried[1]
        assert process.poll() is None
    finally:
        stop_dev_server(process)
    assert "already in use" in (tmp_path / "server.log").read_text()


def test_a_server_that_never_starts_fails_with_its_log(tmp_path: Path) -> None:
    with pytest.raises(RuntimeError, match=r"(?s)exited 1.*exited 1.*already in use"):
        start_dev_server(
            lambda port: [sys.executable, "-c", EXIT, str(port)], tmp_path / "server.log"
        )


def test_a_server_that_hangs_is_stopped_and_reported(tmp_path: Path) -> None:
    hang = "import time; print('still starting', flush=True); time.sleep(60)"
    with pytest.raises(TimeoutError, match="still starting"):
        start_dev_server(
            lambda port: [sys.executable, "-c", hang], tmp_path / "server.log", timeout_s=2
        )
