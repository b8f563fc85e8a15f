"""Scenario `crowd-poll`: the crowd with the original front-end polling, against the same crowd
without polling and against raw Temporal doing the same work, all in one run.

Three sides, each on a fresh stack (a fresh durable dev server), each driven by a client
process of its own (bench/crowd_client.py) that reports its own CPU:

- **polled**: n people created over 10 s, each then reading its status every 2 s until final,
  as the original front-end does (tests/js/original_client.js);
- **unpolled**: the same creates, nobody reads; then one postcard alone on that warm stack
  (one person, polling);
- **raw**: n RawGraphWorkflow runs (bench/raw_graph.py) started at the same pace from one
  client: the same graph, the same drawn waits and heartbeats, no API, stream or database.

Every side waits and stops its clock the same way: it counts closed runs with a visibility
Count call every 0.5 s, and once all are closed reads Temporal's close time of each run with one
List; a side's last completion is its last close time less the time its client sent its first
request. During each side the dev server's own request counters are read
(bench/temporal_calls.py), so the report prints the queries and describes made while the polled
crowd ran, and a control (one describe and one query after the window) shows the counter sees
them. CPU per completed postcard is each process's CPU over the side's window (from /proc; the
client's from its own getrusage), divided by the completions measured.
"""

from __future__ import annotations

import asyncio
import json
import statistics
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from bench.context import Context
from bench.crowd import HEARTBEAT_TIMEOUT, JITTER, QUICK_DELAYS, provider_path_s
from bench.crowd_check import call_counts
from bench.infra import (
    PYTHON,
    connect,
    cpu_snapshot,
    product_stack,
    running,
    temporal_process,
)
from bench.measure import PostcardTable, load_average, machine, summary
from bench.procs import Process
from bench.raw_graph import WORKFLOW_TYPE as RAW_TYPE
from bench.report import ScenarioResult, Target, now_iso
from bench.temporal_calls import READS, ServerCalls, close_times, metrics_url, moved, wait_closed
from core.devserver import free_port
from runs.settler import WORKFLOW_TYPE as POSTCARD_TYPE

POLL_S = 2.0
"""The original front-end's setInterval."""
LABELS = {
    "temporal-wal": "server",
    "worker": "worker",
    "raw-worker": "worker",
    "api": "api",
    "starter": "starter",
    "redis": "redis",
}


@dataclass
class Side:
    """One side's measurement."""

    name: str
    client: dict[str, Any]
    finished: bool
    closes: dict[str, datetime]
    cpu_s: dict[str, float]
    calls: dict[str, int]
    control: dict[str, int] | None = None
    drawn_path_s: dict[str, float] = field(default_factory=dict)
    db_statuses: dict[str, int] = field(default_factory=dict)

    @property
    def ids(self) -> list[str]:
        return list(self.client["ids"])

    @property
    def completed(self) -> int:
        return sum(task_id in self.closes for task_id in self.ids)

    @property
    def makespan_s(self) -> float | None:
        """First request sent → the last of its runs completed (Temporal's close time)."""
        ends = [self.closes[i].timestamp() for i in self.ids if i in self.closes]
        first = self.client.get("first_sent")
        return round(max(ends) - first, 2) if ends and first else None

    def latencies_s(self) -> list[float]:
        """Each run's request sent → its close."""
        sent = self.client["sent_at"]
        return [self.closes[i].timestamp() - sent[i] for i in self.ids if i in self.closes]

    def drawn_end_s(self) -> float | None:
        """The last (request sent + its drawn provider path) after the first request: when the
        last would complete if each ran alone with no overhead at all."""
        sent, first = self.client["sent_at"], self.client.get("first_sent")
        ends = [sent[i] + p for i, p in self.drawn_path_s.items() if i in sent]
        return round(max(ends) - first, 2) if ends and first else None

    def cpu_ms_per_postcard(self) -> dict[str, float]:
        """Each process's CPU ms per completed run; `stack` leaves out the people's client."""
        done = max(self.completed, 1)
        spent = {name: round(s * 1000 / done, 1) for name, s in self.cpu_s.items()}
        spent["stack"] = round(sum(v for k, v in spent.items() if k not in ("loadgen", "bench")), 1)
        return spent

    def answers(self) -> dict[str, Any]:
        """What the client was answered: creates (or starts), reads, final statuses seen."""
        keys = ("creates", "reads", "finals", "unfinished")
        return {key: self.client[key] for key in keys if key in self.client}

    def errors(self) -> int:
        """Creates not answered 202 (starts that failed) and reads not answered 200."""
        bad_creates = sum(
            n for k, n in self.client["creates"].items() if k not in ("202", "started")
        )
        bad_reads = sum(n for k, n in self.client.get("reads", {}).items() if k != "200")
        return bad_creates + bad_reads + int(self.client.get("unfinished", 0))


