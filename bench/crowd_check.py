"""Reading a crowd run back: retries, timeouts, provider calls per step, and the crash checks."""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from datetime import datetime
from pathlib import Path
from typing import Any

from bench.measure import Row


def retries_and_timeouts(rows: list[Row]) -> tuple[int, int, dict[str, int]]:
    """Attempts beyond the first over every step; failed postcards whose error is a timeout;
    the failed postcards' step errors by kind."""
    retries = 0
    timeouts = 0
    failures: Counter[str] = Counter()
    for row in rows:
        errors = []
        for state in row.steps.values():
            if not isinstance(state, dict):
                continue
            retries += max(0, int(state.get("attempts") or 0) - 1)
            if state.get("error"):
                errors.append(str(state["error"]))
        if row.status != "COMPLETED":
            kind = (errors[-1].split(":")[0] if errors else row.status)[:80]
            failures[kind] += 1
            if "timeout" in " ".join(errors).lower() or not errors:
                timeouts += 1
    return retries, timeouts, dict(failures)


def call_counts(log: Path) -> dict[tuple[str, str], list[dict[str, Any]]]:
    """Every simulated provider call, grouped by (task id, step), in order."""
    calls: dict[tuple[str, str], list[dict[str, Any]]] = defaultdict(list)
    if not log.exists():
        return calls
    for line in log.read_text(encoding="utf-8").splitlines():
        try:
            call = json.loads(line)
        except json.JSONDecodeError:
            continue  # a line cut by the SIGKILL
        calls[(call["task_id"], call["step"])].append(call)
    return calls


def _finished_at(state: Any) -> float | None:
    if not isinstance(state, dict) or not state.get("finished_at"):
        return None
    return datetime.fromisoformat(state["finished_at"]).timestamp()


def crash_check(
    rows: list[Row],
    calls: dict[tuple[str, str], list[dict[str, Any]]],
    kill: dict[str, float],
    skip_task: str,
) -> dict[str, Any]:
    """After a worker's SIGKILL: every postcard completed once, a step finished before the kill
    never called its provider again, and a step called twice started on the killed worker."""
    kept = kept_again = reruns = rerun_elsewhere = 0
    for row in rows:
        for step, state in row.steps.items():
            finished = _finished_at(state)
            made = calls.get((row.task_id, step), [])
            if finished is not None and finished < kill["at"]:
                kept += 1
                kept_again += len(made) > 1
            if len(made) > 1:
                reruns += 1
                first = made[0]
                if first.get("pid") != kill["pid"] or first.get("at", 0) > kill["at"]:
                    rerun_elsewhere += 1
    per_task = Counter(task for task, _ in calls if task != skip_task)
    return {
        "killed_pid": int(kill["pid"]),
        "completed_once": sum(r.status == "COMPLETED" for r in rows),
        "steps_kept_before_kill": kept,
        "kept_called_again": kept_again,
        "steps_rerun_after_kill": reruns,
        "reruns_not_from_the_killed_worker": rerun_elsewhere,
        "tasks_with_calls": len(per_task),
    }
