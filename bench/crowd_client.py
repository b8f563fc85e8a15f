"""The crowd's clients, in a process of their own: `python -m bench.crowd_client MODE …`.

`http`: n people using the original front-end (tests/js/original_client.js), the i-th starting
at i × over / n seconds. Each creates with a bare `fetch` (the JSON sent as
`text/plain;charset=UTF-8`) and then, with `--poll-s 2`, reads its status every 2 s on a
`setInterval` (a tick never waits for the previous answer) until the answer says COMPLETED or
FAILED. The first read is one interval after the create's answer, as there. Each person keeps
its own keep-alive connections, as a browser does; one whose kept-alive connection the server
closed while idle is sent again once on a new one, as a browser does. `--poll-s 0` only
creates.

`temporal`: n starts of RawGraphWorkflow (bench/raw_graph.py) at the same pace, each with the
options the starter starts a postcard with, from one Temporal client.

Both write one JSON file (`--out`): the ids in order, the wall-clock time the first request was
sent, every answer's time, the answers by kind, and this process's own CPU seconds over the
crowd (`resource.getrusage`, from the first request to the last answer; the interpreter's
start and imports are left out).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import resource
import sys
import time
import uuid
from collections import Counter
from datetime import timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from bench.loadgen import Connection
from bench.workloads import PROMPTS

CREATE_PATH = "/api/v1/postcards/create"
STATUS_PATH = "/api/v1/postcards/status/"
FINAL = ("COMPLETED", "FAILED")


def cpu_seconds() -> float:
    """This process's user + system CPU so far."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def bare_fetch_post(host: str, path: str, body: dict[str, Any]) -> bytes:
    """`fetch(path, {method: 'POST', body: JSON.stringify(body)})` as a browser sends it."""
    payload = json.dumps(body, ensure_ascii=False).encode()
    head = (
        f"POST {path} HTTP/1.1\r\nHost: {host}\r\n"
        f"Content-Type: text/plain;charset=UTF-8\r\nContent-Length: {len(payload)}\r\n"
        "Connection: keep-alive\r\n\r\n"
    ).encode()
    return head + payload


def get_request(host: str, path: str) -> bytes:
    """`fetch(path)`: a keep-alive GET."""
    return f"GET {path} HTTP/1.1\r\nHost: {host}\r\nConnection: keep-alive\r\n\r\n".encode()


class Browser:
    """One person's connections to the API: idle ones reused, a new one when none is idle."""

    def __init__(self, host: str, port: int) -> None:
        self.host = host
        self.port = port
        self.idle: list[Connection] = []

    async def send(self, request: bytes) -> tuple[int | None, bytes, str]:
        """The status (None when the connection failed), the body, and a failure's kind."""
        reused = self.idle.pop() if self.idle else None
        failure = ""
        for conn in [reused, None] if reused else [None]:
            try:
                conn = conn or await Connection.open(self.host, self.port)
                status, body = await conn.exchange_full(request)
            except (OSError, asyncio.IncompleteReadError, ValueError, IndexError) as exc:
                if conn is not None:
                    conn.close()
                failure = type(exc).__name__
                continue
            self.idle.append(conn)
            return status, body, ""
        return None, b"", failure

    def close(self) -> None:
        for conn in self.idle:
            conn.close()
        self.idle.clear()


class Crowd:
    """What the people saw, kept lean: lists of floats and counters."""

    def __init__(self, n: int) -> None:
        self.ids: list[str | None] = [None] * n
        self.sent_at: list[float | None] = [None] * n
        self.create_ms: list[float] = []
        self.creates: Counter[str] = Counter()
        self.status_ms: list[float] = []
        self.send_lag_ms: list[float] = []
        self.reads: Counter[str] = Counter()
        self.finals: Counter[str] = Counter()
        self.unfinished = 0


async def person(crowd: Crowd, i: int, at: float, url: str, poll_s: float, deadline: float) -> None:
    """Create at `at` (loop time), then poll every `poll_s` until final or the deadline."""
    loop = asyncio.get_running_loop()
    parts = urlsplit(url)
    browser = Browser(parts.hostname or "127.0.0.1", parts.port or 80)
    host = parts.netloc
    try:
        await asyncio.sleep(max(0.0, at - loop.time()))
        create = bare_fetch_post(host, CREATE_PATH, {"prompt": PROMPTS[i % len(PROMPTS)]})
        crowd.sent_at[i] = time.time()
        status, body, failure = await browser.send(create)
        crowd.create_ms.append((loop.time() - at) * 1000)
        crowd.creates[str(status) if status is not None else failure] += 1
        if status != 202:
            return
        task_id = json.loads(body)["task_id"]
        crowd.ids[i] = task_id
        if poll_s <= 0:
            return
        done = asyncio.Event()
        read = get_request(host, STATUS_PATH + task_id)
        in_flight: set[asyncio.Task[None]] = set()

        async def tick(scheduled: float) -> None:
            sent = loop.time()
            crowd.send_lag_ms.append((sent - scheduled) * 1000)
            status, body, failure = await browser.send(read)
            crowd.status_ms.append((loop.time() - scheduled) * 1000)
            crowd.reads[str(status) if status is not None else failure] += 1
            if status == 200 and not done.is_set():
                answer = json.loads(body).get("status")
                if answer in FINAL:
                    crowd.finals[answer] += 1
                    done.set()

        scheduled = loop.time()
        while not done.is_set():
            scheduled += poll_s
            if scheduled > deadline:
                crowd.unfinished += 1
                break
            await asyncio.sleep(max(0.0, scheduled - loop.time()))
            if done.is_set():  # an earlier tick's answer was final: clearInterval
                break
            task = asyncio.create_task(tick(scheduled))
            in_flight.add(task)
            task.add_done_callback(in_flight.discard)
        if in_flight:
            await asyncio.gather(*in_flight)
    finally:
        browser.close()


