"""Task and row ids: UUIDv7 in hex, time-ordered, random where they should be, never repeated."""

from __future__ import annotations

import re
import threading
import time
import uuid

from core.ids import new_id, new_uuid

HEX32 = re.compile(r"[0-9a-f]{32}")


def check_uuid7_hex(text: str, earliest_ms: int, latest_ms: int) -> None:
    assert HEX32.fullmatch(text), text
    parsed = uuid.UUID(hex=text)
    assert parsed.version == 7 and parsed.variant == uuid.RFC_4122
    assert parsed.hex == text
    assert earliest_ms <= int(text[:12], 16) <= latest_ms, "48-bit Unix time in ms first"


def test_ids_are_uuid7_hex_with_random_bits_that_vary() -> None:
    before = time.time_ns() // 1_000_000
    ids = [new_id() for _ in range(1_000)]
    after = time.time_ns() // 1_000_000
    for text in ids:
        check_uuid7_hex(text, before, after)
    assert len(set(ids)) == len(ids)
    # The 74 random bits really vary: every hex digit after the time takes many values.
    for position in range(12, 32):
        seen = {text[position] for text in ids}
        if position == 12:
            assert seen == {"7"}
        elif position == 16:
            assert seen == set("89ab")
        else:
            assert len(seen) == 16, position
    assert new_uuid().version == 7


def test_ids_sort_by_the_time_they_were_made() -> None:
    """Later ids sort after earlier ones (ms resolution): new rows go to the right edge of the
    id and task_id indexes instead of a random page each."""
    first = [new_id() for _ in range(50)]
    time.sleep(0.002)
    second = [new_id() for _ in range(50)]
    assert max(first) < min(second)


def test_ids_from_many_threads_do_not_repeat() -> None:
    got: list[list[str]] = [[] for _ in range(8)]

    def draw(into: list[str]) -> None:
        for _ in range(2_000):
            into.append(new_id())

    threads = [threading.Thread(target=draw, args=(into,)) for into in got]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    every = [text for into in got for text in into]
    assert len(set(every)) == len(every) == 16_000
