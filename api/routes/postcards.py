"""Create a postcard, read its status, list the caller's postcards."""

from __future__ import annotations

import asyncio
import uuid
from datetime import timedelta
from typing import Annotated

from fastapi import APIRouter, Header, Query, status
from fastapi.responses import JSONResponse
from temporalio.service import RPCError

from api.deps import PostcardDep, ServicesDep, UserDep
from api.presenters import status_body, summary
from api.schemas import Created, CreatePostcard, PostcardPage, PostcardStatusOut
from api.sharing import shared
from core.db import as_utc, utcnow
from core.models import PostcardRequest, PostcardStatus, Progress, WorkflowOptions
from core.settings import Settings
from engine.text import detect_language
from ingest.producer import IngestUnavailable

IDEMPOTENCY_NAMESPACE = uuid.UUID("6f1c1f5e-8f43-4c55-9a57-2f1b8c1d4e10")
IN_FLIGHT_S = 10.0
# The stream entry carries no workflow options (the starter sets them from its settings), so the
# API's requests share one default instance: building it per request made pydantic deep-copy six
# step policies each time (~6% of a create's CPU).
_NO_OPTIONS = WorkflowOptions()

router = APIRouter(prefix="/api/v1/postcards", tags=["postcards"])


@router.post(
    "/create",
    status_code=status.HTTP_202_ACCEPTED,
    response_model=Created,
    responses={503: {"description": "Redis or the database is unavailable; retry later"}},
)
async def create_postcard(  # type: ignore[no-untyped-def]
    body: CreatePostcard,
    services: ServicesDep,
    user: UserDep,
    idempotency_key: Annotated[
        str | None,
        Header(max_length=128, description="Retries with the same key return the same task"),
    ] = None,
):
    """Accept a wish; the postcard is made in the background."""
    settings = services.settings
    task_id = uuid.uuid4().hex
    if idempotency_key:
        task_id = uuid.uuid5(IDEMPOTENCY_NAMESPACE, f"{user}\n{idempotency_key}").hex
        earlier = await asyncio.to_thread(services.repository.get, task_id)
        if earlier is not None:
            age = (utcnow() - (as_utc(earlier.created_at) or utcnow())).total_seconds()
            if earlier.status == PostcardStatus.PENDING.value and age < IN_FLIGHT_S:
                # The first create may still fail and undo its record: don't promise it yet.
                return JSONResponse(
                    {"detail": "a create with this Idempotency-Key is in progress; retry"},
                    status_code=status.HTTP_409_CONFLICT,
                    headers={"Retry-After": "2"},
                )
            return _created(settings, task_id)
    request = PostcardRequest(
        task_id=task_id,
        user_input=body.prompt,
        style=body.style,
        theme=body.theme,
        language=detect_language(body.prompt, body.language),
        user_id=user,
        created_at=utcnow(),
        options=_NO_OPTIONS,
    )
    try:
        await services.ingest.submit(request)
    except IngestUnavailable as exc:
        return JSONResponse(
            {"detail": exc.reason},
            status_code=exc.status_code,
            headers={"Retry-After": str(exc.retry_after_s)},
        )
    return _created(settings, request.task_id)


def _created(settings: Settings, task_id: str) -> Created:
    base = settings.effective_public_base_url
    return Created(
        task_id=task_id,
        status_url=f"{base}/api/v1/postcards/status/{task_id}",
        preview_url=shared(settings, f"{base}/preview/{task_id}", task_id) or "",
    )


async def live_progress(services: ServicesDep, task_id: str) -> Progress | None:
    """The running workflow's own view of its steps, or None when it can't be asked."""
    client = await services.temporal()
    if client is None:
        return None
    try:
        return await client.get_workflow_handle(task_id).query(
            "progress", result_type=Progress, rpc_timeout=timedelta(seconds=2)
        )
    except (RPCError, TimeoutError):
        return None


@router.get("/status/{task_id}", response_model=PostcardStatusOut)
async def postcard_status(row: PostcardDep, services: ServicesDep) -> PostcardStatusOut:
    """Status, per-step progress, and the result or the reason it failed."""
    live = None
    if row.status == PostcardStatus.PROCESSING.value:
        live = await live_progress(services, row.task_id)
    return status_body(row, live, services.settings)


@router.get("", response_model=PostcardPage)
def list_postcards(
    services: ServicesDep,
    user: UserDep,
    page: Annotated[int, Query(ge=1, le=100_000)] = 1,
    page_size: Annotated[int, Query(ge=1, le=100)] = 20,
    status_filter: Annotated[PostcardStatus | None, Query(alias="status")] = None,
) -> PostcardPage:
    """The caller's postcards, newest first."""
    owner = user if services.settings.api_key_users else None
    rows, total = services.repository.list_for_user(
        owner, (page - 1) * page_size, page_size, status_filter.value if status_filter else None
    )
    return PostcardPage(
        items=[summary(r, services.settings) for r in rows],
        total=total,
        page=page,
        page_size=page_size,
    )
