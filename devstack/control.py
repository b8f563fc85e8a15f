"""Commands that act on a stack from another shell: start detached, stop, inspect."""

from __future__ import annotations

import logging
import os
import subprocess
import sys
import time
from pathlib import Path

from devstack.plan import ROOT
from devstack.process import create_time, is_alive, stop_processes
from devstack.report import component_alive
from devstack.state import StackState, clear_state, load_state, logs_dir

log = logging.getLogger("postcards.devstack")

SUPERVISOR_GRACE_S = 75.0


class DetachError(RuntimeError):
    """The detached stack did not become ready; the message carries the log tail."""


def running_state(data_dir: Path) -> StackState | None:
    """The state of a stack whose supervisor still runs, else None."""
    state = load_state(data_dir)
    if state and is_alive(state.supervisor_pid, state.supervisor_create_time):
        return state
    return None


def leftover_children(data_dir: Path) -> list[str]:
    """Children of a stack whose supervisor died without stopping them (`name pid`)."""
    state = load_state(data_dir)
    if state is None:
        return []
    return [
        f"{record.name} {record.pid}"
        for record in state.components.values()
        if record.managed and is_alive(record.pid, record.create_time)
    ]


def _tail(path: Path, lines: int = 40) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except FileNotFoundError:
        return ""


def start_detached(
    data_dir: Path, ready_timeout_s: float, workers: int = 1, starters: int = 1
) -> StackState:
    """Run `up` in the background and return its state once `/ready` answers 200."""
    log_file = logs_dir(data_dir) / "devstack.log"
    log_file.parent.mkdir(parents=True, exist_ok=True)
    argv = [sys.executable, "-m", "devstack", "up", "--ready-timeout", str(ready_timeout_s)]
    argv += ["--workers", str(workers), "--starters", str(starters)]
    env = dict(os.environ, DATA_DIR=str(data_dir))
    with log_file.open("ab") as out:
        child = subprocess.Popen(
            argv,
            cwd=ROOT,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    deadline = time.monotonic() + ready_timeout_s
    reason = f"was not ready within {ready_timeout_s:.0f} s"
    try:
        while time.monotonic() < deadline:
            code = child.poll()
            if code is not None:
                raise DetachError(f"the stack exited with code {code}:\n{_tail(log_file)}")
            state = load_state(data_dir)
            if state and state.supervisor_pid == child.pid and state.ready:
                return state
            time.sleep(0.5)
    except KeyboardInterrupt:
        reason = "start was interrupted"
    stop_processes([(child.pid, create_time(child.pid))], SUPERVISOR_GRACE_S)
    child.wait(timeout=10)
    raise DetachError(f"the stack {reason} and was stopped:\n{_tail(log_file)}")


def stop_stack(data_dir: Path) -> list[str]:
    """Stop the stack using this data dir; the names of the processes that were stopped."""
    state = load_state(data_dir)
    if state is None:
        return []
    children = [r for r in state.components.values() if r.managed and r.pid]
    stopped = [r.name for r in children if component_alive(r)]
    if is_alive(state.supervisor_pid, state.supervisor_create_time):
        stopped.append("supervisor")
        stop_processes([(state.supervisor_pid, state.supervisor_create_time)], SUPERVISOR_GRACE_S)
    leftovers = [(r.pid, r.create_time) for r in children if r.pid and component_alive(r)]
    if leftovers:
        log.warning("stopping leftover children", extra={"pids": [pid for pid, _ in leftovers]})
        stop_processes(leftovers, 15.0)
    clear_state(data_dir)
    return stopped
