"""Create a postcard, read its status, list the caller's postcards."""

from __future__ import annotations

import email.message
import uuid
from collections.abc import Callable, Coroutine
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Header, HTTPException, Query, Request, Response, status
from fastapi.responses import JSONResponse
from fastapi.routing import APIRoute
from temporalio.service import RPCError

from api.deadlines import cancel_after_header, deadline
from api.deps import FreshDep, PostcardDep, ServicesDep, UserDep
from api.presenters import summary
from api.routes.webhooks import checked_webhook
from api.schemas import (
    CancelAccepted,
    Created,
    CreatePostcard,
    Expired,
    PostcardPage,
    PostcardStatusOut,
)
from api.sharing import shared
from api.status import POLL_AGAIN_S, etag, settled, status_of
from core.db import utcnow
from core.ids import new_id
from core.models import PostcardRequest, PostcardStatus
from engine import detect_language
from ingest.producer import IngestUnavailable
from runs.control import CancelRefused, cancel, delete

IDEMPOTENCY_NAMESPACE = uuid.UUID("6f1c1f5e-8f43-4c55-9a57-2f1b8c1d4e10")

router = APIRouter(prefix="/api/v1/postcards", tags=["postcards"])


class AnyTypeJSONRoute(APIRoute):
    """A route whose JSON body is read as JSON whatever its content type says: the original
    design's client posts it with a bare `fetch`, which a browser sends as
    `text/plain;charset=UTF-8`, and some clients send no content type. Other types (forms,
    files, …) are refused with 415 and a reason, never guessed at. OpenAPI still describes the
    body as application/json."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handle = super().get_route_handler()

        async def handle_as_json(request: Request) -> Response:
            declared = request.headers.get("content-type")
            message = email.message.Message()
            message["content-type"] = declared or "application/json"
            kind = message.get_content_type()  # lower case, parameters dropped
            if kind == "text/plain" or not declared:
                scope = dict(request.scope)
                scope["headers"] = [
                    (name, value)
                    for name, value in request.scope["headers"]
                    if name != b"content-type"
                ] + [(b"content-type", b"application/json")]
                request = Request(scope, request.receive)
            elif kind != "application/json" and not kind.endswith("+json"):
                reason = (
                    f"the body must be a JSON object (sent as application/json, text/plain or "
                    f"with no Content-Type); {kind} is not accepted"
                )
                return JSONResponse({"detail": reason}, status.HTTP_415_UNSUPPORTED_MEDIA_TYPE)
            return await handle(request)

        return handle_as_json


create_router = APIRouter(
    prefix="/api/v1/postcards", tags=["postcards"], route_class=AnyTypeJSONRoute
)
"""The create route, on a router of its own for its route class."""


@create_router.post(
    "/create",
    status_code=status.HTTP_202_ACCEPTED,
    response_model=Created,
    responses={
        401: {"description": "API keys are configured and none valid was sent"},
        403: {
            "description": "The body's user_id is not the API key's user, or the request came "
            "from another site's page (see ALLOWED_ORIGINS)"
        },
        409: {"description": "webhook_url was given and no signing secret exists yet"},
        415: {"description": "The body is not JSON (a form or another type)"},
        422: {"description": "The body or the Idempotency-Key is invalid, with the reason"},
        429: {"description": "Too many creates for this user; see Retry-After"},
        503: {"description": "Nothing was accepted and nothing will run; see Retry-After"},
    },
)
async def create_postcard(
    body: CreatePostcard,
    services: ServicesDep,
    user: UserDep,
    cancel_after: Annotated[float | None, Depends(cancel_after_header)],
    idempotency_key: Annotated[
        str | None,
        Header(
            max_length=128,
            description="A retry with the same key and body gets the same task (202); the "
            "same key with another body is refused (422)",
        ),
    ] = None,
) -> Created:
    """Accept a wish; the postcard is made in the background.

    Without API keys the body's `user_id` (the original design's field) names the owner. With
    API keys the key's user always owns the postcard: a body `user_id` can never claim
    another user's identity, so it must be absent or equal to the key's user (else 403).
    """
    owner = _owner(services.settings.api_key_users, user, body.user_id)
    now = utcnow()
    webhook = await checked_webhook(services, owner, body)  # api/routes/webhooks.py
    accepted = PostcardRequest(
        task_id=new_task_id(owner, idempotency_key),
        user_input=body.prompt,
        style=body.style,
        theme=body.theme,
        language=detect_language(body.prompt, body.language),
        user_id=owner,
        created_at=now,
        deadline_at=deadline(now, cancel_after, body.deadline_s),
        **webhook,
    )
    try:
        await services.ingest.submit(accepted)
    except IngestUnavailable as exc:
        retry = {"Retry-After": str(exc.retry_after_s)} if exc.status_code >= 500 else None
        raise HTTPException(exc.status_code, exc.reason, headers=retry) from exc
    base = services.settings.effective_public_base_url
    task_id = accepted.task_id
    preview = shared(services.settings, f"{base}/preview/{task_id}", task_id)
    return Created(
        task_id=task_id,
        status_url=f"{base}/api/v1/postcards/status/{task_id}",
        preview_url=preview or "",
    )


def _owner(api_key_users: dict[str, str], user: str, named: str | None) -> str:
    if not api_key_users:
        return named or user
    if named is not None and named != user:
        raise HTTPException(
            status.HTTP_403_FORBIDDEN, "user_id in the body is not the API key's user"
        )
    return user


def new_task_id(owner: str, idempotency_key: str | None) -> str:
    """A fresh task id, or the one an Idempotency-Key always gives for this owner."""
    if idempotency_key:
        return uuid.uuid5(IDEMPOTENCY_NAMESPACE, f"{owner}\n{idempotency_key}").hex
    return new_id()


@router.get(
    "/status/{task_id}",
    response_model=PostcardStatusOut,
    responses={
        304: {"description": "The status has not changed since the ETag sent in If-None-Match"},
        404: {"description": "No such postcard (or someone else's)"},
        410: {
            "model": Expired,
            "description": "Retention deleted its files (RESULT_RETENTION_DAYS)",
        },
    },
)
async def postcard_status(
    row: FreshDep,
    services: ServicesDep,
    if_none_match: Annotated[str | None, Header(include_in_schema=False)] = None,
) -> Response:
    """Status, per-step progress, and the result or the reason it failed.

    Read from the database only. The answer carries an `ETag` (send it back in
    `If-None-Match` to get a 304 while nothing changed) and `Cache-Control: no-cache`, so a
    browser always asks again; an unfinished postcard's answer carries `Retry-After`, the
    seconds to wait before the next read."""
    body = await status_of(services, row)
    text = body.model_dump_json()
    tag = etag(text)
    headers = {"ETag": tag, "Cache-Control": "no-cache"}
    if not settled(body):
        headers["Retry-After"] = str(POLL_AGAIN_S)
    if if_none_match and tag in (t.strip() for t in if_none_match.split(",")):
        return Response(status_code=status.HTTP_304_NOT_MODIFIED, headers=headers)
    return Response(text, media_type="application/json", headers=headers)


@router.post(
    "/{task_id}/cancel",
    status_code=status.HTTP_202_ACCEPTED,
    response_model=CancelAccepted,
    responses={
        404: {"description": "No such postcard (or someone else's)"},
        409: {"description": "Nothing to cancel: the postcard is finished and no revision runs"},
        503: {"description": "Temporal is unreachable, so a running postcard was not cancelled"},
    },
)
async def cancel_postcard(row: PostcardDep, services: ServicesDep) -> CancelAccepted:
    """Cancel the postcard while it is queued or running, or its running revision.

    Queued, it never starts. Running, its step in flight is abandoned and no later step runs.
    Either way it ends FAILED with `error.type` `Cancelled` (a cancelled revision leaves the
    postcard showing its last completed one). Asking again is answered the same."""
    try:
        client = await services.temporal()
        done = await cancel(row.task_id, services.store, services.reads, client)
    except CancelRefused as exc:
        headers = {"Retry-After": "5"} if exc.status_code == 503 else None
        raise HTTPException(exc.status_code, exc.reason, headers=headers) from exc
    except RPCError as exc:
        reason = f"the run could not be cancelled: Temporal answered {exc.status.name}"
        raise HTTPException(503, reason, headers={"Retry-After": "5"}) from exc
    base = services.settings.effective_public_base_url
    return CancelAccepted(
        task_id=row.task_id,
        revision=done.revision,
        status_url=f"{base}/api/v1/postcards/status/{row.task_id}",
    )


@router.delete(
    "/{task_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    responses={404: {"description": "No such postcard (or someone else's)"}},
)
async def delete_postcard(row: PostcardDep, services: ServicesDep) -> Response:
    """Delete the postcard now: its files, its revisions and its record; a run still going is
    cancelled. It answers 404 afterwards, and no webhook fires for a delete."""
    await delete(row.task_id, services.store, services.blobs, await services.temporal())
    return Response(status_code=status.HTTP_204_NO_CONTENT)


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
    rows, total = services.reads.list_for_user(
        owner, (page - 1) * page_size, page_size, status_filter.value if status_filter else None
    )
    return PostcardPage(
        items=[summary(r, services.settings) for r in rows],
        total=total,
        page=page,
        page_size=page_size,
    )