async def http_crowd(args: argparse.Namespace) -> dict[str, Any]:
    """n people, created evenly over `--over-s`, polling every `--poll-s`."""
    crowd = Crowd(args.n)
    loop = asyncio.get_running_loop()
    start = loop.time() + 0.05
    deadline = start + args.timeout_s
    cpu = cpu_seconds()
    people = (
        person(crowd, i, start + i * args.over_s / args.n, args.url, args.poll_s, deadline)
        for i in range(args.n)
    )
    await asyncio.wait_for(asyncio.gather(*people), args.timeout_s + 60)
    return {
        "mode": "http",
        "n": args.n,
        "over_s": args.over_s,
        "poll_s": args.poll_s,
        "first_sent": min((t for t in crowd.sent_at if t is not None), default=None),
        "elapsed_s": round(loop.time() - start, 3),
        "cpu_s": round(cpu_seconds() - cpu, 3),
        "ids": [task_id for task_id in crowd.ids if task_id],
        "sent_at": {k: t for k, t in zip(crowd.ids, crowd.sent_at, strict=True) if k},
        "creates": dict(crowd.creates),
        "create_ms": [round(v, 2) for v in crowd.create_ms],
        "reads": dict(crowd.reads),
        "status_ms": [round(v, 2) for v in crowd.status_ms],
        "send_lag_ms": [round(v, 2) for v in crowd.send_lag_ms],
        "finals": dict(crowd.finals),
        "unfinished": crowd.unfinished,
    }


async def temporal_crowd(args: argparse.Namespace) -> dict[str, Any]:
    """n RawGraphWorkflow starts, evenly over `--over-s`, with the starter's options."""
    from temporalio.common import (
        SearchAttributePair,
        TypedSearchAttributes,
        WorkflowIDConflictPolicy,
        WorkflowIDReusePolicy,
    )

    from bench.raw_graph import RawGraphWorkflow
    from core.db import utcnow
    from core.models import PostcardRequest
    from core.settings import get_settings
    from core.wiring import temporal_client
    from runs.launch import STEP_ATTRIBUTE, with_policy

    settings = get_settings()
    client = await temporal_client(settings)
    probe = PostcardRequest(task_id="raw", user_input="raw", created_at=utcnow())
    options = with_policy(probe, settings).options
    timeout = settings.ai_workflow_timeout + 120
    answers: Counter[str] = Counter()
    ids: list[str | None] = [None] * args.n
    start_ms: list[float] = []
    sent_at: list[float | None] = [None] * args.n
    loop = asyncio.get_running_loop()
    start = loop.time() + 0.05

    async def one(i: int) -> None:
        await asyncio.sleep(max(0.0, start + i * args.over_s / args.n - loop.time()))
        workflow_id = f"raw-{uuid.uuid4().hex}"
        prompt = PROMPTS[i % len(PROMPTS)]
        sent_at[i] = time.time()
        began = loop.time()
        try:
            await client.start_workflow(
                RawGraphWorkflow.run,
                options,
                id=workflow_id,
                task_queue=settings.temporal_task_queue,
                id_reuse_policy=WorkflowIDReusePolicy.REJECT_DUPLICATE,
                id_conflict_policy=WorkflowIDConflictPolicy.FAIL,
                execution_timeout=timedelta(seconds=timeout),
                memo={"prompt": prompt, "user_id": "local"},
                search_attributes=TypedSearchAttributes(
                    [SearchAttributePair(STEP_ATTRIBUTE, "concept")]
                ),
                static_summary=prompt,
            )
        except Exception as exc:  # counted, as the HTTP side counts a failed create
            answers[type(exc).__name__] += 1
            return
        start_ms.append((loop.time() - began) * 1000)
        answers["started"] += 1
        ids[i] = workflow_id

    cpu = cpu_seconds()
    await asyncio.wait_for(asyncio.gather(*(one(i) for i in range(args.n))), args.timeout_s)
    return {
        "mode": "temporal",
        "n": args.n,
        "over_s": args.over_s,
        "first_sent": min((t for t in sent_at if t is not None), default=None),
        "elapsed_s": round(loop.time() - start, 3),
        "cpu_s": round(cpu_seconds() - cpu, 3),
        "ids": [workflow_id for workflow_id in ids if workflow_id],
        "sent_at": {k: t for k, t in zip(ids, sent_at, strict=True) if k},
        "creates": dict(answers),
        "create_ms": [round(v, 2) for v in start_ms],
    }


def parse(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.crowd_client")
    parser.add_argument("mode", choices=("http", "temporal"))
    parser.add_argument("--url", default="", help="the API's base URL (http)")
    parser.add_argument("--n", type=int, required=True)
    parser.add_argument("--over-s", type=float, default=10.0)
    parser.add_argument("--poll-s", type=float, default=2.0, help="0: create only (http)")
    parser.add_argument("--timeout-s", type=float, default=900.0)
    parser.add_argument("--out", type=Path, required=True)
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> None:
    args = parse(sys.argv[1:] if argv is None else argv)
    crowd = http_crowd if args.mode == "http" else temporal_crowd
    result = asyncio.run(crowd(args))
    args.out.write_text(json.dumps(result) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
    # The Temporal SDK's runtime threads can abort the interpreter's finalization (SIGABRT,
    # "PyGILState_Release"); everything is written by now, so leave without it.
    sys.stdout.flush()
    os._exit(0)
