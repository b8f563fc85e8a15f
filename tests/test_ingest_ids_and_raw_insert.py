"""The create path's cheaper parts keep their contracts: ids drawn in blocks have uuid4().hex's
shape and never repeat (threads, forks); the SQLite batch insert on a bare sqlite3 connection
stores the repository's rows from its template, commits or rolls back whole, and the Ingest
answers a database error with a 503 and recovers with a fresh connection."""

from __future__ import annotations

import asyncio
import os
import re
import sqlite3
import threading
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
import redis.asyncio as aioredis

from core.db import make_engine
from core.ids import _TimeOrderedIds, new_id
from core.migrate import migrate
from core.models import PostcardRequest
from core.repository import PostcardRepository
from core.settings import Settings
from ingest.producer import Ingest, IngestUnavailable, _SqliteInsert
from tests.test_api_create_fast_path import raw_rows, requests_

HEX32 = re.compile(r"[0-9a-f]{32}")


def check_uuid7_hex(text: str, earliest_ms: int, latest_ms: int) -> None:
    assert HEX32.fullmatch(text), text
    parsed = uuid.UUID(hex=text)
    assert parsed.version == 7 and parsed.variant == uuid.RFC_4122
    assert parsed.hex == text
    assert earliest_ms <= int(text[:12], 16) <= latest_ms, "48-bit Unix time in ms first"


