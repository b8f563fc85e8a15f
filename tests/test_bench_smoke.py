"""The benchmark harness in quick mode writes its JSON and markdown (no timing is asserted)."""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bench.measure import percentile
from bench.report import Target, targets_table
from bench.temporal_calls import READS, frontend_requests, moved
from bench.workloads import completions
from tests.conftest import REPO


def test_percentile_interpolates() -> None:
    assert percentile([], 50) is None
    assert percentile([5.0], 99) == 5.0
    assert percentile([1.0, 2.0, 3.0, 4.0], 50) == 2.5
    assert percentile(list(range(101)), 99) == 99


def test_a_ratio_just_under_its_goal_does_not_read_as_the_goal() -> None:
    table = targets_table(
        [Target.at_least("b / a", 0.498, 0.5, ""), Target.at_most("p99", 66.0, 25, "ms")]
    )
    assert "| b / a | >= 0.5 | 0.498 | **no** |" in table
    assert "| p99 | <= 25 ms | 66.0 ms | **no** |" in table


def test_quick_create_scenario_writes_json_and_markdown(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "bench", "--quick", "create", "--out", str(tmp_path)],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=240,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    result = json.loads((tmp_path / "create.json").read_text())
    assert result["name"] == "create" and result["quick"] is True
    assert result["machine"]["cpus"] >= 1
    steady = result["rows"][0]
    assert steady["endpoint"] == "create" and steady["sent"] > 0
    assert steady["errors"] == 0 and steady["p99_ms"] > 0
    assert {row["endpoint"] for row in result["rows"]} == {"create", "minimal"}
    assert result["metrics"]["create_max_per_s"] > 0 and result["metrics"]["ratio"] > 0
    assert {t["name"] for t in result["targets"]} >= {"max creates/s vs minimal endpoint"}
    markdown = (tmp_path / "create.md").read_text()
    assert "| endpoint | load |" in markdown and "minimal" in markdown
    assert "max creates/s vs minimal endpoint" in (tmp_path / "summary.md").read_text()


def test_the_servers_request_counters_are_read_per_frontend_operation() -> None:
    text = "\n".join(
        [
            "# TYPE service_requests counter",
            'service_requests{namespace="default",operation="QueryWorkflow",'
            'service_name="frontend"} 3',
            'service_requests{namespace="default",operation="QueryWorkflow",'
            'service_name="history"} 3',
            'service_requests{namespace="default",operation="DescribeWorkflowExecution",'
            'service_name="frontend"} 2',
        ]
    )
    counts = frontend_requests(text + "\n")
    assert counts == {"QueryWorkflow": 3, "DescribeWorkflowExecution": 2}
    assert moved({"QueryWorkflow": 1}, counts, READS) == {
        "QueryWorkflow": 2,
        "DescribeWorkflowExecution": 2,
    }


def test_both_throughput_sides_divide_by_the_measured_span() -> None:
    at = datetime(2026, 1, 1, tzinfo=UTC)
    sent = {"a": at.timestamp(), "b": at.timestamp() + 1, "lost": at.timestamp() + 2}
    closed = {"a": at + timedelta(seconds=2), "b": at + timedelta(seconds=5)}
    done = completions(sent, closed)
    assert done["completed"] == 2 and done["elapsed_s"] == 5.0 and done["per_s"] == 0.4
    assert done["latency_ms"]["max"] == 4000.0


async def test_the_crowd_client_polls_like_the_original_front_end(tmp_path: Path) -> None:
    """Against a stand-in API: each person creates with a text/plain body, reads its status
    every interval until the answer is final, and stops reading then."""
    reads: Counter[str] = Counter()
    content_types: list[str] = []

    async def answer(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        created = 0
        try:
            while True:
                head = (await reader.readuntil(b"\r\n\r\n")).decode()
                method, path, _ = head.split(" ", 2)
                headers = dict(
                    line.split(": ", 1) for line in head.split("\r\n")[1:] if ": " in line
                )
                if method == "POST":
                    await reader.readexactly(int(headers["Content-Length"]))
                    content_types.append(headers["Content-Type"])
                    created += 1
                    code, body = 202, {"task_id": f"t{id(writer)}-{created}"}
                else:
                    task_id = path.rsplit("/", 1)[1]
                    reads[task_id] += 1
                    status = "COMPLETED" if reads[task_id] >= 3 else "PROCESSING"
                    code, body = 200, {"task_id": task_id, "status": status}
                payload = json.dumps(body).encode()
                writer.write(
                    f"HTTP/1.1 {code} X\r\nContent-Length: {len(payload)}\r\n\r\n".encode()
                    + payload
                )
                await writer.drain()
        except (asyncio.IncompleteReadError, ConnectionError):
            writer.close()

    server = await asyncio.start_server(answer, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    out = tmp_path / "crowd.json"
    async with server:
        done = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bench.crowd_client", "http",
            "--url", f"http://127.0.0.1:{port}", "--n", "4", "--over-s", "0.2",
            "--poll-s", "0.3", "--timeout-s", "20", "--out", str(out),
            cwd=REPO,
        )  # fmt: skip
        assert await asyncio.wait_for(done.wait(), 60) == 0
    crowd = json.loads(out.read_text())
    assert crowd["creates"] == {"202": 4} and len(crowd["ids"]) == 4
    assert content_types == ["text/plain;charset=UTF-8"] * 4
    assert crowd["finals"] == {"COMPLETED": 4} and crowd["unfinished"] == 0
    assert sorted(reads.values()) == [3, 3, 3, 3]  # no read after the final answer
    assert crowd["reads"] == {"200": 12} and len(crowd["status_ms"]) == 12
    assert crowd["first_sent"] <= min(crowd["sent_at"].values()) and crowd["cpu_s"] >= 0


def test_quick_settle_scenario_records_every_terminate(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "bench", "--quick", "settle", "--out", str(tmp_path)],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    result = json.loads((tmp_path / "settle.json").read_text())
    assert result["name"] == "settle" and result["quick"] is True
    settled = {t["name"]: t for t in result["targets"]}
    assert settled["terminated postcards recorded as Terminated"]["value"] == 5
    assert result["metrics"]["seconds"]["n"] == 5 and result["metrics"]["seconds"]["max"] > 0
