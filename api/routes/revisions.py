"""Regenerate one step of a finished postcard, and read its revisions."""

from __future__ import annotations

import asyncio
import functools
import logging
from collections.abc import Callable
from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Query, status
from fastapi import Path as PathParam
from pydantic import ValidationError
from temporalio.service import RPCError

from api.deadlines import cancel_after_header, deadline
from api.deps import FreshDep, ServicesDep, UserDep
from api.presenters import revision_detail, revision_out
from api.routes.webhooks import checked_webhook
from api.schemas import Regenerate, RegenerateAccepted, RevisionDetail, RevisionPage
from api.services import Services
from core.db import Postcard, PostcardRun, as_utc, utcnow
from core.models import BlobRef, Concept, Content, KeptResults, PostcardError, StepState
from core.storage import CONTENT_TYPES, parse_key
from ingest.producer import IngestUnavailable
from runs.launch import start_postcard_workflow
from runs.reads import to_request
from runs.store import RevisionRefused

log = logging.getLogger("postcards.api")
router = APIRouter(prefix="/api/v1/postcards", tags=["postcards"])


class NotStarted(Exception):
    """The revision's run could not be started; carries the HTTP answer."""

    def __init__(self, status_code: int, reason: str) -> None:
        super().__init__(reason)
        self.status_code = status_code
        self.reason = reason


@router.post(
    "/{task_id}/regenerate",
    status_code=status.HTTP_202_ACCEPTED,
    response_model=RegenerateAccepted,
    responses={
        403: {"description": "The request came from another site's page (see ALLOWED_ORIGINS)"},
        409: {
            "description": "The postcard is not COMPLETED, a revision is still running, it has "
            "MAX_REVISIONS revisions already, or what it would keep cannot be used any more"
        },
        422: {"description": "The body is invalid, with the reason"},
        429: {"description": "Too many creates and regenerates for this user; see Retry-After"},
        503: {
            "description": "Too many postcards are waiting, or Redis or Temporal is "
            "unavailable; nothing was started; see Retry-After"
        },
    },
)
async def regenerate(
    body: Regenerate,
    row: FreshDep,
    services: ServicesDep,
    cancel_after: Annotated[float | None, Depends(cancel_after_header)],
    user: UserDep,
) -> RegenerateAccepted:
    """Make one step again, and the steps that depend on it; the other results are kept.

    The new revision is saved PENDING, then its run is started; when the start fails, the
    revision is recorded FAILED (type `NotStarted`) at once, so it never blocks the next one.
    Like a create, it counts against the caller's rate (api/limits.py) and waits while the
    backlog is full (503): its run starts here, not through the stream, but it spends the
    same workers and provider calls."""
    try:
        await services.ingest.check_backlog()
    except IngestUnavailable as exc:
        retry = {"Retry-After": str(exc.retry_after_s)}
        raise HTTPException(exc.status_code, exc.reason, headers=retry) from exc
    deadline_at = deadline(utcnow(), cancel_after, body.deadline_s)
    webhook = await checked_webhook(services, user, body)  # api/routes/webhooks.py
    try:
        run = await asyncio.to_thread(
            functools.partial(
                services.store.begin_revision,
                row.task_id,
                body.step,
                body.instruction,
                deadline_at=deadline_at,
                max_revisions=services.settings.max_revisions,
                **webhook,
            )
        )
    except RevisionRefused as exc:
        raise HTTPException(status.HTTP_409_CONFLICT, str(exc)) from exc
    try:
        await _start(services, row.postcard, run, body.instruction)
    except NotStarted as exc:
        error = PostcardError(
            step=body.step, type="NotStarted", message=exc.reason, retryable=exc.status_code == 503
        )
        await asyncio.to_thread(services.store.fail, row.task_id, run.revision, error)
        log.warning(
            "revision not started",
            extra={"task_id": row.task_id, "revision": run.revision, "reason": exc.reason},
        )
        headers = {"Retry-After": "5"} if exc.status_code == 503 else None
        raise HTTPException(exc.status_code, exc.reason, headers=headers) from exc
    log.info(
        "revision started",
        extra={"task_id": row.task_id, "revision": run.revision, "step": body.step},
    )
    base = services.settings.effective_public_base_url
    return RegenerateAccepted(
        task_id=row.task_id,
        revision=run.revision,
        status_url=f"{base}/api/v1/postcards/status/{row.task_id}",
    )


async def _start(
    services: Services, postcard: Postcard, run: PostcardRun, instruction: str | None
) -> None:
    """Start the revision's run; NotStarted with the answer to give when it cannot be."""
    try:
        kept = kept_results(run, services.blobs.path)
    except (OSError, ValidationError) as exc:
        reason = f"revision {run.revision} cannot keep the earlier results: {exc}"
        raise NotStarted(status.HTTP_409_CONFLICT, reason[:300]) from exc
    request = to_request(postcard).model_copy(
        update={
            "revision": run.revision,
            "variation": run.revision - 1,
            "instruction": instruction,
            "kept": kept,
            "deadline_at": as_utc(run.deadline_at),
        }
    )
    client = await services.temporal()
    if client is None:
        raise NotStarted(503, "the revision could not be started: Temporal is unreachable")
    try:
        started = await start_postcard_workflow(client, request, services.settings)
    except (RPCError, OSError, RuntimeError) as exc:
        reason = f"the revision could not be started: {type(exc).__name__}"
        raise NotStarted(503, reason) from exc
    if not started:
        reason = f"a run {request.run_id} exists already in Temporal; nothing new was started"
        raise NotStarted(status.HTTP_409_CONFLICT, reason)


@router.get("/{task_id}/revisions", response_model=RevisionPage)
async def postcard_revisions(
    row: FreshDep,
    services: ServicesDep,
    page: Annotated[int, Query(ge=1, le=10_000)] = 1,
    page_size: Annotated[int, Query(ge=1, le=100)] = 20,
) -> RevisionPage:
    """A postcard's revisions, oldest first, a page at a time (the status lists the newest)."""
    runs, total = await asyncio.to_thread(
        services.reads.run_page, row.task_id, (page - 1) * page_size, page_size
    )
    return RevisionPage(
        items=[revision_out(r) for r in runs], total=total, page=page, page_size=page_size
    )


@router.get("/{task_id}/revisions/{revision}", response_model=RevisionDetail)
async def postcard_revision(
    row: FreshDep, services: ServicesDep, revision: Annotated[int, PathParam(ge=1)]
) -> RevisionDetail:
    """One revision of a postcard, with its results once it completed."""
    found = await asyncio.to_thread(services.reads.run, row.task_id, revision)
    if found is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, f"no revision {revision} of this postcard")
    return revision_detail(found, services.settings)


def kept_results(run: PostcardRun, blob_path: Callable[[str], Path]) -> KeptResults:
    """The results a revision's run keeps (copied into its row when it began), as workflow
    input; OSError when a kept image is gone from the blob store, ValidationError when a
    kept concept or copy no longer fits its model."""
    steps = run.steps or {}
    kept = {name for name, step in steps.items() if step.get("status") == StepState.KEPT}
    image = None
    if "image" in kept and run.image_key and run.image_url:
        ext = parse_key(run.image_key).ext
        size = blob_path(run.image_key).stat().st_size
        image = BlobRef(
            key=run.image_key, url=run.image_url, content_type=CONTENT_TYPES[ext], size_bytes=size
        )
    return KeptResults(
        concept=Concept.model_validate(run.concept) if "concept" in kept else None,
        content=Content.model_validate(run.content) if "content" in kept else None,
        image=image,
    )