def test_ids_are_uuid7_hex_and_do_not_repeat_across_blocks() -> None:
    before = time.time_ns() // 1_000_000
    ids = [new_id() for _ in range(3 * _TimeOrderedIds.BLOCK // 10 + 7)]  # several blocks
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


def test_ids_sort_by_the_time_they_were_made() -> None:
    """Later ids sort after earlier ones (ms resolution): new rows go to the right edge of the
    id and task_id indexes instead of a random page each."""
    first = [new_id() for _ in range(50)]
    time.sleep(0.002)
    second = [new_id() for _ in range(50)]
    assert max(first) < min(second)


def test_ids_from_many_threads_do_not_repeat() -> None:
    ids = _TimeOrderedIds()
    got: list[list[str]] = [[] for _ in range(8)]

    def draw(into: list[str]) -> None:
        for _ in range(2_000):
            into.append(ids())

    threads = [threading.Thread(target=draw, args=(into,)) for into in got]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    every = [text for into in got for text in into]
    assert len(set(every)) == len(every) == 16_000


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs fork")
def test_a_forked_child_does_not_reuse_the_parents_block() -> None:
    ids = _TimeOrderedIds()
    ids()  # the parent now holds a block with 255 unused ids
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child
        try:
            os.write(write_end, "".join(ids() for _ in range(5)).encode())
        finally:
            os._exit(0)
    os.close(write_end)
    with os.fdopen(read_end) as pipe:
        child = pipe.read()
    os.waitpid(pid, 0)
    parent = "".join(ids() for _ in range(5))
    assert len(child) == len(parent) == 5 * 32
    assert child != parent


def fresh_db(path: Path) -> tuple[PostcardRepository, str]:
    url = f"sqlite:///{path}"
    migrate(url)
    return PostcardRepository(make_engine(url)), url


def test_bare_connection_insert_stores_what_the_repository_stores(tmp_path: Path) -> None:
    batch = requests_()
    extra = requests_()[0]
    stored = {}
    for name in ("repository", "bare"):
        repo, _ = fresh_db(tmp_path / f"{name}.db")
        try:
            if name == "repository":
                with repo.engine.begin() as conn:
                    assert repo.insert_pending(batch, conn) == {r.task_id for r in batch}
                with repo.engine.begin() as conn:
                    assert repo.insert_pending([batch[0], extra], conn) == {extra.task_id}
            else:
                insert = _SqliteInsert(repo)
                assert insert.templated, "the template's row is the repository's"
                raw = repo.engine.raw_connection()
                connection = raw.driver_connection
                assert isinstance(connection, sqlite3.Connection)
                try:
                    assert insert.on_dbapi(batch, connection) == {r.task_id for r in batch}
                    assert insert.on_dbapi([batch[0], extra], connection) == {extra.task_id}
                    assert not connection.in_transaction
                finally:
                    raw.close()
        finally:
            repo.engine.dispose()
        stored[name] = raw_rows(tmp_path / f"{name}.db")
    assert len(stored["bare"]) == len(stored["repository"]) == len(batch) + 1
    for expected, got in zip(stored["repository"], stored["bare"], strict=True):
        for column in expected:
            if column == "id":  # a fresh time-ordered id per row, stored the same way
                assert isinstance(got[column], str)
                now_ms = time.time_ns() // 1_000_000
                check_uuid7_hex(got[column], now_ms - 60_000, now_ms)
                check_uuid7_hex(str(expected[column]), now_ms - 60_000, now_ms)
                continue
            if column == "updated_at":  # the time of the insert, in the same format
                assert isinstance(got[column], str)
                assert len(got[column]) == len(str(expected[column]))
                assert got[column] >= expected[column]
                continue
            assert got[column] == expected[column], column
    assert len({row["id"] for row in stored["bare"]}) == len(stored["bare"])


class _RetryingRepository(PostcardRepository):
    """A repository whose new rows have another constant (as if it had changed)."""

    @staticmethod
    def pending_values(
        request: PostcardRequest, steps: dict[str, Any] | None = None
    ) -> dict[str, Any]:
        values = PostcardRepository.pending_values(request, steps)
        values["retry_count"] = 7
        return values


class _ShoutingRepository(PostcardRepository):
    """A repository whose new rows store a request's field differently."""

    @staticmethod
    def pending_values(
        request: PostcardRequest, steps: dict[str, Any] | None = None
    ) -> dict[str, Any]:
        values = PostcardRepository.pending_values(request, steps)
        values["user_input"] = request.user_input.upper()
        return values


@pytest.mark.parametrize(
    ("kind", "templated", "column", "want"),
    [
        (_RetryingRepository, True, "retry_count", lambda _: 7),  # constants come from it
        (_ShoutingRepository, False, "user_input", str.upper),  # else rows go through it
    ],
)
def test_the_rows_follow_the_repositorys_pending_values(
    tmp_path: Path, kind: type[PostcardRepository], templated: bool, column: str, want: Any
) -> None:
    url = f"sqlite:///{tmp_path / 'changed.db'}"
    migrate(url)
    repo = kind(make_engine(url))
    insert = _SqliteInsert(repo)
    assert insert.templated is templated
    batch = requests_()
    try:
        with repo.engine.begin() as conn:
            assert insert(batch, conn) == {r.task_id for r in batch}
    finally:
        repo.engine.dispose()
    by_task = {row["task_id"]: row for row in raw_rows(tmp_path / "changed.db")}
    for r in batch:
        assert by_task[r.task_id][column] == want(r.user_input)


def test_a_failing_statement_rolls_the_whole_batch_back(tmp_path: Path) -> None:
    repo, _ = fresh_db(tmp_path / "rollback.db")
    insert = _SqliteInsert(repo)
    insert.max_rows = 2  # three statements for this batch
    batch = requests_() + requests_()
    real = insert.statements

    def second_fails(requests: Any) -> list[tuple[str, tuple[Any, ...]]]:
        statements = real(requests)
        return [statements[0], ("INSERT INTO no_such_table VALUES (1)", ()), *statements[1:]]

    insert.statements = second_fails  # type: ignore[method-assign]
    raw = repo.engine.raw_connection()
    connection = raw.driver_connection
    assert isinstance(connection, sqlite3.Connection)
    try:
        with pytest.raises(sqlite3.OperationalError):
            insert.on_dbapi(batch, connection)
        assert not connection.in_transaction
        assert raw_rows(tmp_path / "rollback.db") == []
        insert.statements = real  # type: ignore[method-assign]
        assert insert.on_dbapi(batch, connection) == {r.task_id for r in batch}
    finally:
        raw.close()
        repo.engine.dispose()
    assert len(raw_rows(tmp_path / "rollback.db")) == len(batch)


def request(prompt: str) -> PostcardRequest:
    return PostcardRequest(task_id=new_id(), user_input=prompt, created_at=datetime.now(UTC))


async def test_a_database_error_on_the_bare_connection_is_a_503_then_a_fresh_one_works(
    tmp_path: Path,
) -> None:
    repo, url = fresh_db(tmp_path / "ingest.db")
    settings = Settings(_env_file=None, database_url=url)  # type: ignore[call-arg]
    redis = aioredis.Redis(port=1)  # never reached: only the database part runs here
    ingest = Ingest(repo, redis, settings)
    try:
        first = await ingest._record([request("first")])
        assert len(first) == 1
        held = ingest._raw
        assert held is not None
        real = _SqliteInsert.on_dbapi
        calls = 0

        def broken_once(self: _SqliteInsert, requests: Any, connection: Any) -> set[str]:
            nonlocal calls
            calls += 1
            if calls == 1:
                raise sqlite3.DatabaseError("database disk image is malformed")
            return real(self, requests, connection)

        _SqliteInsert.on_dbapi = broken_once  # type: ignore[method-assign]
        try:
            refused: asyncio.Future[None] = asyncio.get_running_loop().create_future()
            await ingest._write([(request("refused"), refused)])
            error = refused.exception()
            assert isinstance(error, IngestUnavailable) and error.status_code == 503
            assert error.reason == "the database is unavailable: DatabaseError"
            assert ingest._raw is None, "the failed connection was dropped"
            second = await ingest._record([request("second")])
        finally:
            _SqliteInsert.on_dbapi = real  # type: ignore[method-assign]
        assert len(second) == 1 and ingest._raw is not None and ingest._raw is not held
    finally:
        await ingest.close()
        await redis.aclose()
        repo.engine.dispose()
    prompts = sorted(str(row["user_input"]) for row in raw_rows(tmp_path / "ingest.db"))
    assert prompts == ["first", "second"]
