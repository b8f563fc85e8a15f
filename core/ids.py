"""Ids for tasks and rows: UUIDv7 (RFC 9562), time-ordered."""

from __future__ import annotations

import os
import time
import uuid

_CLEAR = ~((0xC000 << 48) | (0xF000 << 64))  # the variant's two bits and the version nibble
_SET = (0x8000 << 48) | (7 << 76)  # variant 10xx, version 7


def new_id() -> str:
    """A fresh id for a task and its row: a UUIDv7 as 32 lowercase hex digits (`uuid.UUID(hex=…)`
    parses it): the Unix time in milliseconds (48 bits), version 7, 74 random bits, the variant.

    Time-ordered so that new rows land at the right edge of the `id` and `task_id` indexes
    instead of on a random page each; the random bits keep ids unguessable, and the time they
    reveal is the postcard's `created_at`, which its status shows anyway."""
    millis = time.time_ns() // 1_000_000
    number = (millis & 0xFFFF_FFFF_FFFF) << 80 | int.from_bytes(os.urandom(10), "big")
    return f"{number & _CLEAR | _SET:032x}"


def new_uuid() -> uuid.UUID:
    """`new_id()` as a UUID (the row id column's type)."""
    return uuid.UUID(hex=new_id())
