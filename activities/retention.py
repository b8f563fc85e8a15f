"""Retention's one activity: delete one page of expired postcards' files, then mark them."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from typing import Any

from temporalio import activity

from core.models import ExpireBatch
from core.storage import BlobStore, poster_key
from runs.reads import RunReads
from runs.store import RunStore

log = logging.getLogger("postcards.activities.retention")


class RetentionActivities:
    """The store, the reads and the blob store that retention needs, injected once."""

    def __init__(self, store: RunStore, blobs: BlobStore) -> None:
        self._store = store
        self._reads = RunReads(store.engine)
        self._blobs = blobs

    @activity.defn(name="expire_results")
    async def expire_results(self, batch: ExpireBatch) -> int:
        """Delete the images, pages and posters of every run of up to `batch.limit` postcards
        created before the window, then mark them expired (a retried page deletes nothing
        twice: a missing file is fine, and expired postcards are not read again)."""
        return await asyncio.to_thread(self._expire, batch)

    def _expire(self, batch: ExpireBatch) -> int:
        found = self._reads.expirable(batch.created_before, batch.limit)
        for postcard in found:
            keys = [
                *postcard.blob_keys,
                *(poster_key(postcard.task_id, r) for r in postcard.revisions),
            ]
            for key in keys:
                self._blobs.delete(key)
        marked = self._store.expire([p.task_id for p in found])
        if found:
            log.info(
                "postcards expired",
                extra={"postcards": marked, "before": str(batch.created_before)},
            )
        return len(found)

    def all(self) -> list[Callable[..., Any]]:
        """Every activity, for the worker to register."""
        return [self.expire_results]