async def run_client(
    workdir: Path, name: str, args: list[str], env: dict[str, str], timeout_s: float
) -> dict[str, Any]:
    """Run bench/crowd_client.py to its end; what it wrote."""
    out = workdir / f"{name}.json"
    argv = [PYTHON, "-m", "bench.crowd_client", *args, "--timeout-s", str(timeout_s)]
    argv += ["--out", str(out)]
    client = Process(name, argv, workdir, env)
    client.start()
    try:
        assert client.popen is not None
        code = await asyncio.to_thread(client.popen.wait, timeout_s + 120)
    finally:
        client.stop()
    if code != 0:
        raise RuntimeError(f"{name} exited with {code}:\n{client.tail()}")
    loaded: dict[str, Any] = json.loads(out.read_text(encoding="utf-8"))
    return loaded


async def measure(
    name: str,
    workdir: Path,
    processes: dict[str, Process],
    address: str,
    workflow_type: str,
    client_args: list[str],
    env: dict[str, str],
    timeout_s: float,
    control: bool = False,
) -> Side:
    """One side's window: counters and CPU before, the client's crowd, every run closed, CPU
    and counters after, then one List of close times."""
    temporal = await connect(address)
    calls = ServerCalls(metrics_url(processes["temporal-wal"]))
    closed = f"WorkflowType = '{workflow_type}' AND ExecutionStatus != 'Running'"
    already = (await temporal.count_workflows(closed)).count
    before = await calls.read()
    cpu = cpu_snapshot(processes)
    out = await run_client(workdir, name, client_args, env, timeout_s)
    finished = await wait_closed(temporal, workflow_type, already + len(out["ids"]), timeout_s)
    spent = cpu_snapshot(processes)
    after = await calls.read()
    seen = await calls.control(temporal, after) if control else None
    closes = await close_times(temporal, workflow_type)
    cpu_s = {LABELS.get(k, k): round(spent[k] - cpu.get(k, 0.0), 3) for k in spent}
    cpu_s["loadgen" if out["mode"] == "http" else "starter"] = out["cpu_s"]
    return Side(name, out, finished, closes, cpu_s, moved(before, after), seen)


def http_args(url: str, n: int, over_s: float, poll_s: float) -> list[str]:
    """bench/crowd_client.py's arguments for n people over `over_s`, polling every `poll_s`."""
    return ["http", "--url", url, "--n", str(n), "--over-s", str(over_s), "--poll-s", str(poll_s)]


def product_env(workdir: Path, quick: bool) -> dict[str, str]:
    """The stack's environment: the `sleepy` providers at the crowd's waits, calls logged."""
    return {
        "SIMULATED_JITTER": JITTER,
        "SIMULATED_CALL_LOG": str(workdir / "provider-calls.jsonl"),
        **({"SIMULATED_DELAYS": QUICK_DELAYS} if quick else {}),
    }


async def product_side(ctx: Context, name: str, n: int, poll_s: float, single: bool) -> list[Side]:
    """A crowd on a fresh product stack (then, if asked, one postcard alone on it)."""
    workdir = ctx.folder(name)
    timeout_s = ctx.size(900.0, 300.0)
    over_s = ctx.size(10.0, 2.0)
    async with product_stack(workdir, "sleepy", product_env(workdir, ctx.quick)) as stack:
        args = http_args(stack.api_url, n, over_s, poll_s)
        sides = [
            await measure(
                name, workdir, stack.processes, stack.temporal_address, POSTCARD_TYPE,
                args, {}, timeout_s, control=poll_s > 0,
            )
        ]  # fmt: skip
        if single:
            one = http_args(stack.api_url, 1, 0.0, POLL_S)
            sides.append(
                await measure(
                    "single", workdir, stack.processes, stack.temporal_address, POSTCARD_TYPE,
                    one, {}, timeout_s,
                )
            )  # fmt: skip
        table = PostcardTable(stack.database_url)
        try:
            for side in sides:
                rows = await asyncio.to_thread(table.rows, side.ids)
                side.drawn_path_s = {r.task_id: provider_path_s(r) for r in rows}
                side.db_statuses = dict(Counter(r.status for r in rows))
        finally:
            table.close()
    return sides


