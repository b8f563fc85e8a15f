"""A lean HTTP/1.1 load generator over asyncio streams: open-loop at a fixed rate, or closed-loop.

Hand-rolled rather than httpx so the generator spends little of the two cores it shares with
the server. Open-loop latency is measured from each request's *scheduled* send time, so a
stalled server shows up as latency instead of silently lowering the offered rate
(no coordinated omission).
"""

from __future__ import annotations

import asyncio
import json
import time
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit


@dataclass
class LoadResult:
    """What a load run saw."""

    sent: int = 0
    ok: int = 0
    errors: int = 0
    statuses: dict[str, int] = field(default_factory=dict)
    latencies_ms: list[float] = field(default_factory=list)
    elapsed_s: float = 0.0
    connections: int = 0

    def record(self, status: int | None, latency_ms: float) -> None:
        """Count one answer (None: the connection failed)."""
        key = str(status) if status is not None else "connection-error"
        self.statuses[key] = self.statuses.get(key, 0) + 1
        if status is not None and 200 <= status < 300:
            self.ok += 1
            self.latencies_ms.append(latency_ms)
        else:
            self.errors += 1


class Connection:
    """One keep-alive connection that sends a request and reads the whole answer."""

    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.reader = reader
        self.writer = writer

    @classmethod
    async def open(cls, host: str, port: int) -> Connection:
        reader, writer = await asyncio.open_connection(host, port)
        return cls(reader, writer)

    async def exchange(self, request: bytes) -> int:
        """Send one request; the status code of the answer."""
        status, _ = await self.exchange_full(request)
        return status

    async def exchange_full(self, request: bytes) -> tuple[int, bytes]:
        """Send one request; the status code and the body of the answer."""
        self.writer.write(request)
        head = await self.reader.readuntil(b"\r\n\r\n")
        lines = head.split(b"\r\n")
        status = int(lines[0].split(b" ", 2)[1])
        length = 0
        for line in lines[1:]:
            name, _, value = line.partition(b":")
            if name.strip().lower() == b"content-length":
                length = int(value.strip())
        body = await self.reader.readexactly(length) if length else b""
        return status, body

    def close(self) -> None:
        self.writer.close()


def post_request(url: str, body: dict[str, Any]) -> tuple[str, int, bytes]:
    """Host, port and the raw bytes of a keep-alive JSON POST."""
    parts = urlsplit(url)
    payload = json.dumps(body, ensure_ascii=False).encode()
    head = (
        f"POST {parts.path or '/'} HTTP/1.1\r\nHost: {parts.netloc}\r\n"
        f"Content-Type: application/json\r\nContent-Length: {len(payload)}\r\n"
        "Connection: keep-alive\r\n\r\n"
    ).encode()
    return parts.hostname or "127.0.0.1", parts.port or 80, head + payload


class Pool:
    """Idle connections reused LIFO; a new one is opened when none is idle, up to a cap."""

    def __init__(self, host: str, port: int, cap: int) -> None:
        self.host = host
        self.port = port
        self.idle: list[Connection] = []
        self.opened = 0
        self.slots = asyncio.Semaphore(cap)

    async def send(self, request: bytes) -> int | None:
        async with self.slots:
            reused = self.idle.pop() if self.idle else None
            # A reused connection may have been closed by the server's keep-alive timeout
            # while idle; that is the client's doing, so it gets one retry on a fresh one.
            for conn in ([reused] if reused else []) + [None]:
                try:
                    if conn is None:
                        conn = await Connection.open(self.host, self.port)
                        self.opened += 1
                        reused = None
                    status = await conn.exchange(request)
                except (OSError, asyncio.IncompleteReadError, ValueError, IndexError):
                    if conn is not None:
                        conn.close()
                    if reused is not None:
                        continue
                    return None
                self.idle.append(conn)
                return status
            return None

    def close(self) -> None:
        for conn in self.idle:
            conn.close()
        self.idle.clear()


async def open_loop(
    url: str, body: dict[str, Any], rate: float, duration_s: float, max_connections: int = 512
) -> LoadResult:
    """Send `rate` requests per second for `duration_s`, each at its scheduled instant."""
    host, port, request = post_request(url, body)
    pool = Pool(host, port, max_connections)
    result = LoadResult()
    total = int(rate * duration_s)
    loop = asyncio.get_running_loop()
    tasks: list[asyncio.Task[None]] = []

    async def one(scheduled: float) -> None:
        status = await pool.send(request)
        result.record(status, (loop.time() - scheduled) * 1000)

    start = loop.time() + 0.05
    for i in range(total):
        scheduled = start + i / rate
        delay = scheduled - loop.time()
        if delay > 0:
            await asyncio.sleep(delay)
        result.sent += 1
        tasks.append(asyncio.create_task(one(scheduled)))
    await asyncio.wait_for(asyncio.gather(*tasks), timeout=120)
    result.elapsed_s = loop.time() - start
    result.connections = pool.opened
    pool.close()
    return result


async def closed_loop(
    url: str, body: dict[str, Any], connections: int, duration_s: float
) -> LoadResult:
    """`connections` clients each sending back-to-back for `duration_s`: the sustained maximum."""
    host, port, request = post_request(url, body)
    result = LoadResult(connections=connections)
    stop_at = time.perf_counter() + duration_s

    async def client() -> None:
        conn: Connection | None = None
        while time.perf_counter() < stop_at:
            began = time.perf_counter()
            status: int | None
            try:
                if conn is None:
                    conn = await Connection.open(host, port)
                status = await conn.exchange(request)
            except (OSError, asyncio.IncompleteReadError, ValueError, IndexError):
                if conn is not None:
                    conn.close()
                conn, status = None, None
            result.sent += 1
            result.record(status, (time.perf_counter() - began) * 1000)
        if conn is not None:
            conn.close()

    began = time.perf_counter()
    await asyncio.wait_for(asyncio.gather(*(client() for _ in range(connections))), duration_s + 60)
    result.elapsed_s = time.perf_counter() - began
    return result
