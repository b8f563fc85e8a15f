"""Server-sent events: a postcard's status body, pushed whenever its record changes.

The stream reads the rows when it opens, then again each time the run store announces a change
to this postcard (runs.events); between changes it only sends heartbeats. It never asks
Temporal and never re-reads on a timer.
"""

from __future__ import annotations

import asyncio
import hashlib
import time
from collections.abc import AsyncIterator
from typing import Annotated

from fastapi import APIRouter, Header, Request, Response, status
from fastapi.responses import StreamingResponse

from api.deps import FreshDep, ServicesDep, UserDep
from api.services import Services
from api.status import settled, status_of
from api.stream_slots import LeasedStream, stream_slots

router = APIRouter(prefix="/api/v1/postcards", tags=["postcards"])

HEARTBEAT_S = 10.0
# A bounded stream lets a graceful API shutdown finish and proxies keep it alive;
# the browser reconnects on its own with Last-Event-ID and misses nothing.
WINDOW_S = 15.0
RETRY_MS = 1000
Body = tuple[str, bool] | None


async def current_body(services: Services, task_id: str) -> Body:
    """The status body as JSON and whether it is final; None once the postcard is gone."""
    view = await asyncio.to_thread(services.reads.get, task_id)
    if view is None:
        return None
    body = await status_of(services, view)
    return body.model_dump_json(), settled(body)


def event_id(body: str) -> str:
    """A short digest of the body: the same state always has the same id."""
    return hashlib.sha256(body.encode()).hexdigest()[:16]


def frame(body: str) -> bytes:
    """One `status` event."""
    return f"id: {event_id(body)}\nevent: status\ndata: {body}\n\n".encode()


async def stream(services: Services, task_id: str, last_id: str | None) -> AsyncIterator[bytes]:
    """Status events on change, heartbeat comments between them, until the run ends or the
    window closes (the browser then reconnects with Last-Event-ID)."""
    yield f"retry: {RETRY_MS}\n\n".encode()
    closes_at = time.monotonic() + WINDOW_S
    async with services.changes.watch(task_id) as changed:
        while True:
            changed.clear()  # before the read: a change during the read wakes the next one
            current = await current_body(services, task_id)
            if current is None:
                return
            body, final = current
            if event_id(body) != last_id:
                last_id = event_id(body)
                yield frame(body)
            if final:
                return
            left = closes_at - time.monotonic()
            if left <= 0:
                return
            try:
                await asyncio.wait_for(changed.wait(), timeout=min(HEARTBEAT_S, left))
            except TimeoutError:
                if time.monotonic() < closes_at:
                    yield b": heartbeat\n\n"
                    continue
                return


@router.get(
    "/{task_id}/events",
    response_class=StreamingResponse,
    responses={
        200: {"content": {"text/event-stream": {}}, "description": "`status` events"},
        204: {"description": "The client already holds the final state: stop reconnecting"},
        429: {"description": "Too many open streams for this user or server (Retry-After)"},
    },
)
async def postcard_events(
    row: FreshDep,
    user: UserDep,
    services: ServicesDep,
    request: Request,
    last_event_id: Annotated[str | None, Header()] = None,
) -> Response:
    """Stream the status body (as the status endpoint) on every change; ends when final."""
    if last_event_id and row.status in ("COMPLETED", "FAILED"):
        current = await current_body(services, row.task_id)
        if current is not None and event_id(current[0]) == last_event_id:
            return Response(status_code=status.HTTP_204_NO_CONTENT)
    lease = stream_slots(request, services.settings, int(WINDOW_S)).take(user)
    return LeasedStream(
        lease,
        stream(services, row.task_id, last_event_id),
        media_type="text/event-stream",
        headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"},
    )
