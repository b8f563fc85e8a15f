"""Small measuring helpers: percentiles, machine facts and load, reading the postcards table."""

from __future__ import annotations

import asyncio
import json
import os
import platform
import statistics
import subprocess
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa

from core.db import as_utc, make_engine
from core.devserver import temporal_binary


def percentile(values: Sequence[float], q: float) -> float | None:
    """The q-th percentile (0–100) by linear interpolation; None for no values."""
    if not values:
        return None
    ordered = sorted(values)
    if len(ordered) == 1:
        return ordered[0]
    rank = (len(ordered) - 1) * q / 100
    low = int(rank)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


def summary(values: Sequence[float], digits: int = 1) -> dict[str, float | int | None]:
    """Count, mean and the usual percentiles of a sample."""

    def rounded(value: float | None) -> float | None:
        return None if value is None else round(value, digits)

    return {
        "n": len(values),
        "mean": rounded(statistics.fmean(values)) if values else None,
        "p50": rounded(percentile(values, 50)),
        "p95": rounded(percentile(values, 95)),
        "p99": rounded(percentile(values, 99)),
        "max": rounded(max(values)) if values else None,
    }


def load_average() -> list[float]:
    """The 1, 5 and 15 minute load averages."""
    return [round(x, 2) for x in os.getloadavg()]


def machine() -> dict[str, Any]:
    """What the numbers were measured on."""
    try:
        version = subprocess.run(
            [temporal_binary(), "--version"], capture_output=True, text=True, timeout=10
        ).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        version = "unknown"
    return {
        "cpus": os.cpu_count(),
        "python": platform.python_version(),
        "platform": platform.platform(),
        "temporal": version,
    }


@dataclass
class Row:
    """What a benchmark reads back from one postcard row."""

    task_id: str
    status: str
    created_at: datetime
    completed_at: datetime | None
    steps: dict[str, Any]

    @property
    def latency_ms(self) -> float | None:
        """create → COMPLETED (or FAILED) as the database recorded them."""
        if self.completed_at is None:
            return None
        return (self.completed_at - self.created_at).total_seconds() * 1000


class PostcardTable:
    """Read-only queries on the product's database, from the benchmark process."""

    def __init__(self, database_url: str) -> None:
        self.engine = make_engine(database_url)

    def finished(self, task_ids: Sequence[str] | None = None) -> int:
        """How many postcards (of those given, else of all) reached a final status."""
        query = sa.text(
            "SELECT task_id FROM postcard_current WHERE status IN ('COMPLETED', 'FAILED')"
        )
        with self.engine.connect() as conn:
            done = [row[0] for row in conn.execute(query)]
        if task_ids is None:
            return len(done)
        wanted = set(task_ids)
        return sum(task_id in wanted for task_id in done)

    def rows(self, task_ids: Iterable[str] | None = None) -> list[Row]:
        """Rows by task id (all rows when none are given)."""
        query = "SELECT task_id, status, created_at, completed_at, steps FROM postcard_current"
        with self.engine.connect() as conn:
            found = conn.execute(sa.text(query)).all()
        wanted = set(task_ids) if task_ids is not None else None
        out = []
        for task_id, status, created, completed, steps in found:
            if wanted is not None and task_id not in wanted:
                continue
            out.append(Row(task_id, status, _ts(created), _ts_or_none(completed), _json(steps)))
        return out

    async def wait_finished(
        self, task_ids: Sequence[str], timeout_s: float, poll_s: float = 0.25
    ) -> bool:
        """Poll until every one of the postcards is final; False on timeout."""
        deadline = asyncio.get_running_loop().time() + timeout_s
        while await asyncio.to_thread(self.finished, task_ids) < len(task_ids):
            if asyncio.get_running_loop().time() > deadline:
                return False
            await asyncio.sleep(poll_s)
        return True

    def close(self) -> None:
        """Release the connection pool."""
        self.engine.dispose()


def _ts(value: Any) -> datetime:
    parsed = _ts_or_none(value)
    if parsed is None:
        raise ValueError("missing timestamp")
    return parsed


def _ts_or_none(value: Any) -> datetime | None:
    if value is None:
        return None
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return as_utc(value)


def _json(value: Any) -> dict[str, Any]:
    if isinstance(value, str):
        loaded: dict[str, Any] = json.loads(value)
        return loaded
    return dict(value or {})
