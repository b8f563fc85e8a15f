"""`create --wait`: one progress bar per step, refreshed by polling the status endpoint."""

from __future__ import annotations

import time
from typing import Any

from rich.console import Console
from rich.progress import BarColumn, Progress, TaskID, TextColumn, TimeElapsedColumn

from cli.client import TERMINAL, ApiError, PostcardClient
from cli.render import step_duration, styled
from core.models import STEPS

MAX_POLL_FAILURES = 10


class WaitTimeout(RuntimeError):
    """The postcard did not finish within the time the caller was willing to wait."""


def _detail(step: dict[str, Any]) -> str:
    status = step.get("status", "pending")
    parts = [styled(status)]
    if step.get("attempts", 0) > 1 or (status == "running" and step.get("attempts")):
        parts.append(f"attempt {step['attempts']}")
    if step.get("provider"):
        parts.append(step["provider"])
    if step_duration(step):
        parts.append(step_duration(step))
    if step.get("error"):
        parts.append(f"[red]{step['error']}[/]")
    return " · ".join(parts)


def _update(progress: Progress, task: TaskID, step: dict[str, Any]) -> None:
    status = step.get("status", "pending")
    progress.update(task, detail=_detail(step))
    if status == "running":
        progress.start_task(task)
        progress.update(task, total=None)
    elif status in ("completed", "failed", "skipped", "kept"):
        progress.update(task, total=1, completed=1)
        progress.stop_task(task)


def wait_for(
    client: PostcardClient,
    task_id: str,
    console: Console,
    interval_s: float = 0.75,
    timeout_s: float = 300.0,
    revision: int | None = None,
) -> dict[str, Any]:
    """Poll until the postcard (or one revision of it) is COMPLETED or FAILED, drawing each
    step's bar; the last status."""
    columns = (
        TextColumn("{task.fields[step]:<9}"),
        BarColumn(bar_width=28),
        TimeElapsedColumn(),
        TextColumn("{task.fields[detail]}"),
    )
    deadline = time.monotonic() + timeout_s
    failures = 0
    with Progress(*columns, console=console) as progress:
        tasks = {
            step: progress.add_task(step, total=1, start=False, step=step, detail=styled("pending"))
            for step in STEPS
        }
        while True:
            try:
                status = client.status(task_id)
                failures = 0
            except ApiError:
                failures += 1
                if failures >= MAX_POLL_FAILURES:
                    raise
                time.sleep(interval_s)
                continue
            state, steps = _followed(status, revision)
            for step, task in tasks.items():
                _update(progress, task, steps.get(step, {}))
            if state in TERMINAL:
                return status
            if time.monotonic() > deadline:
                raise WaitTimeout(
                    f"postcard {task_id} is still {state} after {timeout_s:.0f} s; "
                    f"follow it with `postcards status {task_id}`"
                )
            time.sleep(interval_s)


def _followed(status: dict[str, Any], revision: int | None) -> tuple[str, dict[str, Any]]:
    """The status and steps being followed: the postcard's, or one revision's."""
    if revision is None:
        return status.get("status", "PENDING"), status.get("steps", {})
    for entry in status.get("revisions", []):
        if entry.get("revision") == revision:
            return entry.get("status", "PENDING"), entry.get("steps") or {}
    return "PENDING", {}


def revision_entry(status: dict[str, Any], revision: int) -> dict[str, Any]:
    """One revision's line of a status body (empty when it is not there)."""
    found = [e for e in status.get("revisions", []) if e.get("revision") == revision]
    return found[0] if found else {}
