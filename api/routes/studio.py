"""The studio page at `/` and its static assets, under a self-only Content-Security-Policy."""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter
from fastapi.responses import FileResponse
from starlette.staticfiles import StaticFiles
from starlette.types import Message, Receive, Scope, Send

from api.csp import app_origin, policy
from api.deps import ServicesDep
from core.settings import Settings

STATIC_DIR = Path(__file__).resolve().parent.parent / "static"
router = APIRouter(tags=["studio"])


def studio_policy(settings: Settings) -> str:
    """Scripts and styles from this origin only; previews framed from here, nothing else."""
    own = f"'self' {app_origin(settings)}"
    return policy(
        {
            "default-src": "'none'",
            "script-src": "'self'",
            "style-src": "'self'",
            "img-src": f"{own} data: blob:",
            "connect-src": own,
            "frame-src": own,
            "base-uri": "'none'",
            "form-action": "'none'",
            "frame-ancestors": "'none'",
        }
    )


def studio_headers(settings: Settings) -> dict[str, str]:
    """Headers for the page and its assets."""
    return {
        "Content-Security-Policy": studio_policy(settings),
        "X-Content-Type-Options": "nosniff",
        "Referrer-Policy": "same-origin",
        "Cache-Control": "no-cache",
    }


@router.get("/", include_in_schema=False)
def studio(services: ServicesDep) -> FileResponse:
    """The studio: create a postcard, watch it being made, browse and share."""
    return FileResponse(STATIC_DIR / "index.html", headers=studio_headers(services.settings))


class StudioStatic(StaticFiles):
    """Static files carrying the studio's headers."""

    def __init__(self, settings: Settings) -> None:
        super().__init__(directory=STATIC_DIR)
        self.extra_headers = [
            (k.lower().encode(), v.encode()) for k, v in studio_headers(settings).items()
        ]

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Serve the file with the extra headers added."""

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = [*message.get("headers", []), *self.extra_headers]
            await send(message)

        await super().__call__(scope, receive, send_with_headers)
