"""Regenerate one step of a finished postcard, and read its older revisions."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, HTTPException, status
from fastapi import Path as PathParam

from api.deps import PostcardDep, ServicesDep
from api.presenters import revision_detail
from api.schemas import Regenerate, RegenerateAccepted, RevisionDetail
from api.status import revisions_of
from core.db import Postcard, PostcardRevision
from core.models import BlobRef, Concept, Content, KeptResults, PostcardError
from core.repository import to_request
from core.revisions import RERUNS, RevisionRefused, RevisionRepository
from core.storage import CONTENT_TYPES, parse_key
from ingest.launch import start_postcard_workflow

log = logging.getLogger("postcards.api")
router = APIRouter(prefix="/api/v1/postcards", tags=["postcards"])


@router.post(
    "/{task_id}/regenerate",
    status_code=status.HTTP_202_ACCEPTED,
    response_model=RegenerateAccepted,
    responses={
        409: {"description": "The postcard is not COMPLETED, or a revision is still running"},
        503: {"description": "Temporal is unavailable; nothing was started"},
    },
)
async def regenerate(
    body: Regenerate, row: PostcardDep, services: ServicesDep
) -> RegenerateAccepted:
    """Make one step again, and the steps that depend on it; the other results are kept."""
    repository = RevisionRepository(services.repository.engine)
    await revisions_of(services, row.task_id)  # settles a revision whose run has closed
    try:
        revision = await asyncio.to_thread(
            repository.begin, row.task_id, body.step, body.instruction
        )
    except RevisionRefused as exc:
        raise HTTPException(status.HTTP_409_CONFLICT, str(exc)) from exc
    request = to_request(row).model_copy(
        update={
            "revision": revision.revision,
            "variation": revision.revision - 1,
            "instruction": body.instruction,
            "kept": kept_results(row, body.step, services.store.path),
        }
    )
    client = await services.temporal()
    try:
        if client is None:
            raise ConnectionError("Temporal is unreachable")
        await start_postcard_workflow(client, request, services.settings)
    except Exception as exc:
        reason = f"the revision could not be started: {type(exc).__name__}"
        error = PostcardError(step=body.step, type="NotStarted", message=reason, retryable=True)
        await asyncio.to_thread(repository.fail, row.task_id, revision.revision, error, {})
        log.warning("revision not started", extra={"task_id": row.task_id, "error": str(exc)})
        raise HTTPException(
            status.HTTP_503_SERVICE_UNAVAILABLE, reason, headers={"Retry-After": "5"}
        ) from exc
    log.info(
        "revision started",
        extra={"task_id": row.task_id, "revision": revision.revision, "step": body.step},
    )
    base = services.settings.effective_public_base_url
    return RegenerateAccepted(
        task_id=row.task_id,
        revision=revision.revision,
        status_url=f"{base}/api/v1/postcards/status/{row.task_id}",
    )


@router.get("/{task_id}/revisions/{revision}", response_model=RevisionDetail)
async def postcard_revision(
    row: PostcardDep, services: ServicesDep, revision: Annotated[int, PathParam(ge=1)]
) -> RevisionDetail:
    """One revision of a postcard, with its results once it completed."""
    found: PostcardRevision | None = None
    for known in await revisions_of(services, row.task_id):
        if known.revision == revision:
            found = known
    if found is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, f"no revision {revision} of this postcard")
    return revision_detail(found, services.settings)


def kept_results(row: Postcard, step: str, blob_path: Callable[[str], Path]) -> KeptResults:
    """The results of the postcard's latest revision that a regenerate of `step` keeps."""
    rerun = RERUNS[step]
    image = None
    if "image" not in rerun and row.image_key and row.image_url:
        ext = parse_key(row.image_key).ext
        size = blob_path(row.image_key).stat().st_size
        image = BlobRef(
            key=row.image_key, url=row.image_url, content_type=CONTENT_TYPES[ext], size_bytes=size
        )
    return KeptResults(
        concept=Concept.model_validate(row.concept) if "concept" not in rerun else None,
        content=Content.model_validate(row.content) if "content" not in rerun else None,
        image=image,
    )
