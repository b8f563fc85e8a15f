"""Posters of finished postcards: which revision's picture and words, and the blob-store cache."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import quote

from PIL import UnidentifiedImageError

from api.sharing import shared
from core.db import PostcardRun
from core.models import Content, PostcardStatus
from core.settings import Settings
from core.storage import BlobStore, poster_key
from engine import render_poster
from runs.reads import PostcardView

log = logging.getLogger("postcards.api.poster")


class PosterUnavailable(Exception):
    """Why a poster cannot be made, with the HTTP status that says so."""

    def __init__(self, status_code: int, reason: str) -> None:
        super().__init__(reason)
        self.status_code = status_code
        self.reason = reason


@dataclass(frozen=True)
class PosterSource:
    """What one revision's poster is drawn from."""

    revision: int
    image_key: str
    content: Content


RunLookup = Callable[[str, int], PostcardRun | None]
"""Finds one run of a postcard (runs.reads.RunReads.run)."""


def poster_source(
    view: PostcardView, revision: int | None = None, find: RunLookup | None = None
) -> PosterSource:
    """The picture and words of `revision` (the one the postcard shows by default) of a
    COMPLETED postcard; another revision's come from its own run, which `find` reads."""
    run: PostcardRun | None = view.run
    if revision is not None and revision != view.run.revision:
        run = find(view.task_id, revision) if find else None
        if run is None:
            raise PosterUnavailable(404, f"postcard {view.task_id!r} has no revision {revision}")
    assert run is not None
    if run.status != PostcardStatus.COMPLETED.value:
        what = f"postcard {view.task_id!r}" if revision is None else f"revision {run.revision}"
        raise PosterUnavailable(
            409, f"{what} is {run.status}: its poster is made once it is COMPLETED"
        )
    if not run.image_key or not run.content:
        raise PosterUnavailable(
            409, f"postcard {view.task_id!r} has no stored illustration or copy to draw a poster"
        )
    return PosterSource(run.revision, run.image_key, Content.model_validate(run.content))


async def poster_png(
    store: BlobStore, row: PostcardView, revision: int | None = None, find: RunLookup | None = None
) -> bytes:
    """The poster's PNG: from the cache, or drawn (in a thread: it takes CPU) and cached."""
    source = await asyncio.to_thread(poster_source, row, revision, find)
    key = poster_key(row.task_id, source.revision)
    if store.exists(key):
        return store.get(key)
    try:
        image = store.get(source.image_key)
    except FileNotFoundError:
        raise PosterUnavailable(
            409, f"postcard {row.task_id!r}: its illustration is missing from the blob store"
        ) from None
    try:
        poster = await asyncio.to_thread(render_poster, image, source.content)
    except UnidentifiedImageError:
        raise PosterUnavailable(
            409, f"postcard {row.task_id!r}: its stored illustration is not a readable image"
        ) from None
    store.put(key, poster.png, "image/png")
    log.info(
        "poster drawn",
        extra={"task_id": row.task_id, "revision": source.revision, "height": poster.height},
    )
    return poster.png


def poster_url(settings: Settings, row: PostcardRun) -> str:
    """The latest poster's absolute URL (carrying the share token when API keys are on).

    It names the revision, so a chat app that cached an older poster fetches the new one."""
    task_id = row.task_id
    url = (
        f"{settings.effective_public_base_url}/api/v1/postcards/{quote(task_id, safe='')}"
        f"/poster.png?revision={row.revision}"
    )
    return shared(settings, url, task_id) or url
