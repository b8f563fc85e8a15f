"""Readiness probes: a port that opens, Temporal that answers, the API's `/ready`."""

from __future__ import annotations

import asyncio

import httpx
from temporalio.client import Client

from core.devserver import port_open


def api_ready(base_url: str) -> tuple[bool, str]:
    """Whether `GET /ready` answers 200, and what it said."""
    try:
        response = httpx.get(f"{base_url}/ready", timeout=3.0)
    except httpx.HTTPError as exc:
        return False, f"{type(exc).__name__}: {exc}"
    return response.status_code == 200, f"{response.status_code} {response.text[:300]}"


async def _temporal_health(address: str, namespace: str) -> bool:
    client = await Client.connect(address, namespace=namespace)
    return bool(await client.service_client.check_health())


def temporal_answers(address: str, namespace: str) -> bool:
    """Whether the Temporal frontend at `address` reports itself healthy."""
    try:
        return asyncio.run(asyncio.wait_for(_temporal_health(address, namespace), timeout=5))
    except Exception:
        return False


def listening(host: str | None, port: int | None) -> bool:
    """Whether something accepts connections at host:port."""
    return bool(host and port and port_open(host, port))
