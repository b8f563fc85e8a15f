"""Fuzzed `postcard_tasks` entries: each is started or dead-lettered with a reason, and the
starter keeps running (a valid entry after them completes). Real Redis, Temporal and DBs."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from temporalio.client import Client

from core.models import PostcardRequest
from core.settings import Settings
from core.wiring import redis_client
from ingest.messages import InvalidEntry, decode, encode
from runs.wiring import run_reads
from tests.stack import RedisServer, running_stack

FIELDS = ("task_id", "task_type", "user_input", "style", "theme", "language", "user_id")
FIELDS += ("created_at", "metadata")
NASTY = (
    "", " ", "\x00", "a\x00b", "null", "{}", "[]", '{"a": [1, 2]}', '{"a": null}', "1", "-1",
    "9" * 40, "😀" * 20, "x" * 65, "x" * 200, "x" * 5000, "2024-13-45T99:00", "yesterday",
    "1970-01-01T00:00:00", "postcard_generation", "video", "\ud7ff", "<script>alert(1)</script>",
    "'; DROP TABLE postcards; --",
)  # fmt: skip
Entry = dict[bytes, bytes]

values = st.one_of(
    st.sampled_from(NASTY).map(str.encode),
    st.text(max_size=80).map(str.encode),
    st.binary(max_size=64),
    st.just(b"\xff\xfe\xc3\x28"),
    st.integers().map(lambda n: str(n).encode()),
    st.integers(16_385, 40_000).map(lambda n: b"y" * n),
)
random_entries = st.dictionaries(
    st.one_of(st.sampled_from(FIELDS), st.text(min_size=1, max_size=12)).map(str.encode),
    values,
    min_size=1,
    max_size=10,
)


def valid_entry(task_id: str | None = None) -> Entry:
    request = PostcardRequest(
        task_id=task_id or uuid.uuid4().hex,
        user_input="Happy birthday, Mia!",
        created_at=datetime.now(UTC),
        metadata={"source": "fuzz"},
    )
    return {k.encode(): v.encode() for k, v in encode(request).items()}


@st.composite
def corrupted_entries(draw: st.DrawFn) -> Entry:
    """A valid entry with one or two fields replaced or removed."""
    entry = valid_entry(draw(st.uuids()).hex)
    for name in draw(st.lists(st.sampled_from(FIELDS), min_size=1, max_size=2, unique=True)):
        if draw(st.booleans()):
            entry[name.encode()] = draw(values)
        else:
            entry.pop(name.encode(), None)
    return entry or {b"junk": b"1"}


entries = st.one_of(random_entries, corrupted_entries())


def fuzz_settings(examples: int) -> settings:
    """Deterministic runs with no example database and no deadline."""
    return settings(
        max_examples=examples,
        deadline=None,
        database=None,
        derandomize=True,
        suppress_health_check=list(HealthCheck),
    )


@fuzz_settings(400)
@given(entry=entries)
def test_decode_accepts_a_valid_request_or_says_why_not(entry: Entry) -> None:
    try:
        request = decode(entry)
    except InvalidEntry as exc:
        assert str(exc)
        return
    assert request.task_id and request.user_input.strip()


def known_bad() -> list[Entry]:
    """Values SQLite stores but PostgreSQL refuses, each in an otherwise valid entry."""
    bad = []
    for name, value in [
        (b"user_input", b"a\x00b"),
        (b"style", b"s\x00"),
        (b"user_id", b"u" * 200),
        (b"user_id", b"\x00"),
    ]:
        entry = valid_entry()
        entry[name] = value
        bad.append(entry)
    return bad


def collect(count: int) -> list[Entry]:
    """The known-bad entries, then `count` entries drawn by hypothesis (deterministically)."""
    found: list[Entry] = known_bad()

    @fuzz_settings(count)
    @given(entry=entries)
    def draw(entry: Entry) -> None:
        found.append(entry)

    draw()
    return found


async def test_fuzzed_stream_entries_are_dead_lettered_and_the_starter_keeps_running(
    client: Client, settings: Settings, redis_server: RedisServer
) -> None:
    fuzzed = collect(80)
    rejected = 0
    for entry in fuzzed:
        try:
            decode(entry)
        except InvalidEntry:
            rejected += 1
    assert rejected >= 40, "most fuzzed entries are invalid"
    instant = settings.model_copy(
        update={"text_provider": "instant", "image_provider": "instant", "code_provider": "instant"}
    )
    async with running_stack(instant, client, redis_server.url) as stack:
        redis = redis_client(stack.settings)
        for entry in fuzzed:
            await redis.xadd(stack.settings.stream_name, entry)  # type: ignore[arg-type]
        good = valid_entry()
        await redis.xadd(stack.settings.stream_name, good)  # type: ignore[arg-type]
        done = await stack.wait_status(good[b"task_id"].decode(), {"COMPLETED", "FAILED"}, 120)
        assert done["status"] == "COMPLETED"

        dead = await redis.xrange(stack.settings.dead_letter_stream)
        pending = await redis.xpending(stack.settings.stream_name, stack.settings.consumer_group)
        await redis.aclose()
        reasons = [fields[b"reason"].decode() for _, fields in dead]
        assert all(reason.strip() for reason in reasons)
        assert len(dead) >= rejected
        assert pending["pending"] == 0, "every entry was acked: started or dead-lettered"
        assert stack.starter.dead_lettered == len(dead)
    dead_ids = {fields[b"task_id"].decode() for _, fields in dead}
    recorded = {r.task_id for r in run_reads(stack.settings).list_for_user(None, 0, 10_000)[0]}
    for entry in fuzzed:
        try:
            task_id = decode(entry).task_id
        except InvalidEntry:
            continue
        assert task_id in recorded or task_id in dead_ids, entry
