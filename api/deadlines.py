"""A person's deadline for a postcard: a `Cancel-After` header or a `deadline_s` field."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from typing import Annotated

from fastapi import Header, HTTPException, status

MAX_DEADLINE_S = 7 * 24 * 3600
_PART = re.compile(r"(\d+(?:\.\d+)?)(ms|s|m|h)")
_UNIT_S = {"ms": 0.001, "s": 1.0, "m": 60.0, "h": 3600.0}


def parse_duration(text: str) -> float:
    """Seconds in `90`, `90s`, `5m`, `1h30m` or `1.5h`; ValueError with the reason."""
    text = text.strip().lower()
    if re.fullmatch(r"\d+(?:\.\d+)?", text):
        return float(text)
    parts = _PART.findall(text)
    if not parts or "".join(n + u for n, u in parts) != text:
        raise ValueError(f"{text!r} is not a duration like 90, 90s, 5m or 1h30m")
    return sum(float(n) * _UNIT_S[u] for n, u in parts)


def cancel_after_header(
    cancel_after: Annotated[
        str | None,
        Header(
            max_length=32,
            description="Cancel the postcard if it is not finished after this long: seconds "
            "(`90`) or a duration (`90s`, `5m`, `1h30m`); the status then says "
            "`DeadlineExceeded`",
        ),
    ] = None,
) -> float | None:
    """The `Cancel-After` header in seconds; 422 with the reason when it is not a duration."""
    if cancel_after is None:
        return None
    try:
        seconds = parse_duration(cancel_after)
    except ValueError as exc:
        raise HTTPException(status.HTTP_422_UNPROCESSABLE_CONTENT, f"Cancel-After: {exc}") from exc
    return checked(seconds, "Cancel-After")


def checked(seconds: float, name: str) -> float:
    """A deadline within (0, 7 days]; 422 naming `name` otherwise."""
    if not 0 < seconds <= MAX_DEADLINE_S:
        raise HTTPException(
            status.HTTP_422_UNPROCESSABLE_CONTENT,
            f"{name} must be more than 0 and at most {MAX_DEADLINE_S} seconds (7 days)",
        )
    return seconds


def deadline(now: datetime, header_s: float | None, field_s: float | None) -> datetime | None:
    """The deadline from the header or the field (the earlier when both are given)."""
    given = [s for s in (header_s, field_s) if s is not None]
    return now + timedelta(seconds=min(given)) if given else None
