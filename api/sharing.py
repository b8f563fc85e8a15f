"""Share links: with API keys on, a postcard's owner hands out a capability for that one card."""

from __future__ import annotations

import hashlib
import hmac
from urllib.parse import quote

from core.settings import Settings


def _secret(settings: Settings) -> bytes:
    if settings.share_secret:
        return settings.share_secret.get_secret_value().encode()
    keys = settings.api_keys.get_secret_value() if settings.api_keys else ""
    return hashlib.sha256(b"postcard-share\n" + keys.encode()).digest()


def share_token(settings: Settings, task_id: str) -> str:
    """The token that opens one postcard's preview and files without an API key."""
    return hmac.new(_secret(settings), task_id.encode(), hashlib.sha256).hexdigest()[:32]


def valid_share(settings: Settings, task_id: str, token: str | None) -> bool:
    """Whether `token` opens `task_id`."""
    return bool(token) and hmac.compare_digest(share_token(settings, task_id), token or "")


def shared(settings: Settings, url: str | None, task_id: str) -> str | None:
    """`url` carrying the share token when API keys are on; unchanged in local mode."""
    if url is None or not settings.api_key_users:
        return url
    separator = "&" if "?" in url else "?"
    return f"{url}{separator}share={quote(share_token(settings, task_id))}"
