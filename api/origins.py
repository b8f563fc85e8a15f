"""Which pages may change postcards: the cross-site check of every state-changing request.

A create accepts a `text/plain` body, which any web page can POST without a CORS preflight, and
a bodiless POST (a cancel) needs no preflight either; with API keys off, any site a person
visits could then spend their provider credits. Browsers say where a request comes from
(`Sec-Fetch-Site`, `Origin`); clients that are not browsers (curl, backends) send no `Origin`.
"""

from __future__ import annotations

from starlette.types import Scope

UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
SAME_SITE_FETCHES = ("same-origin", "none")
"""`Sec-Fetch-Site` values of the app's own pages and of what a person typed or bookmarked."""


def cross_site_refusal(scope: Scope, allowed: frozenset[str]) -> str | None:
    """The reason to refuse a state-changing request from another site's page, or None.

    Accepted: `Sec-Fetch-Site` same-origin or none; an `Origin` that is the request's own
    scheme and host, or one of `allowed` (`Settings.trusted_origins`); no `Origin` at all.
    Browsers send `Origin` on every cross-origin POST, so a request without one is not
    another site's page."""
    if scope["method"] not in UNSAFE_METHODS:
        return None
    site = origin = host = None
    for name, value in scope["headers"]:
        if name == b"sec-fetch-site":
            site = value.decode("latin-1").strip().lower()
        elif name == b"origin":
            origin = value.decode("latin-1").strip().lower()
        elif name == b"host":
            host = value.decode("latin-1").strip().lower()
    if site in SAME_SITE_FETCHES or origin is None:
        return None
    own = f"{scope.get('scheme', 'http')}://{host}" if host else None
    if origin == own or origin in allowed:
        return None
    fetch_site = (site or "not sent")[:20]
    return (
        f"cross-site request refused: a page at {origin[:100]} may not change postcards here "
        f"(Sec-Fetch-Site: {fetch_site}); add its origin to ALLOWED_ORIGINS to allow it"
    )
