"""The foreground supervisor behind `up`: start in order, restart what crashes, stop cleanly."""

from __future__ import annotations

import fcntl
import logging
import os
import signal
import subprocess
import time
from collections.abc import Callable
from datetime import UTC, datetime
from functools import partial
from pathlib import Path
from types import FrameType
from typing import IO

from core.migrate import migrate
from core.settings import Settings
from devstack.plan import Component, Plan
from devstack.probes import api_ready, listening, temporal_answers
from devstack.process import create_time, spawn, stop_children
from devstack.state import (
    ComponentRecord,
    StackState,
    clear_state,
    logs_dir,
    save_state,
    stack_dir,
)

log = logging.getLogger("postcards.devstack")

STABLE_AFTER_S = 30.0
MAX_BACKOFF_S = 30.0
SERVICE_GRACE_S = 30.0
INFRA_GRACE_S = 15.0
INFRA_START_TIMEOUT_S = 120.0


class StartupError(RuntimeError):
    """A part of the stack did not come up."""


class StackLocked(RuntimeError):
    """Another `up` already runs from this data dir."""


class Child:
    """One supervised process and its restart bookkeeping."""

    def __init__(self, component: Component, log_file: Path, env: dict[str, str]) -> None:
        self.component = component
        self.log_file = log_file
        self.env = env
        self.popen: subprocess.Popen[bytes] | None = None
        self.started_at = 0.0
        self.created: float | None = None
        self.restarts = 0
        self.failures_in_row = 0
        self.restart_at: float | None = None

    def start(self) -> None:
        """Spawn (or respawn) the process."""
        try:
            self.popen = spawn(self.component, self.log_file, self.env)
        except OSError as exc:
            raise StartupError(f"cannot start {self.component.name}: {exc}") from exc
        self.started_at = time.monotonic()
        self.created = create_time(self.popen.pid)
        self.restart_at = None
        log.info(
            "component started",
            extra={
                "component": self.component.name,
                "pid": self.popen.pid,
                "log": str(self.log_file),
            },
        )

    def exit_code(self) -> int | None:
        """The exit code once it has ended, else None."""
        return self.popen.poll() if self.popen else None

    def schedule_restart(self, code: int) -> None:
        """Plan a restart with exponential backoff; a long healthy run resets the backoff.

        What the dead process left in its process group (a worker's render pool) is killed
        first: a SIGKILLed parent cannot stop its own children."""
        if self.popen is not None:
            try:
                os.killpg(self.popen.pid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                pass
        now = time.monotonic()
        if now - self.started_at > STABLE_AFTER_S:
            self.failures_in_row = 0
        self.failures_in_row += 1
        delay = min(MAX_BACKOFF_S, 0.5 * 2 ** (self.failures_in_row - 1))
        self.restart_at = now + delay
        log.warning(
            "component exited; restarting",
            extra={"component": self.component.name, "exit_code": code, "restart_in_s": delay},
        )

    def record(self) -> ComponentRecord:
        """How the state file shows it."""
        return ComponentRecord(
            name=self.component.name,
            managed=True,
            address=self.component.address,
            pid=self.popen.pid if self.popen else None,
            create_time=self.created,
            log=str(self.log_file),
            restarts=self.restarts,
        )


def acquire_lock(data_dir: Path) -> IO[str]:
    """Hold the data dir's lock for as long as this supervisor lives."""
    folder = stack_dir(data_dir)
    folder.mkdir(parents=True, exist_ok=True)
    handle = (folder / "lock").open("w")
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError as exc:
        handle.close()
        raise StackLocked(f"a stack already runs from {data_dir}; stop it with `down`") from exc
    return handle


class Supervisor:
    """Runs one stack in the foreground until SIGINT/SIGTERM/SIGHUP."""

    def __init__(
        self,
        settings: Settings,
        plan: Plan,
        ready_timeout_s: float,
        on_ready: Callable[[dict[str, str]], None],
    ) -> None:
        self.settings = settings
        self.plan = plan
        self.ready_timeout_s = ready_timeout_s
        self.on_ready = on_ready
        self.stopping = False
        env = dict(os.environ, DATA_DIR=str(plan.data_dir), PYTHONUNBUFFERED="1")
        folder = logs_dir(plan.data_dir)
        self.infra = [Child(c, folder / f"{c.name}.log", env) for c in plan.infra]
        self.services = [Child(c, folder / f"{c.name}.log", env | c.env) for c in plan.services]
        me = os.getpid()
        self.state = StackState(
            supervisor_pid=me,
            supervisor_create_time=create_time(me) or 0.0,
            data_dir=str(plan.data_dir),
            started_at=datetime.now(UTC),
            urls=plan.urls,
            components={
                name: ComponentRecord(name=name, managed=False, address=address)
                for name, address in plan.external.items()
            },
        )

    def _request_stop(self, signum: int, _frame: FrameType | None) -> None:
        if not self.stopping:
            log.info("stop requested", extra={"signal": signal.Signals(signum).name})
        self.stopping = True

    def _publish(self) -> None:
        for child in self.infra + self.services:
            if child.popen is not None:
                self.state.components[child.component.name] = child.record()
        save_state(self.plan.data_dir, self.state)

    def _await(self, what: str, check: Callable[[], bool], children: list[Child]) -> None:
        deadline = time.monotonic() + INFRA_START_TIMEOUT_S
        while not self.stopping and not check():
            for child in children:
                code = child.exit_code()
                if code is not None:
                    raise StartupError(
                        f"{child.component.name} exited with code {code} while starting; "
                        f"see {child.log_file}"
                    )
            if time.monotonic() > deadline:
                raise StartupError(f"{what} did not come up within {INFRA_START_TIMEOUT_S:.0f} s")
            time.sleep(0.2)

    def _migrate(self) -> None:
        log.info("migrating", extra={"database": self.plan.external["database"]})
        try:
            migrate(self.settings.effective_database_url)
        except Exception as exc:
            raise StartupError(f"database migration failed: {exc}") from exc

    def _start_infra(self) -> None:
        (self.plan.data_dir / "temporal").mkdir(parents=True, exist_ok=True)
        (self.plan.data_dir / "redis").mkdir(parents=True, exist_ok=True)
        for child in self.infra:
            child.start()
        self._publish()
        for child in self.infra:
            c = child.component
            self._await(f"{c.name} on {c.address}", partial(listening, c.host, c.port), [child])
        if any(child.component.name == "temporal" for child in self.infra):
            address, namespace = self.settings.temporal_address, self.settings.temporal_namespace
            self._await("Temporal", partial(temporal_answers, address, namespace), self.infra)

    def _watch(self) -> None:
        changed = False
        for child in self.infra + self.services:
            code = child.exit_code()
            if child.restart_at is None and code is not None:
                child.schedule_restart(code)
            elif child.restart_at is not None and time.monotonic() >= child.restart_at:
                child.restarts += 1
                changed = True
                try:
                    child.start()
                except StartupError as exc:
                    log.error("restart failed", extra={"reason": str(exc)})
                    child.schedule_restart(-1)
        if changed:
            self._publish()

    def _supervise(self) -> None:
        deadline = time.monotonic() + self.ready_timeout_s
        next_probe, last_answer, warned = 0.0, "", False
        while not self.stopping:
            self._watch()
            now = time.monotonic()
            if not self.state.ready and now >= next_probe:
                next_probe = now + 1.0
                ok, last_answer = api_ready(self.plan.urls["app"])
                if ok:
                    self.state.ready = True
                    self._publish()
                    log.info("stack ready", extra={"urls": self.plan.urls})
                    self.on_ready(self.plan.urls)
                elif now > deadline and not warned:
                    warned = True
                    log.warning("stack not ready yet", extra={"last_answer": last_answer})
            time.sleep(0.25)

    def run(self) -> int:
        """Start everything, supervise until told to stop, then stop everything; the exit code."""
        for sig in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
            signal.signal(sig, self._request_stop)
        save_state(self.plan.data_dir, self.state)
        try:
            self._migrate()
            self._start_infra()
            if not self.stopping:
                for child in self.services:
                    child.start()
                self._publish()
                self._supervise()
            return 0
        except StartupError as exc:
            log.error("stack failed to start", extra={"reason": str(exc)})
            return 1
        finally:
            self.shutdown()

    def shutdown(self) -> None:
        """Stop the product processes first, then the infrastructure; forget the state."""
        log.info("stopping stack")
        stop_children([c.popen for c in self.services if c.popen], SERVICE_GRACE_S)
        stop_children([c.popen for c in self.infra if c.popen], INFRA_GRACE_S)
        clear_state(self.plan.data_dir)
        log.info("stack stopped")
