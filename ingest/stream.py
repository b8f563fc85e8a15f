"""The stream writer: append task entries to `postcard_tasks`, each numbered in add order."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

import redis.asyncio as aioredis

from core.models import PostcardRequest
from core.settings import Settings
from ingest.messages import FIELDS, encode_values

SEQ_FIELD = "seq"
"""Every entry appended here carries its number in the stream's add order (see ingest.backlog)."""


def added_key(settings: Settings) -> str:
    """The counter of entries appended to the stream through this module."""
    return f"{settings.stream_name}:added"


# Appends the entries of a batch in one atomic call: each gets the next value of the add
# counter in its `seq` field, so the counter and the entries' order never disagree (two API
# processes interleaving their batches would break that with a client-side INCRBY).
# KEYS: stream, counter. ARGV: maxlen, then one JSON array: the field names, then each entry's
# values in that order (one argument for the batch instead of two per field).
_APPEND = """
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


class TaskStream:
    """Appends entries to the task stream for one Redis client."""

    def __init__(self, redis: aioredis.Redis, settings: Settings) -> None:
        self.settings = settings
        self._append = redis.register_script(_APPEND)

    async def append(self, requests: Sequence[PostcardRequest]) -> None:
        """XADD one entry per request, in order, in one atomic call."""
        batch: list[Any] = [FIELDS, *(encode_values(request) for request in requests)]
        args: list[str | int] = [
            self.settings.stream_max_len,
            json.dumps(batch, ensure_ascii=False),
        ]
        keys = [self.settings.stream_name, added_key(self.settings)]
        await self._append(keys=keys, args=args)
