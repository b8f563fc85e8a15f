"""Tests carry their own data under tests/data: nothing reads outside the repository, and a
missing fixture fails instead of skipping (a fresh clone or the Docker image has no ../shared)."""

from __future__ import annotations

import json
import re
from pathlib import Path

TESTS = Path(__file__).resolve().parent
# The checkout's sibling folder of shared data, and absolute paths outside the checkout.
OUTSIDE = re.compile("shared" + r"/data|/work/|parents\[2\]")


def test_the_sample_requests_are_carried_by_the_tests() -> None:
    rows = [
        json.loads(line) for line in (TESTS / "data" / "requests.jsonl").read_text().splitlines()
    ]
    assert len(rows) == 48
    assert all({"prompt", "occasion", "language"} <= set(row) for row in rows)
    assert {row["occasion"] for row in rows} >= {"birthday", "injection", "sympathy"}


def test_no_test_reads_data_from_outside_the_repository() -> None:
    offenders = [
        f"{path.name}:{number}: {line.strip()}"
        for path in sorted(TESTS.rglob("*.py"))
        if path != Path(__file__).resolve()
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if OUTSIDE.search(line)
    ]
    assert offenders == []