async def raw_side(ctx: Context, n: int) -> Side:
    """The same crowd's work as bare RawGraphWorkflow runs on a fresh dev server."""
    workdir = ctx.folder("raw")
    temporal = temporal_process(workdir, "wal")
    log = workdir / "provider-calls.jsonl"
    with running(temporal):
        address = f"127.0.0.1:{temporal.port}"
        await (await connect(address)).service_client.check_health()
        env = {
            "TEMPORAL_ADDRESS": address,
            "TEMPORAL_TASK_QUEUE": "raw-graph-bench",
            "WORKER_METRICS_PORT": str(free_port()),
            "SIMULATED_JITTER": JITTER,
            "SIMULATED_CALL_LOG": str(log),
            **({"SIMULATED_DELAYS": QUICK_DELAYS} if ctx.quick else {}),
        }
        worker = Process(
            "raw-worker", [PYTHON, "-m", "bench.raw_graph"], workdir, env,
            ready_line="raw graph worker started",
        )  # fmt: skip
        with running(worker):
            args = ["temporal", "--n", str(n), "--over-s", str(ctx.size(10.0, 2.0))]
            processes = {"temporal-wal": temporal, "raw-worker": worker}
            side = await measure(
                "raw", workdir, processes, address, RAW_TYPE, args, env, ctx.size(900.0, 300.0)
            )
    side.drawn_path_s = drawn_paths(log)
    return side


def drawn_paths(log: Path) -> dict[str, float]:
    """concept + max(content, image) + frontend per run, from the waits its worker logged."""
    paths = {}
    by_run: dict[str, dict[str, float]] = {}
    for (run, step), calls in call_counts(log).items():
        by_run.setdefault(run, {})[step] = float(calls[-1]["wait"])
    for run, waits in by_run.items():
        paths[run] = (
            waits.get("concept", 0.0)
            + max(waits.get("content", 0.0), waits.get("image", 0.0))
            + waits.get("frontend", 0.0)
        )
    return paths


def _ratio(top: float | None, bottom: float | None) -> float | None:
    return round(top / bottom, 3) if top and bottom else None


def _median(values: list[float | None]) -> float | None:
    present = [v for v in values if v is not None]
    return round(statistics.median(present), 2) if present else None


def side_row(round_no: int, side: Side) -> dict[str, Any]:
    """A table row: one side of one round."""
    latency = summary(side.latencies_s(), 2)
    cpu = side.cpu_ms_per_postcard()
    reads = side.client.get("status_ms") or []
    return {
        "round": round_no,
        "side": side.name,
        "runs": len(side.ids),
        "completed": side.completed,
        "last_completion_s": side.makespan_s,
        "drawn_end_s": side.drawn_end_s(),
        "p50_s": latency["p50"],
        "max_s": latency["max"],
        "status_reads": len(reads),
        "status_p99_ms": summary(reads)["p99"],
        "errors": side.errors(),
        "queries": side.calls.get("QueryWorkflow"),
        "describes": side.calls.get("DescribeWorkflowExecution"),
        "cpu_stack_ms": cpu["stack"],
        "cpu_server_ms": cpu.get("server"),
        "cpu_worker_ms": cpu.get("worker"),
        "cpu_api_ms": cpu.get("api"),
        "cpu_starter_ms": cpu.get("starter"),
        "cpu_loadgen_ms": cpu.get("loadgen"),
    }


COLUMNS = [
    "round", "side", "runs", "completed", "last_completion_s", "drawn_end_s", "p50_s", "max_s",
    "status_reads", "status_p99_ms", "errors", "queries", "describes", "cpu_stack_ms",
    "cpu_server_ms", "cpu_worker_ms", "cpu_api_ms", "cpu_starter_ms", "cpu_loadgen_ms",
]  # fmt: skip


async def crowd_poll(ctx: Context) -> ScenarioResult:
    """Polled crowd, unpolled crowd (+ one alone), raw Temporal; rounds rotate the order."""
    n = ctx.size(1000, 20)
    started = now_iso()
    load = load_average()
    rounds: list[dict[str, Side]] = []
    for round_no in range(1, ctx.repeat + 1):
        order = ["unpolled", "polled", "raw"]
        shift = (round_no - 1) % len(order)
        sides: dict[str, Side] = {}
        for name in order[shift:] + order[:shift]:
            folder = f"r{round_no}-{name}"
            if name == "raw":
                sides["raw"] = await raw_side(_sub(ctx, folder), n)
            else:
                polled = name == "polled"
                found = await product_side(
                    _sub(ctx, folder), name, n, POLL_S if polled else 0.0, not polled
                )
                sides.update({side.name: side for side in found})
        rounds.append(sides)
    return report(ctx, n, rounds, started, load)


def _sub(ctx: Context, folder: str) -> Context:
    return Context(workdir=ctx.folder(folder), quick=ctx.quick, repeat=ctx.repeat)


