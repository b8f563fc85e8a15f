"""Server-sent events: a postcard's status body, pushed whenever it changes."""

from __future__ import annotations

import asyncio
import hashlib
import time
import weakref
from collections.abc import AsyncIterator
from typing import Annotated

from fastapi import APIRouter, Header, Request, Response, status
from fastapi.responses import StreamingResponse

from api.deps import PostcardDep, ServicesDep, UserDep
from api.services import Services
from api.shared_answers import SharedAnswers
from api.status import status_of
from api.stream_slots import LeasedStream, stream_slots
from core.models import PostcardStatus
from core.repository import PostcardRepository

router = APIRouter(prefix="/api/v1/postcards", tags=["postcards"])

TERMINAL = {PostcardStatus.COMPLETED, PostcardStatus.FAILED}
TICK_S = 0.5
HEARTBEAT_S = 10.0
# A bounded stream lets a graceful API shutdown finish and proxies keep it alive;
# the browser reconnects on its own with Last-Event-ID and misses nothing.
WINDOW_S = 15.0
RETRY_MS = 1000
Body = tuple[str, bool] | None
# Per database: every stream on one postcard shares one status body per half tick.
_bodies: weakref.WeakKeyDictionary[PostcardRepository, SharedAnswers[str, Body]] = (
    weakref.WeakKeyDictionary()
)


async def shared_body(services: Services, task_id: str) -> Body:
    """`current_body`, computed once per TICK_S / 2 for all the streams watching `task_id`."""
    bodies = _bodies.get(services.repository)
    if bodies is None:
        bodies = _bodies[services.repository] = SharedAnswers(TICK_S / 2)
    return await bodies.get(task_id, lambda: current_body(services, task_id))


async def current_body(services: Services, task_id: str) -> Body:
    """The status body as JSON and whether it is final; None once the row is gone."""
    row = await asyncio.to_thread(services.repository.get, task_id)
    if row is None:
        return None
    body = await status_of(services, row)
    revising = any(r.status not in TERMINAL for r in body.revisions)
    return body.model_dump_json(), body.status in TERMINAL and not revising


def event_id(body: str) -> str:
    """A short digest of the body: the same state always has the same id."""
    return hashlib.sha256(body.encode()).hexdigest()[:16]


def frame(body: str) -> bytes:
    """One `status` event."""
    return f"id: {event_id(body)}\nevent: status\ndata: {body}\n\n".encode()


async def stream(services: Services, task_id: str, last_id: str | None) -> AsyncIterator[bytes]:
    """Status events on change, heartbeat comments between them, until the run ends."""
    yield f"retry: {RETRY_MS}\n\n".encode()
    started = last_beat = time.monotonic()
    while True:
        current = await shared_body(services, task_id)
        if current is None:
            return
        body, final = current
        if event_id(body) != last_id:
            last_id = event_id(body)
            last_beat = time.monotonic()
            yield frame(body)
        if final:
            return
        now = time.monotonic()
        if now - started >= WINDOW_S:
            return
        if now - last_beat >= HEARTBEAT_S:
            last_beat = now
            yield b": heartbeat\n\n"
        await asyncio.sleep(TICK_S)


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
    row: PostcardDep,
    user: UserDep,
    services: ServicesDep,
    request: Request,
    last_event_id: Annotated[str | None, Header()] = None,
) -> Response:
    """Stream the status body (as the status endpoint) on every change; ends when final."""
    if last_event_id and PostcardStatus(row.status) in TERMINAL:
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
