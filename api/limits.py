"""Request limits as ASGI middleware: body size (413) and a per-user create rate (429)."""

from __future__ import annotations

import json
import logging
import re
import time
from dataclasses import dataclass

from fastapi import HTTPException
from redis.exceptions import RedisError
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.deps import user_for

log = logging.getLogger("postcards.api")
CREATE_PATH = "/api/v1/postcards/create"
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


class BodySizeLimit:
    """Refuse bodies over `max_bytes` before anything parses them: by Content-Length when the
    client declares it, else by counting the bytes as they stream in."""

    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = dict(scope["headers"]).get(b"content-length")
        if declared is not None and (not declared.isdigit() or int(declared) > self.max_bytes):
            reason = BodyTooLarge(self.max_bytes).detail
            if not declared.isdigit():
                reason = "Content-Length is not a number"
            await _send_json(send, 413 if declared.isdigit() else 400, {"detail": reason}, {})
            return
        seen = 0
        started = False

        async def counted() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.max_bytes:
                    raise BodyTooLarge(self.max_bytes)
            return message

        async def watched(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, counted, watched)
        except BodyTooLarge as exc:
            if started:
                raise
            await _send_json(send, 413, {"detail": exc.detail}, {})


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


class CreateRateLimit:
    """A fixed-window counter per user in Redis for POST create; over it answers 429.

    When Redis is down the request goes through: create itself then answers 503.
    """

    def __init__(self, app: ASGIApp, rate: Rate | None, prefix: str = "ratelimit:create") -> None:
        self.app = app
        self.rate = rate
        self.prefix = prefix

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if (
            self.rate is None
            or scope["type"] != "http"
            or scope["method"] != "POST"
            or scope["path"].rstrip("/") != CREATE_PATH
        ):
            await self.app(scope, receive, send)
            return
        retry_after = await self._over_limit(scope, self.rate)
        if retry_after is None:
            await self.app(scope, receive, send)
            return
        reason = (
            f"too many postcards: the limit is {self.rate.limit} per {self.rate.window_s} s; "
            f"try again in {retry_after} s"
        )
        await _send_json(send, 429, {"detail": reason}, {"Retry-After": str(retry_after)})

    async def _over_limit(self, scope: Scope, rate: Rate) -> int | None:
        """Seconds until the window resets when the caller is over the limit, else None."""
        services = scope["app"].state.services
        headers = {k.decode("latin-1"): v.decode("latin-1") for k, v in scope["headers"]}
        try:
            user = user_for(services, headers.get("authorization"), headers.get("x-api-key"))
        except HTTPException:
            return None  # the route answers 401 itself
        now = time.time()
        window = int(now // rate.window_s)
        key = f"{self.prefix}:{user}:{window}"
        try:
            # The backlog check rides along when its cached reading is stale (one round trip).
            count = await services.ingest.admit(key, rate.window_s + 1)
        except (RedisError, OSError) as exc:
            log.warning("rate limit skipped: redis unavailable", extra={"error": str(exc)[:200]})
            return None
        if int(count) <= rate.limit:
            return None
        return max(1, int((window + 1) * rate.window_s - now + 0.999))
