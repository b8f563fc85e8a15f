"""Checks of settings whose silent default would open the product or lose data.

Each check raises ValueError with a message that names the variable and the expected form, and
never repeats a secret's value: the settings object turns it into a start-up failure.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path
from urllib.parse import urlsplit

from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

API_KEYS_FORM = "key:user[,key:user]"
RATE_FORM = re.compile(r"(\d+)\s*/\s*(second|minute|hour)")
RATE_OFF = ("", "off", "none", "0")
MIN_SHARE_SECRET = 32
MIN_METRICS_TOKEN = 16


@lru_cache(maxsize=8)
def parse_api_keys(text: str) -> dict[str, str]:
    """`key:user[,key:user]` as key → user; ValueError naming API_KEYS for any bad entry.

    Read on every request (the result is shared: callers must not change it)."""
    users: dict[str, str] = {}
    entries = text.split(",")
    for number, entry in enumerate(entries, start=1):
        key, sep, user = (part.strip() for part in entry.partition(":"))
        where = f"API_KEYS entry {number} of {len(entries)}"
        if not sep or not key or not user:
            raise ValueError(
                f"{where} is not key:user; expected {API_KEYS_FORM} "
                "(a malformed entry is never dropped: fix it or unset API_KEYS)"
            )
        if any(ch.isspace() for ch in key):
            raise ValueError(f"{where} has whitespace in its key; expected {API_KEYS_FORM}")
        if key in users:
            raise ValueError(f"{where} repeats an earlier key; each key belongs to one user")
        users[key] = user
    return users


def check_secret_length(name: str, value: str, minimum: int) -> None:
    """A configured secret must be long enough to resist guessing."""
    if len(value) < minimum:
        raise ValueError(f"{name} must be at least {minimum} characters")


def check_rate(name: str, text: str) -> str:
    """`N/second|minute|hour`, or empty/off to turn the limit off."""
    cleaned = text.strip().lower()
    if cleaned not in RATE_OFF and not RATE_FORM.fullmatch(cleaned):
        raise ValueError(f"{name} {text!r} is not N/second|minute|hour (or empty/off)")
    return cleaned


def check_http_url(name: str, url: str) -> str:
    """An absolute http(s) URL with a host."""
    parts = urlsplit(url.strip())
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError(f"{name} must be an absolute http(s):// URL with a host")
    return url.strip()


def check_redis_url(url: str) -> None:
    """redis://, rediss:// or unix:// (a typo would otherwise surface as a runtime outage)."""
    if urlsplit(url).scheme not in ("redis", "rediss", "unix"):
        raise ValueError("REDIS_URL must start with redis://, rediss:// or unix://")


def redis_url_password(url: str) -> str | None:
    """The password a Redis URL carries, if any."""
    return urlsplit(url).password


def check_database_url(url: str) -> None:
    """A SQLAlchemy URL for SQLite or PostgreSQL; set-but-empty is refused."""
    if not url.strip():
        raise ValueError(
            "DATABASE_URL is set but empty; unset it to use SQLite under DATA_DIR, "
            "or give the database URL (an empty value would silently write elsewhere)"
        )
    try:
        backend = make_url(url).get_backend_name()
    except ArgumentError:
        raise ValueError(
            "DATABASE_URL is not a database URL (postgresql://… or sqlite:///…)"
        ) from None
    if backend not in ("sqlite", "postgresql"):
        raise ValueError(f"DATABASE_URL must be PostgreSQL or SQLite, not {backend!r}")


def check_data_dir(value: object) -> object:
    """A non-empty path that is a directory when it exists."""
    if isinstance(value, str) and not value.strip():
        raise ValueError("DATA_DIR is set but empty; unset it for .data or name a directory")
    if isinstance(value, (str, Path)) and Path(value).exists() and not Path(value).is_dir():
        raise ValueError("DATA_DIR exists and is not a directory")
    return value


def origin_of(url: str) -> str:
    """`scheme://host[:port]` of a URL, lower case: how browsers write the Origin header."""
    parts = urlsplit(url.strip())
    return f"{parts.scheme}://{parts.netloc}".lower()


@lru_cache(maxsize=8)
def parse_origins(text: str) -> frozenset[str]:
    """A comma list of origins (`https://host[:port]`), normalised; ValueError naming
    ALLOWED_ORIGINS for an entry that is not one (a path, a wildcard, a missing scheme)."""
    origins = set()
    for entry in (part.strip() for part in text.split(",")):
        if not entry:
            continue
        parts = urlsplit(entry)
        if (
            parts.scheme not in ("http", "https")
            or not parts.hostname
            or "*" in entry
            or parts.path not in ("", "/")
            or parts.query
            or parts.fragment
            or parts.username
        ):
            raise ValueError(
                f"ALLOWED_ORIGINS entry {entry[:100]!r} is not an origin; expected "
                "https://host[:port][,https://host2] (no path, no wildcard)"
            )
        origins.add(origin_of(entry))
    return frozenset(origins)
