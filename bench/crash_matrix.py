"""Crash matrix: SIGKILL each component at random points during a batch, restart it, count.

    .venv/bin/python -m bench.crash_matrix                        # 50 postcards, 3 kills each
    .venv/bin/python -m bench.crash_matrix --postcards 15 --kills 1 --only worker --seed 7

Per component it reports how many creates got a 202, whether every postcard ended COMPLETED
with exactly one workflow, and how many provider calls were repeated; the JSON goes to
bench/results/crash_matrix.json. The exit status is 1 when any run broke a promise.

Each client polls its postcard's status every 2 s after its 202 until the answer is final, as
the original front-end does, through every outage (`--no-poll`: create only). A client that
never saw a final status, or saw one other than COMPLETED, breaks a promise.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import httpx

from bench.crash_stack import COMPONENTS, CrashStack
from bench.crash_verify import FINAL, Outcome, Phase, Polled, known_task_ids, verify

RESULTS = Path(__file__).resolve().parent / "results"
CREATE = "/api/v1/postcards/create"
STATUS = "/api/v1/postcards/status/"
POLL_S = 2.0


@dataclass
class Kill:
    """One SIGKILL: how long the component ran (since the batch began or its last restart)
    before it, and how long it then stayed down."""

    up_s: float
    down_s: float


@dataclass
class Creates:
    """What the client saw while creating the batch."""

    accepted: list[str] = field(default_factory=list)
    refused: Counter[str] = field(default_factory=Counter)
    gave_up: int = 0
    pollers: list[asyncio.Task[Polled]] = field(default_factory=list)


def kill_plan(rng: random.Random, kills: int, span_s: float) -> list[Kill]:
    """Random kill points while the batch is being created and processed: each kill comes
    after the component ran for a while, so it dies with work in hand. Each outage lasts 2-3 s,
    longer than the Redis client's own retries (1.4 s of backoff), so that creates sent while
    Redis is down meet the outage instead of riding it out."""
    first = rng.uniform(0.3, max(0.4, span_s * 0.5))
    ups = [first] + [rng.uniform(1.0, 3.0) for _ in range(kills - 1)]
    return [Kill(round(up, 2), round(rng.uniform(2.0, 3.0), 2)) for up in ups]


async def create_one(
    http: httpx.AsyncClient, n: int, creates: Creates, deadline: float, poll_until: float | None
) -> None:
    """Create like a real client: retry refused or unanswered requests until a 202; then, with
    `poll_until`, read the status every 2 s until it is final."""
    body = {"prompt": f"crash-matrix card {n}: happy birthday, friend {n}"}
    while time.monotonic() < deadline:
        try:
            answer = await http.post(CREATE, json=body)
        except httpx.ConnectError:
            creates.refused["connect"] += 1
        except httpx.TransportError:
            creates.refused["no answer"] += 1  # the API may have recorded it: a row without 202
        else:
            if answer.status_code == 202:
                task_id = answer.json()["task_id"]
                creates.accepted.append(task_id)
                if poll_until is not None:
                    url = str(http.base_url)
                    creates.pollers.append(
                        asyncio.create_task(poll_status(url, task_id, poll_until))
                    )
                return
            creates.refused[str(answer.status_code)] += 1
            if answer.status_code in (429, 503):
                await asyncio.sleep(min(float(answer.headers.get("retry-after", 1)), 1.0))
                continue
        await asyncio.sleep(0.3)
    creates.gave_up += 1


async def poll_status(api_url: str, task_id: str, until: float) -> Polled:
    """One person's page: read the status every POLL_S (a fixed beat, as setInterval) until it
    is final; an answer that is not a 200, or none, is counted and the next beat reads again."""
    polled = Polled(task_id)
    beat = time.monotonic()
    async with httpx.AsyncClient(base_url=api_url, timeout=10) as http:
        while polled.final is None:
            beat += POLL_S
            if beat > until:
                break
            await asyncio.sleep(max(0.0, beat - time.monotonic()))
            polled.reads += 1
            try:
                answer = await http.get(STATUS + task_id)
            except httpx.TransportError as exc:
                polled.answers[type(exc).__name__] += 1
                continue
            polled.answers[str(answer.status_code)] += 1
            status = answer.json().get("status") if answer.status_code == 200 else None
            if status in FINAL:
                polled.final = status
    return polled


async def create_batch(
    api_url: str, postcards: int, interval_s: float, poll_s: float | None = None
) -> Creates:
    """Start one create every `interval_s`; each retries on its own. With `poll_s`, each
    accepted postcard's status is then polled for up to that many seconds, by tasks left
    running in `Creates.pollers`."""
    creates = Creates()
    deadline = time.monotonic() + 120
    poll_until = time.monotonic() + poll_s if poll_s is not None else None
    async with httpx.AsyncClient(base_url=api_url, timeout=10) as http:
        tasks = []
        for n in range(postcards):
            tasks.append(asyncio.create_task(create_one(http, n, creates, deadline, poll_until)))
            await asyncio.sleep(interval_s)
        await asyncio.gather(*tasks)
    return creates


async def chaos(stack: CrashStack, component: str, plan: list[Kill], began: float) -> float:
    """Carry out the plan; returns when the last restart finished (monotonic seconds)."""
    target = stack.components[component.removesuffix("-wiped")]
    wiped = component == "redis-wiped"
    starter = stack.components["starter"]
    up_since = began
    for kill in plan:
        starter.pause(wiped)
        await asyncio.sleep(max(0.0, up_since + kill.up_s - time.monotonic()))
        target.kill()
        if wiped:
            stack.wipe_redis()
        await asyncio.sleep(kill.down_s)
        await asyncio.to_thread(target.start)
        up_since = time.monotonic()
        if wiped:
            starter.pause(False)
    return time.monotonic()


async def run_scenario(
    stack: CrashStack,
    component: str,
    postcards: int,
    kills: int,
    seed: int,
    timeout_s: float = 240,
    poll: bool = False,
) -> Outcome:
    """One row of the matrix on a running stack; rows of earlier rows are left out of it."""
    rng = random.Random(f"{seed}-{component}")
    interval = 0.25
    plan = kill_plan(rng, kills, postcards * interval)
    earlier = await asyncio.to_thread(known_task_ids, stack)
    log_offset = len(stack.log_lines("starter"))
    began = time.monotonic()
    chaos_task = asyncio.create_task(chaos(stack, component, plan, began))
    creates = await create_batch(stack.api_url, postcards, interval, timeout_s if poll else None)
    restarted = await chaos_task
    return await verify(
        stack,
        Phase(component, seed, [asdict(k) for k in plan], earlier, log_offset),
        creates.accepted,
        dict(creates.refused),
        creates.gave_up,
        restarted,
        timeout_s,
        creates.pollers if poll else None,
    )


async def run_matrix(
    folder: Path,
    components: Sequence[str],
    postcards: int,
    kills: int,
    seed: int,
    shared_stack: bool = False,
    poll: bool = False,
) -> list[Outcome]:
    """Every component's row, each on a fresh stack or all one after another on one stack."""
    outcomes = []
    stack: CrashStack | None = None
    try:
        for component in components:
            if stack is None or not shared_stack:
                if stack is not None:
                    await asyncio.to_thread(stack.stop)
                stack = CrashStack(folder / (component if not shared_stack else "shared"))
                await asyncio.to_thread(stack.start)
            outcome = await run_scenario(stack, component, postcards, kills, seed, poll=poll)
            outcomes.append(outcome)
            print(f"{component}: {'ok' if not outcome.violations else outcome.violations}")
    finally:
        if stack is not None:
            await asyncio.to_thread(stack.stop)
    return outcomes


