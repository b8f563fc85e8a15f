"""How the CLI shows postcards: tables for status and lists, file paths of a finished card."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

from rich.console import Console, Group
from rich.markup import escape
from rich.table import Table

from core.models import STEPS

STATUS_STYLE = {
    "PENDING": "yellow",
    "PROCESSING": "cyan",
    "COMPLETED": "green",
    "FAILED": "red",
    "pending": "dim",
    "running": "cyan",
    "completed": "green",
    "failed": "red",
    "skipped": "dim",
}


def styled(status: str | None) -> str:
    """A status word in its colour."""
    text = status or "-"
    return f"[{STATUS_STYLE.get(text, 'white')}]{text}[/]"


def _time(value: str | None, fmt: str = "%Y-%m-%d %H:%M:%S") -> str:
    if not value:
        return ""
    return datetime.fromisoformat(value).astimezone().strftime(fmt)


def _pairs() -> Table:
    grid = Table.grid(padding=(0, 2))
    grid.add_column(no_wrap=True)
    grid.add_column(overflow="fold")
    return grid


def step_duration(step: dict[str, Any]) -> str:
    """How long a finished step took, e.g. `1.4 s`."""
    started, finished = step.get("started_at"), step.get("finished_at")
    if not started or not finished:
        return ""
    seconds = (datetime.fromisoformat(finished) - datetime.fromisoformat(started)).total_seconds()
    return f"{seconds:.1f} s"


def local_files(blob_dir: Path, task_id: str) -> list[Path]:
    """The image and page of a postcard in the local blob store, those that exist."""
    images = [blob_dir / "images" / f"{task_id}.{ext}" for ext in ("jpg", "png", "webp")]
    candidates = [*images, blob_dir / "pages" / f"{task_id}.html"]
    return [path for path in candidates if path.is_file()]


def _percent(step: dict[str, Any]) -> str:
    """` 40%` while a step that reports progress runs."""
    pct = step.get("progress_pct")
    return f" {pct}%" if step.get("status") == "running" and pct is not None else ""


def _instead_of(step: dict[str, Any]) -> str:
    """Who a fallback stood in for, and why."""
    if not step.get("fallback_from"):
        return ""
    reason = escape(step.get("fallback_reason") or "?")
    return f" (instead of {escape(step['fallback_from'])}: {reason})"


def status_view(status: dict[str, Any]) -> Group:
    """The overview, one row per step, then the result or the error."""
    summary = _pairs()
    summary.add_row("task", status["task_id"])
    summary.add_row("status", styled(status.get("status")))
    summary.add_row("current step", status.get("current_step") or "-")
    summary.add_row("created", _time(status.get("created_at")))
    if status.get("completed_at"):
        summary.add_row("completed", _time(status["completed_at"]))
    if status.get("temporal_url"):
        summary.add_row("temporal", status["temporal_url"])
    steps = Table(title="steps", title_justify="left")
    for column in ("step", "status", "attempts", "provider", "started", "took", "error"):
        steps.add_column(column, overflow="fold")
    for name in STEPS:
        step = status.get("steps", {}).get(name, {})
        steps.add_row(
            name,
            styled(step.get("status")) + _percent(step),
            str(step.get("attempts", 0)),
            (step.get("provider") or "") + _instead_of(step),
            _time(step.get("started_at"), "%H:%M:%S"),
            step_duration(step),
            step.get("error") or "",
        )
    parts: list[Any] = [summary, steps]
    data, error = status.get("data"), status.get("error")
    if data:
        result = _pairs()
        title = (data.get("content") or {}).get("title")
        if title:
            result.add_row("title", title)
        for key in ("preview_url", "html_url", "image_url"):
            if data.get(key):
                result.add_row(key.removesuffix("_url"), data[key])
        parts.append(result)
    if error:
        parts.append(error_text(error))
    return Group(*parts)


def error_text(error: dict[str, Any]) -> str:
    """A failure as a person reads it: which step, what, and whether retrying may help."""
    retry = "a retry may help" if error.get("retryable") else "retrying will not help"
    return (
        f"[red]failed at step {error.get('step', '?')}: {error.get('type', 'error')}[/] — "
        f"{error.get('message', '')} ({retry})"
    )


def list_table(page: dict[str, Any], base_url: str) -> Table:
    """A page of postcards, newest first."""
    total, number = page.get("total", 0), page.get("page", 1)
    items = page.get("items", [])
    table = Table(
        caption=f"page {number}: {len(items)} of {total} postcards · "
        f"preview: {base_url}/preview/<task> · details: postcards status <task>",
        caption_justify="left",
    )
    for column in ("created", "task", "status"):
        table.add_column(column, no_wrap=True)
    table.add_column("title / prompt", overflow="fold", min_width=12)
    for item in items:
        table.add_row(
            _time(item.get("created_at"), "%m-%d %H:%M"),
            item.get("task_id", ""),
            styled(item.get("status")),
            item.get("title") or item.get("prompt", ""),
        )
    return table


def print_result(console: Console, status: dict[str, Any], blob_dir: Path) -> None:
    """The links and local files of a finished postcard, or why it failed."""
    data, task_id = status.get("data") or {}, status["task_id"]
    if status.get("status") != "COMPLETED":
        console.print(error_text(status.get("error") or {}), highlight=False)
        return
    title = (data.get("content") or {}).get("title") or task_id
    console.print(f"[bold green]Postcard ready:[/] {title}", highlight=False)
    console.print(f"  preview  {data.get('preview_url') or ''}", highlight=False, soft_wrap=True)
    if data.get("html_url"):
        console.print(f"  page     {data['html_url']}", highlight=False, soft_wrap=True)
    if data.get("image_url"):
        console.print(f"  image    {data['image_url']}", highlight=False, soft_wrap=True)
    for path in local_files(blob_dir, task_id):
        console.print(f"  file     {path}", highlight=False, soft_wrap=True)
