"""The benchmark harness in quick mode writes its JSON and markdown (no timing is asserted)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from bench.measure import percentile
from bench.report import Target, targets_table
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
