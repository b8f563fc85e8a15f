"""The API process tunes the collector once it is built: start-up objects frozen, the young
generation collected every GC_THRESHOLD[0] allocations instead of every 700."""

from __future__ import annotations

import gc

from api.main import GC_THRESHOLD, settle_gc


def test_settle_gc_freezes_what_exists_and_sets_the_serving_thresholds() -> None:
    before = gc.get_threshold()
    try:
        gc.unfreeze()
        gc.set_threshold(700, 10, 10)
        settle_gc()
        assert gc.get_threshold() == GC_THRESHOLD
        assert GC_THRESHOLD[0] >= 10_000 and GC_THRESHOLD[1:] == (10, 10)
        assert gc.get_freeze_count() > 0
        assert gc.get_count()[0] < GC_THRESHOLD[0]
    finally:
        gc.unfreeze()
        gc.set_threshold(*before)
