"""Dependencies: the services, the caller's identity, and the caller's own postcard."""

from __future__ import annotations

import secrets
from datetime import datetime
from typing import Annotated

from fastapi import Depends, Header, HTTPException, Query, Request, status

from api.services import Services
from api.sharing import valid_share
from core.db import as_utc
from runs.reads import PostcardView

LOCAL_USER = "local"


async def get_services(request: Request) -> Services:
    """The app's services (async: FastAPI runs sync dependencies in its thread pool)."""
    services: Services = request.app.state.services
    return services


ServicesDep = Annotated[Services, Depends(get_services)]


async def current_user(
    services: ServicesDep,
    authorization: Annotated[str | None, Header()] = None,
    x_api_key: Annotated[str | None, Header()] = None,
) -> str:
    """The user behind the API key; everyone is `local` when no keys are configured."""
    return user_for(services, authorization, x_api_key)


def user_for(services: Services, authorization: str | None, x_api_key: str | None) -> str:
    """The user behind the presented key, or 401 (a plain function for middleware to call)."""
    users = services.settings.api_key_users
    if not users:
        return LOCAL_USER
    presented = x_api_key
    if authorization and authorization.lower().startswith("bearer "):
        presented = authorization[7:].strip()
    for key, user in users.items():
        if presented and secrets.compare_digest(presented.encode(), key.encode()):
            return user
    raise HTTPException(
        status.HTTP_401_UNAUTHORIZED,
        "a valid API key is required (Authorization: Bearer <key> or X-API-Key)",
        headers={"WWW-Authenticate": "Bearer"},
    )


UserDep = Annotated[str, Depends(current_user)]


def owned_postcard(task_id: str, services: ServicesDep, user: UserDep) -> PostcardView:
    """The caller's postcard; 404 alike for unknown and for someone else's."""
    row = services.reads.get(task_id) if len(task_id) <= 64 else None
    if row is None or (services.settings.api_key_users and row.user_id != user):
        raise HTTPException(status.HTTP_404_NOT_FOUND, f"no postcard with task id {task_id!r}")
    return row


PostcardDep = Annotated[PostcardView, Depends(owned_postcard)]


class Gone(Exception):
    """A postcard whose files retention deleted: answered 410 with its expiry time."""

    def __init__(self, task_id: str, expired_at: datetime) -> None:
        super().__init__(task_id)
        self.task_id = task_id
        self.expired_at = expired_at


def unexpired(view: PostcardView) -> PostcardView:
    """The postcard, or Gone (410) once retention deleted its files."""
    expired = as_utc(view.postcard.expired_at)
    if expired is not None:
        raise Gone(view.task_id, expired)
    return view


def owned_unexpired(row: PostcardDep) -> PostcardView:
    """The caller's postcard while its results are kept."""
    return unexpired(row)


FreshDep = Annotated[PostcardView, Depends(owned_unexpired)]


def viewable_postcard(
    task_id: str,
    services: ServicesDep,
    share: Annotated[str | None, Query(max_length=64, description="A share-link token")] = None,
    authorization: Annotated[str | None, Header()] = None,
    x_api_key: Annotated[str | None, Header()] = None,
) -> PostcardView:
    """A postcard opened by its owner's key or by its share link (frames and links send no key)."""
    if services.settings.api_key_users and valid_share(services.settings, task_id, share):
        row = services.reads.get(task_id)
        if row is not None:
            return row
    user = user_for(services, authorization, x_api_key)
    return owned_postcard(task_id, services, user)


def viewable_unexpired(
    row: Annotated[PostcardView, Depends(viewable_postcard)],
) -> PostcardView:
    """A viewable postcard while its results are kept."""
    return unexpired(row)


ViewableDep = Annotated[PostcardView, Depends(viewable_unexpired)]
