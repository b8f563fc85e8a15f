"""The status body of a postcard: its row, the live run, and its revisions."""

from __future__ import annotations

import asyncio
import logging

from api.presenters import status_body
from api.progress import current_state
from api.schemas import PostcardStatusOut
from api.services import Services
from core.closed_runs import settle_closed_revision
from core.db import Postcard, PostcardRevision
from core.models import PostcardStatus
from core.revisions import FINAL, RevisionRepository

log = logging.getLogger("postcards.api")


async def status_of(services: Services, row: Postcard) -> PostcardStatusOut:
    """What the status endpoint and the event stream answer for a postcard."""
    row, live = await current_state(services, row)
    revisions: list[PostcardRevision] = []
    if row.status == PostcardStatus.COMPLETED.value:
        revisions = await revisions_of(services, row.task_id)
        done = [r.revision for r in revisions if r.status == PostcardStatus.COMPLETED.value]
        if done and done[-1] != row.revision:
            # A revision completed after the row was read: read the row it completed into.
            fresh = await asyncio.to_thread(services.repository.get, row.task_id)
            row = fresh or row
    return status_body(row, live, services.settings, revisions)


async def revisions_of(services: Services, task_id: str) -> list[PostcardRevision]:
    """A postcard's revisions; a revision whose run has closed without saving its end (an
    operator's terminate, a timeout) is settled from Temporal's record first."""
    repository = RevisionRepository(services.repository.engine)
    revisions = await asyncio.to_thread(repository.list, task_id)
    if not revisions or revisions[-1].status in FINAL:
        return revisions
    client = await services.temporal()
    try:
        settled = client is not None and await settle_closed_revision(
            client, repository, revisions[-1]
        )
    except Exception as exc:  # answer from the rows; a later read settles it
        log.info("settling a revision failed", extra={"task_id": task_id, "error": str(exc)})
        return revisions
    return await asyncio.to_thread(repository.list, task_id) if settled else revisions
