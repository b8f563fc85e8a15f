"""Keep a long provider call alive in Temporal's eyes, cancellable, and its progress visible."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import TypeVar

from temporalio import activity

from providers.progress import reporting_to

T = TypeVar("T")
log = logging.getLogger("postcards.activities")
PROGRESS_INTERVAL_S = 2.0
"""At most one progress save per this many seconds: a streamed page reports every few tokens."""


class _Latest:
    """The last percent the provider reported."""

    def __init__(self) -> None:
        self.percent: int | None = None

    def __call__(self, percent: int) -> None:
        self.percent = percent


async def with_heartbeat(
    call: Awaitable[T],
    detail: str,
    save_progress: Callable[[int], Awaitable[None]] | None = None,
) -> T:
    """Await `call`, heartbeating at a third of the heartbeat timeout when one is set, and
    passing the percent the provider reports to `save_progress` at most every 2 s.

    Heartbeats are how a cancelled workflow reaches a running activity: the cancel arrives as
    CancelledError at the await below, and the provider call is cancelled with it. They also
    carry the percent, so a worker that dies mid-call leaves it in the Temporal UI; the next
    attempt starts the step afresh.
    """
    timeout = activity.info().heartbeat_timeout
    latest = _Latest()
    with reporting_to(latest):
        task = asyncio.ensure_future(call)
    if not timeout and save_progress is None:
        return await task
    interval = max(0.5, timeout.total_seconds() / 3) if timeout else PROGRESS_INTERVAL_S
    if save_progress is not None:
        interval = min(interval, PROGRESS_INTERVAL_S)
    saved: int | None = None
    try:
        while True:
            done, _ = await asyncio.wait({task}, timeout=interval)
            if done:
                return task.result()
            percent = latest.percent
            if timeout:
                activity.heartbeat(detail, *([] if percent is None else [percent]))
            if save_progress is not None and percent is not None and percent != saved:
                saved = percent
                await _save(save_progress, percent, detail)
    finally:
        if not task.done():
            task.cancel()


async def _save(save_progress: Callable[[int], Awaitable[None]], percent: int, step: str) -> None:
    """A progress write that fails costs only the progress display, never the step."""
    try:
        await save_progress(percent)
    except Exception as exc:
        log.warning("step progress not saved", extra={"step": step, "error": repr(exc)})
