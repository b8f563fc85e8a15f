"""What the crowd benchmark sends and watches: paced creates, and a once-a-second probe of the
processes (RSS, CPU) and of the worker's Temporal SDK metrics (activity slots, schedule-to-start).
"""

from __future__ import annotations

import asyncio
import json
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
from prometheus_client.parser import text_string_to_metric_families

from bench.loadgen import Connection, post_request
from bench.procs import Process
from bench.workloads import PROMPTS


@dataclass
class Burst:
    """The creates of one burst: task ids in order and each create's answer time."""

    task_ids: list[str] = field(default_factory=list)
    latencies_ms: list[float] = field(default_factory=list)
    answers: Counter[str] = field(default_factory=Counter)
    sent_s: float = 0.0

    @property
    def refused(self) -> int:
        """Creates that did not get a 202."""
        return sum(n for answer, n in self.answers.items() if answer != "202")


async def paced_creates(
    api_url: str, n: int, over_s: float, cap: int = 200, extra: dict[str, Any] | None = None
) -> Burst:
    """n creates spread evenly over `over_s` seconds (an open loop: the schedule does not wait
    for answers), on at most `cap` keep-alive connections; `extra` fields go in every body."""
    url = f"{api_url}/api/v1/postcards/create"
    requests = [post_request(url, {"prompt": p, **(extra or {})})[2] for p in PROMPTS]
    host, port, _ = post_request(url, {})
    idle: list[Connection] = []
    limit = asyncio.Semaphore(cap)
    burst = Burst()
    ids: list[str | None] = [None] * n
    began = time.perf_counter()

    async def one(i: int) -> None:
        await asyncio.sleep(max(0.0, began + i * over_s / n - time.perf_counter()))
        async with limit:
            sent = time.perf_counter()
            for attempt in range(3):
                # A kept-alive connection the server has closed while idle fails at once; the
                # next tries open new ones (popping another idle one could meet another such).
                conn = idle.pop() if idle and attempt == 0 else None
                try:
                    conn = conn or await Connection.open(host, port)
                    status, body = await conn.exchange_full(requests[i % len(requests)])
                    break
                except (OSError, asyncio.IncompleteReadError) as exc:
                    if conn is not None:
                        conn.close()
                    if attempt == 2:
                        burst.answers[type(exc).__name__] += 1
                        return
            burst.latencies_ms.append((time.perf_counter() - sent) * 1000)
            if conn is not None:
                idle.append(conn)
            burst.answers[str(status)] += 1
            if status == 202:
                ids[i] = json.loads(body)["task_id"]

    try:
        await asyncio.gather(*(one(i) for i in range(n)))
    finally:
        for conn in idle:
            conn.close()
    burst.sent_s = time.perf_counter() - began
    burst.task_ids = [task_id for task_id in ids if task_id]
    return burst


def rss_mb(process: Process) -> float:
    """Resident memory of a running process, MiB (0 when it is not running)."""
    if process.popen is None:
        return 0.0
    try:
        status = Path(f"/proc/{process.popen.pid}/status").read_text()
    except OSError:
        return 0.0
    for line in status.splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def sdk_metrics(text: str) -> dict[str, float]:
    """The worker's activity slots left, and the schedule-to-start latency sums and counts of
    activities and workflow tasks."""
    out = {
        "slots_available": float("inf"),
        "sched_sum_ms": 0.0,
        "sched_count": 0.0,
        "wft_sched_sum_ms": 0.0,
        "wft_sched_count": 0.0,
    }
    found = False
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            if sample.name == "temporal_worker_task_slots_available":
                if sample.labels.get("worker_type") == "ActivityWorker":
                    found = True
                    out["slots_available"] = min(out["slots_available"], sample.value)
            elif sample.name == "temporal_activity_schedule_to_start_latency_sum":
                out["sched_sum_ms"] += sample.value
            elif sample.name == "temporal_activity_schedule_to_start_latency_count":
                out["sched_count"] += sample.value
            elif sample.name == "temporal_workflow_task_schedule_to_start_latency_sum":
                out["wft_sched_sum_ms"] += sample.value
            elif sample.name == "temporal_workflow_task_schedule_to_start_latency_count":
                out["wft_sched_count"] += sample.value
    if not found:
        out["slots_available"] = -1.0
    return out


@dataclass
class Probe:
    """Samples once a second until stopped: RSS peaks, CPU seconds, the SDK's slot gauge."""

    processes: dict[str, Process]
    metrics_urls: dict[str, str]
    peak_rss_mb: dict[str, float] = field(default_factory=dict)
    min_slots: dict[str, float] = field(default_factory=dict)
    samples: list[dict[str, Any]] = field(default_factory=list)
    _stop: asyncio.Event = field(default_factory=asyncio.Event)

    async def run(self) -> None:
        """Sample until `stop`."""
        async with httpx.AsyncClient(timeout=2) as http:
            began = time.perf_counter()
            while not self._stop.is_set():
                sample: dict[str, Any] = {"t": round(time.perf_counter() - began, 1)}
                for name, process in self.processes.items():
                    rss = rss_mb(process)
                    self.peak_rss_mb[name] = max(self.peak_rss_mb.get(name, 0.0), rss)
                    sample[f"{name}_cpu_s"] = round(process.cpu_seconds(), 2)
                for name, url in self.metrics_urls.items():
                    try:
                        metrics = sdk_metrics((await http.get(url)).text)
                    except (httpx.HTTPError, ValueError):  # not up yet, or not a metrics page
                        continue
                    slots = metrics["slots_available"]
                    if slots >= 0:
                        self.min_slots[name] = min(self.min_slots.get(name, slots), slots)
                    sample[f"{name}_slots"] = slots
                    sample[f"{name}_sched_ms_sum"] = round(metrics["sched_sum_ms"])
                    sample[f"{name}_sched_n"] = metrics["sched_count"]
                    sample[f"{name}_wft_sched_sum"] = round(metrics["wft_sched_sum_ms"], 1)
                    sample[f"{name}_wft_sched_n"] = metrics["wft_sched_count"]
                self.samples.append(sample)
                try:
                    await asyncio.wait_for(self._stop.wait(), 1.0)
                except TimeoutError:
                    pass

    def stop(self) -> None:
        """End sampling."""
        self._stop.set()

    def busiest_cores(self, name: str, window_s: float = 5.0) -> float:
        """The highest CPU use of a process over any `window_s` stretch, in cores."""
        key = f"{name}_cpu_s"
        points = [(s["t"], s[key]) for s in self.samples if key in s]
        best = 0.0
        for i, (t0, c0) in enumerate(points):
            for t1, c1 in points[i + 1 :]:
                if t1 - t0 >= window_s:
                    best = max(best, (c1 - c0) / (t1 - t0))
                    break
        return round(best, 2)
