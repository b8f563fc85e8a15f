"""The API's request middleware: metrics, body size (413), the cross-site check of requests that
change something (403), and a per-user rate of creates and regenerates (429)."""

from __future__ import annotations

import json
import logging
import re
import time
from dataclasses import dataclass

import redis.asyncio as aioredis
from fastapi import HTTPException
from redis.exceptions import RedisError
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api import metrics
from api.deps import LOCAL_USER, user_for
from api.origins import cross_site_refusal

log = logging.getLogger("postcards.api")
CREATE_PATH = "/api/v1/postcards/create"
REGENERATE_PATH = re.compile(r"/api/v1/postcards/[^/]+/regenerate/?")
PERIODS = {"second": 1, "minute": 60, "hour": 3600}


class BodyTooLarge(HTTPException):
    """Raised from `receive` once a streamed body passes the limit; FastAPI answers 413."""

    def __init__(self, limit: int) -> None:
        super().__init__(413, f"request body is larger than the {limit}-byte limit")


async def _send_json(send: Send, status: int, body: dict, headers: dict[str, str]) -> None:
    raw = json.dumps(body).encode()
    pairs = [(b"content-type", b"application/json"), (b"content-length", str(len(raw)).encode())]
    pairs += [(k.lower().encode(), v.encode()) for k, v in headers.items()]
    await send({"type": "http.response.start", "status": status, "headers": pairs})
    await send({"type": "http.response.body", "body": raw})


# One fixed-window counter: INCR, and an expiry once the window's first create made it.
# KEYS: the counter. ARGV: its time to live in seconds.
_COUNT = """
local count = redis.call('INCR', KEYS[1])
if count == 1 then redis.call('EXPIRE', KEYS[1], ARGV[1]) end
return count
"""


async def count_create(redis: aioredis.Redis, key: str, ttl_s: int) -> int:
    """Count one create against `key` (a user's window); the count so far."""
    return int(await redis.register_script(_COUNT)(keys=[key], args=[ttl_s]))


@dataclass(frozen=True)
class Rate:
    """N requests per window."""

    limit: int
    window_s: int

    @classmethod
    def parse(cls, text: str | None) -> Rate | None:
        """`30/minute`, `5/second`, `1000/hour`; empty or `off` means no limit."""
        text = (text or "").strip().lower()
        if text in ("", "off", "none", "0"):
            return None
        match = re.fullmatch(r"(\d+)\s*/\s*(second|minute|hour)", text)
        if not match:
            raise ValueError(f"CREATE_RATE_LIMIT {text!r} is not N/second|minute|hour")
        return cls(int(match.group(1)), PERIODS[match.group(2)])


def makes_postcards(scope: Scope) -> bool:
    """A create or a regenerate: the requests that spend provider calls."""
    if scope["method"] != "POST":
        return False
    path = scope["path"]
    return path.rstrip("/") == CREATE_PATH or REGENERATE_PATH.fullmatch(path) is not None


class RequestGate:
    """The API's one request middleware: counts every request for the metrics, refuses bodies
    over `max_bytes` before anything parses them (413), refuses state-changing requests from
    other sites' pages (403, api/origins.py), and holds creates and regenerates to one per-user
    rate (429). One layer, so a request pays for one wrapper of `send` instead of four.

    Body size: by Content-Length when the client declares it, else by counting the bytes as they
    stream in. Rate: a fixed-window counter per user in Redis, shared by creates and regenerates
    (both spend provider calls); when Redis is down the request goes through (create itself then
    answers 503). The cross-site check sits here rather than in a route dependency so that it
    covers every POST/PUT/PATCH/DELETE route, those added later included (cancel, delete), and
    runs before a refused request could count against its user's rate.
    """

    def __init__(
        self,
        app: ASGIApp,
        max_bytes: int,
        rate: Rate | None,
        prefix: str = "ratelimit:create",
        origins: frozenset[str] = frozenset(),
    ) -> None:
        self.app = app
        self.max_bytes = max_bytes
        self.rate = rate
        self.prefix = prefix
        self.origins = origins

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 500

        async def watched(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self._handle(scope, receive, watched)
        finally:
            metrics.record(scope, status, started)

    async def _handle(self, scope: Scope, receive: Receive, send: Send) -> None:
        declared = None
        chunked = False
        for name, value in scope["headers"]:
            if name == b"content-length":
                declared = value
            elif name == b"transfer-encoding":
                chunked = True
        if declared is not None and (not declared.isdigit() or int(declared) > self.max_bytes):
            if declared.isdigit():
                await _send_json(send, 413, {"detail": BodyTooLarge(self.max_bytes).detail}, {})
            else:
                await _send_json(send, 400, {"detail": "Content-Length is not a number"}, {})
            return
        cross_site = cross_site_refusal(scope, self.origins)
        if cross_site is not None:
            await _send_json(send, 403, {"detail": cross_site}, {})
            return
        if makes_postcards(scope):
            refused = await self._refuse_create(scope)
            if refused is not None:
                await _send_json(send, *refused)
                return
        if declared is not None and not chunked:  # the server reads just the declared length
            await self.app(scope, receive, send)
            return
        seen = 0
        responded = False

        async def counted() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.max_bytes:
                    raise BodyTooLarge(self.max_bytes)
            return message

        async def noted(message: Message) -> None:
            nonlocal responded
            responded = responded or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, counted, noted)
        except BodyTooLarge as exc:
            if responded:
                raise
            await _send_json(send, 413, {"detail": exc.detail}, {})

    async def _refuse_create(self, scope: Scope) -> tuple[int, dict, dict[str, str]] | None:
        """401 for a create or regenerate without a valid API key and 429 over the rate (both
        before the body is read), as (status, body, headers); None to let it through."""
        services = scope["app"].state.services
        user = LOCAL_USER
        if services.settings.api_key_users:
            authorization = api_key = None
            for name, value in scope["headers"]:
                if name == b"authorization":
                    authorization = value.decode("latin-1")
                elif name == b"x-api-key":
                    api_key = value.decode("latin-1")
            try:
                user = user_for(services, authorization, api_key)
            except HTTPException as exc:
                return exc.status_code, {"detail": exc.detail}, dict(exc.headers or {})
        rate = self.rate
        if rate is None:
            return None
        now = time.time()
        window = int(now // rate.window_s)
        key = f"{self.prefix}:{user}:{window}"
        try:
            count = await count_create(services.redis, key, rate.window_s + 1)
        except (RedisError, OSError) as exc:
            log.warning("rate limit skipped: redis unavailable", extra={"error": str(exc)[:200]})
            return None
        if count <= rate.limit:
            return None
        retry_after = max(1, int((window + 1) * rate.window_s - now + 0.999))
        reason = (
            f"too many postcards: the limit is {rate.limit} per {rate.window_s} s, creates and "
            f"regenerates together; try again in {retry_after} s"
        )
        return 429, {"detail": reason}, {"Retry-After": str(retry_after)}
