"""Child processes: spawn with a log file in their own session, check liveness, stop gently."""

from __future__ import annotations

import os
import signal
import subprocess
import time
from collections.abc import Iterable, Mapping
from pathlib import Path

import psutil

from devstack.plan import ROOT, Component


def write_secret_file(path: Path, text: str) -> None:
    """Write `text` readable by this user only (0600 from creation, never wider)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        os.fchmod(handle.fileno(), 0o600)  # an older file may have been created wider
        handle.write(text)


def spawn(component: Component, log_file: Path, env: Mapping[str, str]) -> subprocess.Popen[bytes]:
    """Start a component in its own session (Ctrl-C reaches only the supervisor)."""
    for path, text in component.secret_files.items():
        write_secret_file(path, text)
    log_file.parent.mkdir(parents=True, exist_ok=True)
    with log_file.open("ab") as log:
        return subprocess.Popen(
            component.argv,
            cwd=ROOT,
            env=dict(env),
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )


def create_time(pid: int) -> float | None:
    """When a process started (to tell it from a later process reusing its pid)."""
    try:
        return psutil.Process(pid).create_time()
    except psutil.Error:
        return None


def is_alive(pid: int | None, started: float | None) -> bool:
    """Whether that very process still runs (not a zombie, not a reused pid)."""
    if pid is None:
        return False
    try:
        process = psutil.Process(pid)
        if started is not None and abs(process.create_time() - started) > 0.01:
            return False
        return process.status() != psutil.STATUS_ZOMBIE
    except psutil.Error:
        return False


def _signal_group(pid: int, sig: signal.Signals) -> None:
    try:
        os.killpg(pid, sig)
    except (ProcessLookupError, PermissionError):
        try:
            os.kill(pid, sig)
        except (ProcessLookupError, PermissionError):
            pass


def stop_processes(targets: Iterable[tuple[int, float | None]], grace_s: float) -> list[int]:
    """SIGTERM each process group, wait up to `grace_s`, SIGKILL what is left; the killed pids."""
    alive = [(pid, started) for pid, started in targets if is_alive(pid, started)]
    for pid, _ in alive:
        _signal_group(pid, signal.SIGTERM)
    deadline = time.monotonic() + grace_s
    while alive and time.monotonic() < deadline:
        time.sleep(0.1)
        alive = [(pid, started) for pid, started in alive if is_alive(pid, started)]
    for pid, _ in alive:
        _signal_group(pid, signal.SIGKILL)
    return [pid for pid, _ in alive]


def stop_children(children: Iterable[subprocess.Popen[bytes]], grace_s: float) -> None:
    """Stop our own children and reap them."""
    popens = [child for child in children if child.poll() is None]
    stop_processes(((child.pid, create_time(child.pid)) for child in popens), grace_s)
    for child in popens:
        try:
            child.wait(timeout=5)
        except subprocess.TimeoutExpired:
            child.kill()
            child.wait()
