"""Content-Security-Policy headers: one way to write them, for the studio and the previews."""

from __future__ import annotations

from urllib.parse import urlsplit

from core.settings import Settings


def app_origin(settings: Settings) -> str:
    """The app's own origin (scheme://host[:port]), from its public base URL."""
    parts = urlsplit(settings.effective_public_base_url)
    return f"{parts.scheme}://{parts.netloc}"


def policy(directives: dict[str, str]) -> str:
    """A CSP header value from directive names and their sources."""
    return "; ".join(f"{name} {sources}" for name, sources in directives.items())
