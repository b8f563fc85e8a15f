"""After a crash run: wait for every postcard to finish, then count what the promises cover."""

from __future__ import annotations

import asyncio
import json
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Any

import httpx
import redis.asyncio as aioredis
from temporalio.client import Client

from bench.crash_stack import CrashStack
from core.db import as_utc, make_engine
from core.models import STEPS
from core.settings import Settings
from core.wiring import temporal_client
from runs.reads import PostcardView, RunReads

FINAL = {"COMPLETED", "FAILED"}


@dataclass
class Phase:
    """Which row of the matrix: the component killed, how, and what came before it."""

    component: str
    seed: int
    kills: list[dict[str, Any]]
    earlier: set[str]
    starter_log_offset: int = 0


@dataclass
class Outcome:
    """One row of the matrix."""

    component: str
    seed: int
    kills: list[dict[str, float]]
    accepted: int
    rows: int
    extra_rows: int
    completed: int
    failed: int
    workflows_min: int
    workflows_max: int
    provider_calls: int
    repeated_steps: int
    repeated_by_step: dict[str, int]
    create_refusals: dict[str, int]
    gave_up: int
    recovery_s: float
    slowest_postcard_s: float
    starter_log: dict[str, int]
    entries_missing_from_stream: int
    violations: list[str] = field(default_factory=list)
    polls: dict[str, Any] = field(default_factory=dict)
    """With polling clients: how many polled, their reads and answers, the finals they saw."""


@dataclass
class Polled:
    """One polling client: its reads, the answers by kind, the final status it saw."""

    task_id: str
    reads: int = 0
    answers: Counter[str] = field(default_factory=Counter)
    final: str | None = None


async def polls_of(pollers: list[asyncio.Task[Polled]]) -> dict[str, Any]:
    """What the polling clients saw, once each has stopped (final, or out of time)."""
    done = await asyncio.gather(*pollers)
    answers: Counter[str] = Counter()
    for polled in done:
        answers.update(polled.answers)
    return {
        "clients": len(done),
        "reads": sum(p.reads for p in done),
        "answers": dict(answers),
        "finals": dict(Counter(p.final for p in done if p.final)),
        "never_final": sum(p.final is None for p in done),
    }


def provider_calls(stack: CrashStack) -> dict[str, Counter[str]]:
    """task id → step → calls, from the simulated providers' call log (torn lines skipped)."""
    calls: dict[str, Counter[str]] = defaultdict(Counter)
    if stack.call_log.exists():
        for line in stack.call_log.read_text(errors="replace").splitlines():
            try:
                entry = json.loads(line)
            except json.JSONDecodeError:
                continue
            calls[entry["task_id"]][entry["step"]] += 1
    return calls


def all_rows(repo: RunReads) -> list[PostcardView]:
    """Every postcard recorded."""
    return repo.list_for_user(None, 0, 1_000_000)[0]