def report(
    ctx: Context, n: int, rounds: list[dict[str, Side]], started: str, load: list[float]
) -> ScenarioResult:
    """The scenario result over every round."""
    rows = [side_row(k, side) for k, sides in enumerate(rounds, 1) for side in sides.values()]

    def med(side: str) -> float | None:
        return _median([r[side].makespan_s for r in rounds])

    polled, unpolled, raw, single = med("polled"), med("unpolled"), med("raw"), med("single")
    polled_reads = [t for r in rounds for t in r["polled"].client.get("status_ms", [])]
    read_calls = sum(r["polled"].calls.get(op, 0) for r in rounds for op in READS)
    controls = [min((r["polled"].control or {}).get(op, 0) for op in READS) for r in rounds]
    errors = sum(r[s].errors() for r in rounds for s in ("polled", "unpolled", "single"))
    completed = min(r[s].completed for r in rounds for s in ("polled", "unpolled", "raw"))
    p99 = summary(polled_reads)["p99"]
    metrics: dict[str, Any] = {
        "postcards": n,
        "last_completion_s": {"polled": polled, "unpolled": unpolled, "raw": raw, "single": single},
        "ratio_polled_over_unpolled": _ratio(polled, unpolled),
        "ratio_polled_over_raw": _ratio(polled, raw),
        "ratio_unpolled_over_raw": _ratio(unpolled, raw),
        "ratio_polled_over_single": _ratio(polled, single),
        "status_ms": summary(polled_reads),
        "status_send_lag_ms": summary(
            [t for r in rounds for t in r["polled"].client.get("send_lag_ms", [])]
        ),
        "temporal_calls": [{s: r[s].calls for s in r} for r in rounds],
        "temporal_reads_during_polled_crowd": read_calls,
        "control_calls_seen": [r["polled"].control for r in rounds],
        "cpu_ms_per_postcard": [{s: r[s].cpu_ms_per_postcard() for s in r} for r in rounds],
        "create_ms": {
            s: summary([t for r in rounds for t in r[s].client["create_ms"]])
            for s in ("polled", "unpolled", "raw")
        },
        "answers": [{s: r[s].answers() for s in r} for r in rounds],
        "db_statuses": [{s: r[s].db_statuses for s in r} for r in rounds],
        "all_finished": all(side.finished for r in rounds for side in r.values()),
        "heartbeat_timeout_s": HEARTBEAT_TIMEOUT,
        "load_before": load,
        "load_after": load_average(),
    }
    print(
        f"[crowd-poll] Temporal queries + describes while the polled crowd ran: {read_calls} "
        f"(control after it: {controls}); status p99 {p99} ms over {len(polled_reads)} reads",
        flush=True,
    )
    targets = [
        Target.at_least("completed, every side (min)", completed, n, "postcards"),
        Target.at_most("status p99 during the polled crowd", p99, 100, "ms"),
        Target.at_most("errors (creates, status reads, unfinished)", errors, 0, ""),
        Target.at_most(
            "last completion, polled / unpolled", metrics["ratio_polled_over_unpolled"], 1.1, ""
        ),
        Target.at_most(
            "last completion, full stack (polled) / raw Temporal",
            metrics["ratio_polled_over_raw"],
            1.15,
            "",
        ),
        Target.at_most("Temporal queries + describes during the polled crowd", read_calls, 0, ""),
        Target.at_least(
            "control: a query and a describe after it, counted", min(controls, default=0), 1, ""
        ),
    ]
    delays = QUICK_DELAYS if ctx.quick else "concept 3 s, content 3 s, image 20 s, frontend 40 s"
    return ScenarioResult(
        name="crowd-poll",
        title=f"A polling crowd: {n} front-ends, unpolled and raw Temporal in the same run",
        columns=COLUMNS,
        rows=rows,
        targets=targets,
        metrics=metrics,
        notes=[
            f"Delays: {delays}, each drawn from ±{float(JITTER):.0%}; "
            f"heartbeat timeout {HEARTBEAT_TIMEOUT} s.",
            "last_completion = the client's first request sent → the last of its runs' close "
            "times (one List once a Count showed all closed), the same on every side; "
            "drawn_end = when the last would complete if each ran alone with no overhead "
            "(its send time + its drawn provider path); p50/max = request sent → run closed.",
            "status_p99 is measured from each read's scheduled setInterval tick; errors are "
            "creates not answered 202, reads not answered 200 and people never told final.",
            "queries/describes: the dev server's `service_requests` (frontend) during the side; "
            "the control is one describe and one query of a made-up run after the polled window.",
            "CPU: ms per completed run over the side's window; stack = every process but the "
            "people's client (loadgen); raw's starter is its client process.",
        ],
        params={"n": n, "poll_s": POLL_S, "quick": ctx.quick, "repeat": ctx.repeat},
        started_at=started,
        finished_at=now_iso(),
        machine=machine(),
        quick=ctx.quick,
    )
