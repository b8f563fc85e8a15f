"""The webhook HTTP client: one POST to a user's URL that cannot be turned against us.

The host is resolved here, every address it resolves to is checked (`refused_address`), and the
connection goes to a checked address, so a DNS answer cannot change between the check and the
connect. TLS still verifies the URL's host name (httpcore passes it to `start_tls` for SNI and
the certificate) and the Host header names it. No redirect is followed (httpcore never follows
one); at most MAX_BODY bytes of the answer are read, and the rest is ignored.
"""

from __future__ import annotations

import asyncio
import socket
import time
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import httpcore

from core.webhook_checks import check_url, is_ip, refused_address

Resolver = Callable[[str, int], Awaitable[list[str]]]
"""host, port → the IP addresses to connect to (injectable: tests have no public DNS)."""
MAX_BODY = 4096
USER_AGENT = "PostcardStudio-Webhooks/1"


class UrlRefused(Exception):
    """The URL or an address its host resolves to may not be reached; the message says why."""


@dataclass(frozen=True)
class Answer:
    """What one POST got: the status code, or the error that stopped it."""

    status_code: int | None
    latency_ms: float
    error: str | None = None


async def system_resolver(host: str, port: int) -> list[str]:
    """The host's addresses from the system resolver, in its order, without repeats."""
    infos = await asyncio.get_running_loop().getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return list(dict.fromkeys(str(info[4][0]) for info in infos))


class CheckedBackend(httpcore.AsyncNetworkBackend):
    """httpcore's network backend, connecting only to addresses that passed the check."""

    def __init__(self, resolver: Resolver, allow_private: bool) -> None:
        self._resolver = resolver
        self._allow_private = allow_private
        self._inner = httpcore.AnyIOBackend()

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,  # noqa: ASYNC109 (httpcore's interface)
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        """Resolve `host`, refuse it if any of its addresses is refused, then connect to the
        checked addresses in turn."""
        host = host.strip("[]")
        try:
            addresses = [host] if is_ip(host) else await self._resolver(host, port)
        except OSError as exc:
            raise httpcore.ConnectError(f"{host} did not resolve: {exc}") from exc
        if not addresses:
            raise httpcore.ConnectError(f"{host} did not resolve")
        for address in addresses:
            reason = refused_address(address, self._allow_private)
            if reason:
                shown = host if host == address else f"{host} resolves to {address},"
                raise UrlRefused(f"{shown} {reason}, which webhooks may not reach")
        failure: httpcore.ConnectError | None = None
        for address in addresses:
            try:
                return await self._inner.connect_tcp(
                    address, port, timeout, local_address, socket_options
                )
            except httpcore.ConnectError as exc:
                failure = exc
        assert failure is not None
        raise failure

    async def connect_unix_socket(
        self,
        path: str,
        timeout: float | None = None,  # noqa: ASYNC109 (httpcore's interface)
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        raise UrlRefused("a unix socket is not a webhook target")

    async def sleep(self, seconds: float) -> None:
        await self._inner.sleep(seconds)


async def post(
    url: str,
    body: bytes,
    headers: dict[str, str],
    *,
    allow_private: bool,
    timeout_s: float,
    resolver: Resolver = system_resolver,
) -> Answer:
    """POST `body` to `url` once; UrlRefused when the URL or its addresses are refused."""
    try:
        check_url(url, allow_private)
    except ValueError as exc:
        raise UrlRefused(f"the URL {exc}") from None
    sent = [
        ("Content-Type", "application/json"),
        ("Content-Length", str(len(body))),
        ("User-Agent", USER_AGENT),
        *headers.items(),
    ]
    per_phase = {"connect": timeout_s, "read": timeout_s, "write": timeout_s, "pool": timeout_s}
    started = time.perf_counter()

    def took() -> float:
        return round((time.perf_counter() - started) * 1000, 2)

    backend = CheckedBackend(resolver, allow_private)
    try:
        async with (
            asyncio.timeout(timeout_s),
            httpcore.AsyncConnectionPool(network_backend=backend, max_connections=1) as pool,
            pool.stream(
                "POST", url, headers=sent, content=body, extensions={"timeout": per_phase}
            ) as response,
        ):
            read = 0
            async for chunk in response.aiter_stream():
                read += len(chunk)
                if read >= MAX_BODY:
                    break
            return Answer(response.status, took())
    except TimeoutError:
        return Answer(None, took(), f"no answer within {timeout_s:g} s")
    except httpcore.TimeoutException as exc:
        return Answer(None, took(), f"{type(exc).__name__}: no answer within {timeout_s:g} s")
    except httpcore.NetworkError as exc:
        return Answer(None, took(), f"{type(exc).__name__}: {exc or 'connection failed'}")
    except httpcore.ProtocolError as exc:
        return Answer(None, took(), f"{type(exc).__name__}: {exc}"[:300])


def host_of(url: str) -> str:
    """The URL's host, for logs."""
    return urlsplit(url).hostname or ""
