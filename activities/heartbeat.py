"""Keep a long provider call alive in Temporal's eyes, and cancellable."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable
from typing import TypeVar

from temporalio import activity

T = TypeVar("T")


async def with_heartbeat(call: Awaitable[T], detail: str) -> T:
    """Await `call`, heartbeating at a third of the heartbeat timeout when one is set.

    Heartbeats are how a cancelled workflow reaches a running activity: the cancel arrives as
    CancelledError at the await below, and the provider call is cancelled with it.
    """
    timeout = activity.info().heartbeat_timeout
    task = asyncio.ensure_future(call)
    if not timeout:
        return await task
    interval = max(0.5, timeout.total_seconds() / 3)
    try:
        while True:
            done, _ = await asyncio.wait({task}, timeout=interval)
            if done:
                return task.result()
            activity.heartbeat(detail)
    finally:
        if not task.done():
            task.cancel()
