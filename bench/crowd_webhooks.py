"""Scenario `crowd-webhooks`: the crowd with a webhook on every postcard, beside the same crowd
without webhooks, in one run.

Both crowds run on fresh stacks with the same settings (bench/crowd.py); the second sends each
create with a `webhook_url` at a local receiver that answers 200 and verifies every signature
with the `standardwebhooks` package. Targets: every completed postcard's event arrives exactly
once (one request per `webhook-id`), and the crowd's makespan (first create to last COMPLETED)
with webhooks is within 1.1× the one without.
"""

from __future__ import annotations

import asyncio
from typing import Any

import sqlalchemy as sa

from bench.context import Context
from bench.crowd import STARTERS, WORKERS, report, run_crowd
from bench.infra import Stack
from bench.measure import machine
from bench.report import ScenarioResult, Target, now_iso
from core.db import WebhookDelivery, make_engine
from core.webhook_checks import new_secret
from tests.fakes.receiver import Receiver


def deliveries_by_status(database_url: str, task_ids: list[str]) -> dict[str, int]:
    """The crowd's webhook deliveries, counted by status."""
    table: sa.Table = WebhookDelivery.__table__  # type: ignore[attr-defined]
    engine = make_engine(database_url)
    try:
        with engine.connect() as conn:
            rows = conn.execute(
                sa.select(table.c.status, sa.func.count())
                .where(table.c.task_id.in_(task_ids))
                .group_by(table.c.status)
            ).all()
    finally:
        engine.dispose()
    return {str(status): int(count) for status, count in rows}


async def wait_delivered(
    stack: Stack, task_ids: list[str], receiver: Receiver, timeout_s: float
) -> dict[str, Any]:
    """Wait until no delivery of the crowd is pending (or the time is up); what arrived."""
    deadline = asyncio.get_running_loop().time() + timeout_s
    while True:
        counts = await asyncio.to_thread(deliveries_by_status, stack.database_url, task_ids)
        if counts and "pending" not in counts:
            break
        if asyncio.get_running_loop().time() > deadline:
            break
        await asyncio.sleep(0.5)
    await asyncio.sleep(2.0)  # a late duplicate would arrive now
    seen = dict(receiver.seen)
    return {
        "deliveries": counts,
        "requests": sum(seen.values()),
        "webhook_ids": len(seen),
        "most_requests_for_one_id": max(seen.values(), default=0),
        "bad_signatures": len(receiver.bad_signatures),
    }


async def crowd_webhooks(ctx: Context) -> ScenarioResult:
    """The crowd without webhooks, then with one on every postcard; run it at --quick size
    here, full size on a quiet machine."""
    n = ctx.size(1000, 40)
    plain = await run_crowd(ctx, "crowd-webhooks-off", n, workers=WORKERS, starters=STARTERS)
    secret = new_secret()
    receiver = Receiver(secret)
    try:
        hooked = await run_crowd(
            ctx,
            "crowd-webhooks-on",
            n,
            workers=WORKERS,
            starters=STARTERS,
            env={"WEBHOOK_SECRET": secret, "WEBHOOK_ALLOW_PRIVATE": "1"},
            create_extra={"webhook_url": receiver.url},
            after=lambda stack, ids: wait_delivered(stack, ids, receiver, ctx.size(300, 60)),
        )
    finally:
        receiver.stop()
    off = report(ctx, "crowd-webhooks-off", "without webhooks", n, plain)
    on = report(ctx, "crowd-webhooks-on", "with webhooks", n, hooked)
    arrived = hooked["after"]
    completed = on.metrics["completed"]
    ratio = round(on.metrics["makespan_s"] / max(off.metrics["makespan_s"], 1e-9), 3)
    once = arrived["webhook_ids"] if arrived["most_requests_for_one_id"] <= 1 else 0
    rows = [
        {"measure": "completed (off / on)", "value": f"{off.metrics['completed']} / {completed}"},
        {
            "measure": "makespan s (off / on)",
            "value": f"{off.metrics['makespan_s']} / {on.metrics['makespan_s']}",
        },
        {"measure": "makespan on / off", "value": ratio},
        {
            "measure": "slowest postcard s (off / on)",
            "value": f"{off.metrics['slowest_postcard_s']} / {on.metrics['slowest_postcard_s']}",
        },
        {"measure": "deliveries by status", "value": arrived["deliveries"]},
        {"measure": "webhook-ids received", "value": arrived["webhook_ids"]},
        {"measure": "requests received", "value": arrived["requests"]},
        {"measure": "bad signatures", "value": arrived["bad_signatures"]},
        {"measure": "cpu ms per postcard (off)", "value": off.metrics["cpu_ms_per_postcard"]},
        {"measure": "cpu ms per postcard (on)", "value": on.metrics["cpu_ms_per_postcard"]},
    ]
    return ScenarioResult(
        name="crowd-webhooks",
        title=f"A crowd of {n} with a webhook on every postcard vs without",
        columns=["measure", "value"],
        rows=rows,
        targets=[
            Target.at_least("events delivered exactly once", once, completed, "events"),
            Target.at_most("bad signatures", arrived["bad_signatures"], 0, ""),
            Target.at_most("makespan with webhooks / without", ratio, 1.1, ""),
        ],
        metrics={"off": off.metrics, "on": on.metrics, "webhooks": arrived, "ratio": ratio},
        notes=[
            "Same settings as `crowd` (bench/crowd.py); the two crowds run one after the other "
            "on fresh stacks. The receiver runs in the benchmark process (a threaded HTTP "
            "server) and answers 200; events are `completed` only (the default).",
        ],
        params={"n": n, "quick": ctx.quick},
        started_at=now_iso(),
        finished_at=now_iso(),
        machine=machine(),
        quick=ctx.quick,
    )
