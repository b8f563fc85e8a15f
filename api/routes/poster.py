"""A finished postcard as one PNG for chat apps and print."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, HTTPException, Query
from fastapi.responses import Response

from api.deps import ServicesDep, ViewableDep
from api.posters import PosterUnavailable, poster_png
from engine import PosterFontMissing

router = APIRouter(prefix="/api/v1/postcards", tags=["postcards"])


@router.get(
    "/{task_id}/poster.png",
    response_class=Response,
    responses={
        200: {"content": {"image/png": {}}, "description": "The poster, 1080 px wide"},
        404: {"description": "No such postcard (or someone else's), or no such revision"},
        409: {"description": "The postcard is not COMPLETED yet, or failed"},
        503: {"description": "The server has no CJK font to draw the poster with"},
    },
)
async def poster(
    task_id: str,
    row: ViewableDep,
    services: ServicesDep,
    revision: Annotated[
        int | None, Query(ge=1, le=10_000, description="A revision; the latest by default")
    ] = None,
    download: bool = False,
) -> Response:
    """The illustration with the title, body and signature laid out beneath it (PNG)."""
    try:
        png = await poster_png(services.blobs, row, revision, services.reads.run)
    except PosterUnavailable as exc:
        raise HTTPException(exc.status_code, exc.reason) from None
    except PosterFontMissing as exc:
        raise HTTPException(503, str(exc)) from None
    disposition = "attachment" if download else "inline"
    return Response(
        png,
        media_type="image/png",
        headers={
            "Content-Disposition": f'{disposition}; filename="poster-{task_id}.png"',
            "Cache-Control": "private, max-age=3600",
            "X-Content-Type-Options": "nosniff",
        },
    )
