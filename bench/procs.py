"""One supervised child process: start it with its env and log file, wait for it, stop, kill or
pause it, and start it again in place. The benchmarks (bench/infra.py) and the crash matrix
(bench/crash_stack.py) both run their processes through it."""

from __future__ import annotations

import os
import signal
import subprocess
import time
from pathlib import Path

from core.devserver import port_open, wait_for_port

ROOT = Path(__file__).resolve().parent.parent


class Process:
    """A child process in its own session, whose output goes to `<logs>/<name>.log`.

    `env` is laid over this process's environment, or with `inherit_env=False` is the whole
    environment. `port` and `ready_line` are what `start` waits for: the port to listen, the
    line to appear in the log after this start.
    """

    def __init__(
        self,
        name: str,
        argv: list[str],
        logs: Path,
        env: dict[str, str] | None = None,
        port: int | None = None,
        ready_line: str | None = None,
        *,
        inherit_env: bool = True,
    ) -> None:
        self.name = name
        self.argv = argv
        self.env = env or {}
        self.inherit_env = inherit_env
        self.port = port
        self.ready_line = ready_line
        self.log = logs / f"{name}.log"
        self.popen: subprocess.Popen[bytes] | None = None
        self.kills = 0

    def start(self, timeout_s: float = 90.0) -> None:
        """Spawn in its own session; wait for its port and its ready line."""
        if self.port is not None and port_open("127.0.0.1", self.port):
            raise RuntimeError(f"{self.name}: port {self.port} is still taken")
        offset = self.log.stat().st_size if self.log.exists() else 0
        with self.log.open("ab") as log:
            self.popen = subprocess.Popen(
                self.argv,
                cwd=ROOT,
                env={**os.environ, **self.env} if self.inherit_env else self.env,
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
        if not self.alive:
            raise RuntimeError(f"{self.name} exited at start:\n{self.tail()}")

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
        """SIGKILL the whole process group, as a power cut would, reap it, wait for its port."""
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
        """SIGTERM the process group, then SIGKILL after a bounded wait."""
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

    def cpu_seconds(self) -> float:
        """User + system CPU time it has used so far (Linux /proc), its children included."""
        if self.popen is None:
            return 0.0
        try:
            fields = Path(f"/proc/{self.popen.pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            return 0.0
        ticks = sum(int(x) for x in fields[11:15])  # utime, stime, cutime, cstime
        return ticks / os.sysconf("SC_CLK_TCK")

    def tail(self, lines: int = 20) -> str:
        """The end of its log, for error messages."""
        try:
            return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return ""