def table(outcomes: list[Outcome]) -> str:
    """The matrix as a plain-text table."""
    head = (
        "component", "kills", "202s", "rows", "completed", "wf/task", "re-called steps",
        "create retries", "recovery s", "polled final", "ok",
    )  # fmt: skip
    rows = [head]
    for o in outcomes:
        rows.append(
            (
                o.component,
                str(len(o.kills)),
                str(o.accepted),
                str(o.rows),
                str(o.completed),
                f"{o.workflows_min}-{o.workflows_max}",
                str(o.repeated_steps),
                str(sum(o.create_refusals.values())),
                f"{o.recovery_s:.1f}",
                _polled(o),
                "yes" if not o.violations else "NO",
            )
        )
    widths = [max(len(r[i]) for r in rows) for i in range(len(head))]
    return "\n".join("  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)) for r in rows)


def _polled(outcome: Outcome) -> str:
    """How many polling clients saw their postcard final, of how many polled."""
    if not outcome.polls:
        return "-"
    return f"{sum(outcome.polls['finals'].values())}/{outcome.polls['clients']}"


async def main(argv: list[str] | None = None) -> int:
    """Run the matrix and write bench/results/crash_matrix.json."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--postcards", type=int, default=50)
    parser.add_argument("--kills", type=int, default=3)
    parser.add_argument("--seed", type=int, default=int(time.time()) % 100_000)
    parser.add_argument("--only", choices=COMPONENTS, action="append")
    parser.add_argument("--shared-stack", action="store_true", help="one stack for all rows")
    parser.add_argument(
        "--poll",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="each client reads its status every 2 s until final (default; --no-poll: off)",
    )
    parser.add_argument("--out", type=Path, default=RESULTS / "crash_matrix.json")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="crash-matrix-") as folder:
        outcomes = await run_matrix(
            Path(folder), args.only or COMPONENTS, args.postcards, args.kills, args.seed,
            args.shared_stack, args.poll,
        )  # fmt: skip
    print(table(outcomes))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    report: dict[str, Any] = {
        "command": "python -m bench.crash_matrix "
        + " ".join(sys.argv[1:] if argv is None else argv),
        "postcards": args.postcards,
        "kills_per_component": args.kills,
        "seed": args.seed,
        "shared_stack": args.shared_stack,
        "polling_clients": args.poll,
        "runs": [asdict(o) for o in outcomes],
    }
    args.out.write_text(json.dumps(report, indent=2) + "\n")
    print(f"wrote {args.out}")
    return 1 if any(o.violations for o in outcomes) else 0


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
