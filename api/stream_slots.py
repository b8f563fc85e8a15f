"""Caps on open event streams, per user and in total, for one API process.

Each open stream holds a slot from the moment it is accepted until its response ends, however
it ends (done, window over, client gone, server stopping); past a cap the caller gets 429 with
Retry-After instead of one more long-lived connection and its recurring progress queries.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from fastapi import HTTPException, Request, status
from fastapi.responses import StreamingResponse
from starlette.types import Receive, Scope, Send

from core.settings import Settings


@dataclass
class Lease:
    """One held slot; releasing it twice is harmless."""

    slots: StreamSlots
    user: str
    released: bool = False

    def release(self) -> None:
        """Give the slot back."""
        if not self.released:
            self.released = True
            self.slots.give_back(self.user)


@dataclass
class StreamSlots:
    """Counts of open streams: at most `per_user` for one user, `total` for the process."""

    total: int
    per_user: int
    retry_after_s: int
    open_by_user: Counter[str] = field(default_factory=Counter)

    @property
    def open(self) -> int:
        """Streams open now."""
        return sum(self.open_by_user.values())

    def take(self, user: str) -> Lease:
        """A slot for `user`, or 429 + Retry-After naming the cap that was reached."""
        if self.open_by_user[user] >= self.per_user:
            self._refuse(f"{self.per_user} open event streams per user")
        if self.open >= self.total:
            self._refuse(f"{self.total} open event streams on this server")
        self.open_by_user[user] += 1
        return Lease(self, user)

    def give_back(self, user: str) -> None:
        """A stream ended."""
        self.open_by_user[user] -= 1
        if self.open_by_user[user] <= 0:
            del self.open_by_user[user]

    def _refuse(self, cap: str) -> None:
        raise HTTPException(
            status.HTTP_429_TOO_MANY_REQUESTS,
            f"too many event streams: the limit is {cap}; close one or poll the status URL",
            headers={"Retry-After": str(self.retry_after_s)},
        )


def stream_slots(request: Request, settings: Settings, retry_after_s: int) -> StreamSlots:
    """The app's slots (made on first use from the settings)."""
    slots: StreamSlots | None = getattr(request.app.state, "event_stream_slots", None)
    if slots is None:
        slots = StreamSlots(
            settings.events_max_streams, settings.events_max_streams_per_user, retry_after_s
        )
        request.app.state.event_stream_slots = slots
    return slots


class LeasedStream(StreamingResponse):
    """A streaming response that gives its slot back when it ends, however it ends."""

    def __init__(self, lease: Lease, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.lease = lease

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        try:
            await super().__call__(scope, receive, send)
        finally:
            self.lease.release()