async def wait_final(
    repo: RunReads, accepted: list[str], earlier: set[str], timeout_s: float
) -> bool:
    """Until every accepted postcard is recorded and every new row is COMPLETED or FAILED."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        rows = [r for r in await asyncio.to_thread(all_rows, repo) if r.task_id not in earlier]
        ids = {r.task_id for r in rows}
        if set(accepted) <= ids and all(r.status in FINAL for r in rows):
            return True
        await asyncio.sleep(0.5)
    return False


async def connect(address: str) -> Client:
    """A client, once the (possibly restarted) server answers."""
    settings = Settings(_env_file=None, temporal_address=address)  # type: ignore[call-arg]
    for _ in range(150):
        try:
            return await temporal_client(settings)
        except RuntimeError:
            await asyncio.sleep(0.2)
    raise RuntimeError(f"Temporal at {address} never answered")


async def workflow_count(client: Client, task_id: str) -> int:
    """How many workflow executions carry this id (visibility may lag a moment)."""
    count = 0
    for _ in range(20):
        count = len([w async for w in client.list_workflows(f"WorkflowId = '{task_id}'")])
        if count:
            return count
        await asyncio.sleep(0.25)
    return count


async def stream_task_ids(stack: CrashStack) -> set[str]:
    """Task ids that have an entry in the stream now."""
    redis = aioredis.Redis(port=stack.redis_port)
    try:
        entries: Any = await redis.xrange("postcard_tasks")
    finally:
        await redis.aclose()
    return {fields.get(b"task_id", b"").decode() for _, fields in entries}


def starter_log(stack: CrashStack, offset: int) -> dict[str, int]:
    """How often the starter said each interesting thing since line `offset`."""
    wanted = (
        "workflow started",
        "duplicate delivery ignored",
        "orphaned task started",
        "entry dead-lettered",
    )
    counts: Counter[str] = Counter()
    for line in stack.log_lines("starter")[offset:]:
        try:
            message = json.loads(line).get("message")
        except json.JSONDecodeError:
            continue
        if message in wanted:
            counts[message] += 1
    return dict(counts)


async def api_statuses(stack: CrashStack, task_ids: list[str]) -> Counter[str]:
    """The status each accepted postcard shows through the API."""
    seen: Counter[str] = Counter()
    async with httpx.AsyncClient(base_url=stack.api_url, timeout=10) as http:
        for task_id in task_ids:
            answer = await http.get(f"/api/v1/postcards/status/{task_id}")
            seen[answer.json().get("status", str(answer.status_code))] += 1
    return seen


def known_task_ids(stack: CrashStack) -> set[str]:
    """Task ids already recorded (by earlier rows on a shared stack)."""
    repo = RunReads(make_engine(stack.database_url))
    try:
        return {r.task_id for r in all_rows(repo)}
    finally:
        repo.engine.dispose()


async def verify(
    stack: CrashStack,
    phase: Phase,
    accepted: list[str],
    refusals: dict[str, int],
    gave_up: int,
    restarted: float,
    timeout_s: float,
    pollers: list[asyncio.Task[Polled]] | None = None,
) -> Outcome:
    """Wait for the run to settle (and the polling clients to stop), then check every promise
    and count the rest."""
    repo = RunReads(make_engine(stack.database_url))
    settled = await wait_final(repo, accepted, phase.earlier, timeout_s)
    recovery_s = time.monotonic() - restarted
    polls = await polls_of(pollers) if pollers is not None else {}
    rows = [r for r in await asyncio.to_thread(all_rows, repo) if r.task_id not in phase.earlier]
    repo.engine.dispose()
    client = await connect(stack.temporal_address)
    workflows = {r.task_id: await workflow_count(client, r.task_id) for r in rows}
    calls = provider_calls(stack)
    statuses = Counter(r.status for r in rows)
    via_api = await api_statuses(stack, accepted)
    repeated = Counter(step for r in rows for step in STEPS if calls[r.task_id][step] > 1)
    in_stream = await stream_task_ids(stack)
    outcome = Outcome(
        component=phase.component,
        seed=phase.seed,
        kills=phase.kills,
        accepted=len(accepted),
        rows=len(rows),
        extra_rows=len({r.task_id for r in rows} - set(accepted)),
        completed=statuses["COMPLETED"],
        failed=statuses["FAILED"],
        workflows_min=min(workflows.values(), default=0),
        workflows_max=max(workflows.values(), default=0),
        provider_calls=sum(sum(calls[r.task_id].values()) for r in rows),
        repeated_steps=sum(repeated.values()),
        repeated_by_step=dict(repeated),
        create_refusals=refusals,
        gave_up=gave_up,
        recovery_s=round(recovery_s, 1),
        slowest_postcard_s=round(max((_duration(r) for r in rows), default=0.0), 1),
        starter_log=starter_log(stack, phase.starter_log_offset),
        entries_missing_from_stream=len({r.task_id for r in rows} - in_stream),
        polls=polls,
    )
    outcome.violations = violations(outcome, settled, rows, workflows, calls, via_api)
    return outcome


def _duration(row: PostcardView) -> float:
    created, done = as_utc(row.postcard.created_at), as_utc(row.run.finished_at)
    return (done - created).total_seconds() if created and done else 0.0


def violations(
    outcome: Outcome,
    settled: bool,
    rows: list[PostcardView],
    workflows: dict[str, int],
    calls: dict[str, Counter[str]],
    via_api: Counter[str],
) -> list[str]:
    """Every broken promise, in words; empty when the run kept them all."""
    found = []
    if not settled:
        found.append("not every postcard finished in time")
    if outcome.gave_up:
        found.append(f"{outcome.gave_up} creates never got a 202")
    if outcome.completed != outcome.rows or outcome.rows < outcome.accepted:
        found.append(f"{outcome.completed} of {outcome.rows} rows COMPLETED")
    if via_api.get("COMPLETED", 0) != outcome.accepted:
        found.append(f"the API shows {dict(via_api)} for the accepted postcards")
    if outcome.polls and outcome.polls["finals"].get("COMPLETED", 0) != outcome.accepted:
        found.append(
            f"the polling clients saw {outcome.polls['finals']} as final "
            f"({outcome.polls['never_final']} never saw a final status)"
        )
    if len({r.task_id for r in rows}) != len(rows):
        found.append("duplicate rows for a task id")
    if any(n != 1 for n in workflows.values()):
        found.append(
            f"workflows per task between {outcome.workflows_min} and {outcome.workflows_max}"
        )
    worker_kills = len(outcome.kills) if outcome.component == "worker" else 0
    for row in rows:
        counts = calls[row.task_id]
        missing = [step for step in STEPS if counts[step] == 0]
        extra = sum(max(0, counts[step] - 1) for step in STEPS)
        if missing and row.status == "COMPLETED":
            found.append(f"{row.task_id}: completed without calling {missing}")
        if extra > worker_kills:
            found.append(f"{row.task_id}: provider calls {dict(counts)} after {worker_kills} kills")
    return found
