"""The status body of a postcard, from its rows: the read model, never a Temporal call."""

from __future__ import annotations

import asyncio
import hashlib

from api.presenters import REVISIONS_SHOWN, status_body
from api.schemas import PostcardStatusOut
from api.services import Services
from core.models import PostcardStatus
from runs.reads import PostcardView

POLL_AGAIN_S = 2
"""What an unfinished postcard's answer suggests as the wait before the next status read."""


async def status_of(services: Services, view: PostcardView) -> PostcardStatusOut:
    """What the status endpoint and the event stream answer for a postcard. Only a COMPLETED
    postcard can have been regenerated, so only its runs are read: the newest few, in one
    LIMITed query without their pages, so the answer does not grow with the revisions."""
    if view.status != PostcardStatus.COMPLETED.value:
        return status_body(view, services.settings)
    runs, total = await asyncio.to_thread(
        services.reads.run_page, view.task_id, 0, REVISIONS_SHOWN, True
    )
    return status_body(view, services.settings, runs, total)


def etag(body: str) -> str:
    """A strong ETag of one status body: the same state always has the same tag."""
    return '"' + hashlib.sha256(body.encode()).hexdigest()[:32] + '"'


def settled(body: PostcardStatusOut) -> bool:
    """Whether nothing in this body will change any more (no run of it is unfinished)."""
    final = (PostcardStatus.COMPLETED, PostcardStatus.FAILED)
    return body.status in final and all(r.status in final for r in body.revisions)
