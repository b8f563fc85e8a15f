"""Serve generated pages as untrusted content, and the stored images and downloads."""

from __future__ import annotations

import html
from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, Header, HTTPException, Query, status
from fastapi.responses import FileResponse, HTMLResponse

from api.csp import app_origin, policy
from api.deps import ServicesDep, ViewableDep, unexpired, viewable_postcard
from api.link_preview import link_preview_tags
from api.sharing import shared
from core.db import PostcardRun
from core.models import PostcardStatus
from core.settings import Settings
from core.storage import InvalidBlob, parse_key

router = APIRouter(tags=["preview"])
# The frame a top-level preview gets: CSP sandboxing cannot stop a top-level page navigating
# itself away (to any URL, carrying what it likes), but a parent's frame-src can (docs/security.md).
FRAME_POLICY = policy(
    {
        "default-src": "'none'",
        "frame-src": "'self'",
        "style-src": "'unsafe-inline'",
        "base-uri": "'none'",
        "form-action": "'none'",
        "frame-ancestors": "'self'",
    }
)
FRAME_PAGE = """<!doctype html><html><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1, viewport-fit=cover">
<title>Postcard</title>{head}<style>html,body{{margin:0;height:100%;background:#111}}
iframe{{display:block;border:0;width:100%;height:100%}}</style></head>
<body><iframe src="{src}" sandbox="allow-scripts" referrerpolicy="no-referrer" title="Postcard">
</iframe></body></html>"""


def preview_policy(settings: Settings) -> str:
    """A CSP that sandboxes the page into an opaque origin and lets it load only its image."""
    return policy(
        {
            "sandbox": "allow-scripts",
            "default-src": "'none'",
            "script-src": "'unsafe-inline'",
            "style-src": "'unsafe-inline'",
            "img-src": f"{app_origin(settings)} data: blob:",
            "font-src": "data:",
            "media-src": "data: blob:",
            "connect-src": "'none'",
            "form-action": "'none'",
            "base-uri": "'none'",
            "frame-ancestors": "'self'",
        }
    )


def untrusted_headers(settings: Settings) -> dict[str, str]:
    """Headers for any generated HTML."""
    return {
        "Content-Security-Policy": preview_policy(settings),
        "X-Content-Type-Options": "nosniff",
        "Referrer-Policy": "no-referrer",
        "Cache-Control": "no-store",
        "Permissions-Policy": "camera=(), microphone=(), geolocation=(), payment=()",
    }


FRAME_DESTINATIONS = ("iframe", "frame")


def wants_page(sec_fetch_dest: str | None, frame: bool) -> bool:
    """Whether to answer with the page itself rather than the frame that pins it in place.

    Only a frame load gets the page: a browser says so (`Sec-Fetch-Dest: iframe`); a client
    that sends no Sec-Fetch-Dest (an older webview, curl) gets the frame, whose own iframe asks
    with `?frame=1`. Whatever carries the marker still has the sandbox CSP (no top navigation).
    """
    if sec_fetch_dest is None:
        return frame
    return sec_fetch_dest in FRAME_DESTINATIONS


def frame_response(
    settings: Settings, task_id: str, head: str = "", revision: int | None = None
) -> HTMLResponse:
    """The wrapper page: a sandboxed iframe of the page, kept on this origin by frame-src."""
    inner = f"/preview/{quote(task_id, safe='')}?frame=1"
    if revision is not None:
        inner += f"&revision={revision}"
    src = html.escape(shared(settings, inner, task_id) or "")
    headers = {"Content-Security-Policy": FRAME_POLICY, "Vary": "Sec-Fetch-Dest"}
    headers |= {
        k: v for k, v in untrusted_headers(settings).items() if k != "Content-Security-Policy"
    }
    return HTMLResponse(FRAME_PAGE.format(src=src, head=head), headers=headers)


@router.get("/preview/{task_id}", response_class=HTMLResponse)
def preview(
    task_id: str,
    row: ViewableDep,
    services: ServicesDep,
    sec_fetch_dest: Annotated[str | None, Header(include_in_schema=False)] = None,
    frame: Annotated[bool, Query(include_in_schema=False)] = False,
    revision: Annotated[int | None, Query(ge=1, description="An older revision's page")] = None,
) -> HTMLResponse:
    """The generated page, sandboxed: it cannot reach this origin, its cookies or the API.

    Anything but a frame load gets it inside a frame of this URL, which pins it in place.
    The latest revision's page unless `revision` names another one.
    """
    settings = services.settings
    shown: PostcardRun | None = row.run
    if revision is not None and revision != row.run.revision:
        shown = services.reads.run(row.task_id, revision)
        if shown is None:
            raise HTTPException(status.HTTP_404_NOT_FOUND, f"no revision {revision} of {task_id!r}")
    assert shown is not None
    if shown.status != PostcardStatus.COMPLETED.value or not shown.frontend_code:
        what = f"postcard {task_id!r}" if revision is None else f"revision {shown.revision}"
        raise HTTPException(
            status.HTTP_404_NOT_FOUND if revision is None else status.HTTP_409_CONFLICT,
            f"{what} has no page yet: it is {shown.status}",
        )
    if not wants_page(sec_fetch_dest, frame):
        return frame_response(settings, task_id, link_preview_tags(settings, row.run), revision)
    headers = untrusted_headers(settings) | {"Vary": "Sec-Fetch-Dest"}
    page = shown.frontend_code
    if shown.image_url and settings.api_key_users:
        # The sandboxed page sends no key: its image opens with the card's share token.
        page = page.replace(shown.image_url, shared(settings, shown.image_url, task_id) or "")
    return HTMLResponse(page, headers=headers)


@router.get("/files/{key:path}")
def blob(
    key: str,
    services: ServicesDep,
    download: bool = False,
    share: Annotated[str | None, Query(max_length=64, description="A share-link token")] = None,
    authorization: Annotated[str | None, Header()] = None,
    x_api_key: Annotated[str | None, Header()] = None,
) -> FileResponse:
    """A stored image or page; pages always download, never render on this origin.

    Only `images/*.png|jpg|webp`, `pages/*.html` and `posters/*.png` exist; an image is served
    with the type its bytes say, and not at all when they disagree with its name."""
    try:
        parts = parse_key(key)
    except InvalidBlob:
        raise HTTPException(status.HTTP_404_NOT_FOUND, f"no file {key!r}") from None
    unexpired(viewable_postcard(parts.task_id, services, share, authorization, x_api_key))
    store = services.blobs
    try:
        media_type = store.content_type(key) if store.exists(key) else None
    except InvalidBlob:
        media_type = None
    if media_type is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, f"no file {key!r}")
    headers = {"X-Content-Type-Options": "nosniff", "Cache-Control": "private, max-age=3600"}
    if not parts.is_image:
        headers |= untrusted_headers(services.settings)
        download = True
    filename = f"postcard-{parts.task_id}.{parts.ext}" if download else None
    return FileResponse(
        store.path(key),
        media_type=media_type,
        headers=headers,
        filename=filename,
        content_disposition_type="attachment" if download else "inline",
    )
