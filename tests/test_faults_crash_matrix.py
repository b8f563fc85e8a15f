"""Crash matrix on real processes: SIGKILL each component during a batch, restart it, count.

One stack (Temporal dev server on SQLite, redis-server with AOF, uvicorn, starter.py, worker.py)
takes one row after another; `python -m bench.crash_matrix` is the longer soak on fresh stacks.
"""

from __future__ import annotations

import os
from pathlib import Path

from bench.crash_matrix import run_matrix, table
from bench.crash_stack import COMPONENTS

POSTCARDS = 12
SEED = int(os.environ.get("CRASH_MATRIX_SEED", "20261128"))


async def test_every_component_survives_sigkill_mid_batch(tmp_path: Path) -> None:
    outcomes = await run_matrix(
        tmp_path, COMPONENTS, POSTCARDS, kills=1, seed=SEED, shared_stack=True
    )
    print("\n" + table(outcomes))
    by_name = {o.component: o for o in outcomes}
    assert set(by_name) == set(COMPONENTS)

    for outcome in outcomes:
        assert outcome.violations == [], (outcome.component, outcome.violations)
        assert outcome.accepted == POSTCARDS and outcome.gave_up == 0
        assert outcome.completed == outcome.rows >= POSTCARDS
        assert outcome.workflows_min == outcome.workflows_max == 1
        assert outcome.failed == 0
        if outcome.component != "worker":
            assert outcome.repeated_steps == 0, outcome

    # Creates sent while the API or Redis was down were refused, and retried to a 202.
    assert by_name["api"].create_refusals.get("connect", 0) > 0
    assert by_name["redis"].create_refusals.get("503", 0) > 0
    # A wiped Redis loses entries; the orphan sweep starts those PENDING rows.
    wiped = by_name["redis-wiped"]
    assert wiped.entries_missing_from_stream > 0
    assert wiped.starter_log.get("orphaned task started", 0) > 0
    # At most the step in flight is called again after a worker kill, once per kill.
    assert by_name["worker"].repeated_steps <= POSTCARDS
