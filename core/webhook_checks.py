"""Checks of webhook URLs, addresses and signing secrets.

A webhook URL is user input that the worker will POST to, so it is checked twice: its form here
when it is given (the API, the stream decoder, settings), and every address its host resolves
to when an attempt connects (`activities/webhook_http.py`), which uses `refused_address`.
"""

from __future__ import annotations

import base64
import binascii
import ipaddress
import secrets
from urllib.parse import urlsplit

MAX_URL = 2048
SECRET_PREFIX = "whsec_"
MIN_SECRET_BYTES = 24
METADATA = frozenset(ipaddress.ip_address(a) for a in ("169.254.169.254", "fd00:ec2::254"))
"""Cloud metadata services: refused even with WEBHOOK_ALLOW_PRIVATE."""


def refused_address(address: str, allow_private: bool) -> str | None:
    """Why a webhook may not connect to this IP address, or None when it may.

    Never: cloud metadata, unspecified (0.0.0.0, ::) and multicast addresses. Unless private
    addresses are allowed (local development, tests): loopback, private, link-local, reserved
    and any other address that is not globally reachable."""
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    if ip in METADATA:
        return "a cloud metadata address"
    if ip.is_unspecified:
        return "an unspecified address"
    if ip.is_multicast:
        return "a multicast address"
    if allow_private:
        return None
    for kind, hit in (
        ("a loopback", ip.is_loopback),
        ("a link-local", ip.is_link_local),
        ("a private", ip.is_private),
        ("a reserved", ip.is_reserved),
        ("a non-public", not ip.is_global),
    ):
        if hit:
            return f"{kind} address"
    return None


def is_ip(host: str) -> bool:
    """Whether `host` is an IP address literal rather than a name."""
    try:
        ipaddress.ip_address(host.split("%", 1)[0])
    except ValueError:
        return False
    return True


def check_url(url: str, allow_private: bool) -> str:
    """The URL, stripped, when its form may be a webhook target; ValueError with the reason.

    https only (http too when private addresses are allowed), a host, no credentials, no
    address literal that `refused_address` refuses. Names are resolved at delivery."""
    url = url.strip()
    if not url:
        raise ValueError("must not be empty")
    if len(url) > MAX_URL:
        raise ValueError(f"is {len(url)} characters; the limit is {MAX_URL}")
    if any(ch.isspace() or ord(ch) < 32 or ord(ch) == 127 for ch in url):
        raise ValueError("must not contain whitespace or control characters")
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as exc:
        raise ValueError(f"is not a valid URL: {exc}") from None
    schemes = ("https", "http") if allow_private else ("https",)
    if parts.scheme not in schemes:
        allowed = " or ".join(schemes)
        raise ValueError(f"must be an {allowed} URL (got {parts.scheme or 'no'} scheme)")
    host = parts.hostname
    if not host:
        raise ValueError("has no host")
    if parts.username is not None or parts.password is not None:
        raise ValueError("must not carry credentials (user:password@)")
    if port == 0:
        raise ValueError("has port 0")
    if is_ip(host):
        reason = refused_address(host, allow_private)
        if reason:
            raise ValueError(f"names {reason} ({host}), which webhooks may not reach")
    elif not allow_private and (host == "localhost" or host.endswith(".localhost")):
        raise ValueError(f"names {host}, a loopback host, which webhooks may not reach")
    return url


def check_secret(name: str, secret: str) -> str:
    """A Standard Webhooks signing secret: `whsec_` then base64 of at least 24 bytes."""
    if not secret.startswith(SECRET_PREFIX):
        raise ValueError(f"{name} must start with {SECRET_PREFIX} (a Standard Webhooks secret)")
    try:
        key = base64.b64decode(secret.removeprefix(SECRET_PREFIX), validate=True)
    except (binascii.Error, ValueError):
        raise ValueError(f"{name} is not {SECRET_PREFIX} followed by base64") from None
    if len(key) < MIN_SECRET_BYTES:
        raise ValueError(f"{name} holds {len(key)} bytes; at least {MIN_SECRET_BYTES} are needed")
    return secret


def new_secret() -> str:
    """A fresh signing secret: `whsec_` and 32 random bytes in base64."""
    return SECRET_PREFIX + base64.b64encode(secrets.token_bytes(32)).decode()
