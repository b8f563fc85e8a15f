"""Benchmark results: one JSON file and one markdown table per scenario, plus a summary."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any


@dataclass
class Target:
    """A speed goal and whether this run met it."""

    name: str
    goal: str
    value: float | None
    unit: str
    met: bool | None

    @classmethod
    def at_least(cls, name: str, value: float | None, goal: float, unit: str) -> Target:
        met = None if value is None else value >= goal
        return cls(name, f">= {goal:g} {unit}".strip(), value, unit, met)

    @classmethod
    def at_most(cls, name: str, value: float | None, goal: float, unit: str) -> Target:
        met = None if value is None else value <= goal
        return cls(name, f"<= {goal:g} {unit}".strip(), value, unit, met)


@dataclass
class ScenarioResult:
    """What one scenario measured: a table of configurations, targets and raw metrics."""

    name: str
    title: str
    columns: list[str]
    rows: list[dict[str, Any]]
    targets: list[Target] = field(default_factory=list)
    metrics: dict[str, Any] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    params: dict[str, Any] = field(default_factory=dict)
    started_at: str = ""
    finished_at: str = ""
    machine: dict[str, Any] = field(default_factory=dict)
    quick: bool = False

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> ScenarioResult:
        data = dict(data)
        data["targets"] = [Target(**t) for t in data.get("targets", [])]
        return cls(**data)


def now_iso() -> str:
    """The current UTC time, to the second."""
    return datetime.now(UTC).replace(microsecond=0).isoformat()


def _cell(value: Any) -> str:
    if value is None:
        return "–"
    if isinstance(value, float):
        return f"{value:,.1f}" if abs(value) >= 10 else f"{value:,.2f}"
    return str(value)


def table(columns: list[str], rows: list[dict[str, Any]]) -> str:
    """A markdown table of the rows' values for the columns."""
    lines = ["| " + " | ".join(columns) + " |", "|" + "---|" * len(columns)]
    lines += ["| " + " | ".join(_cell(row.get(c)) for c in columns) + " |" for row in rows]
    return "\n".join(lines)


def _measured(target: Target) -> str:
    """A target's value as the table shows it: ratios below 1 with three decimals, so that
    0.498 against ">= 0.5" does not read as 0.50."""
    value = target.value
    if isinstance(value, float) and abs(value) < 1:
        return f"{value:.3f}"
    return _cell(value)


def targets_table(targets: list[Target]) -> str:
    """The targets as a markdown table."""
    rows = [
        {
            "target": t.name,
            "goal": t.goal,
            "measured": f"{_measured(t)} {t.unit}".strip(),
            "met": {True: "yes", False: "**no**", None: "–"}[t.met],
        }
        for t in targets
    ]
    return table(["target", "goal", "measured", "met"], rows)


def markdown(result: ScenarioResult) -> str:
    """One scenario as markdown."""
    parts = [
        f"## {result.title}",
        f"`{result.name}`{' (quick mode)' if result.quick else ''}: "
        f"{result.started_at} → {result.finished_at}, {result.machine.get('cpus')} CPUs, "
        f"{result.machine.get('temporal', '')}",
        "",
        table(result.columns, result.rows),
    ]
    if result.targets:
        parts += ["", targets_table(result.targets)]
    if result.notes:
        parts += ["", *[f"- {note}" for note in result.notes]]
    return "\n".join(parts) + "\n"


def write(result: ScenarioResult, out: Path) -> None:
    """`<name>.json` and `<name>.md`, then refresh `summary.md` from every JSON in `out`."""
    out.mkdir(parents=True, exist_ok=True)
    (out / f"{result.name}.json").write_text(
        json.dumps(result.to_json(), indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
    )
    (out / f"{result.name}.md").write_text(markdown(result), encoding="utf-8")
    write_summary(out)


def load_all(out: Path) -> list[ScenarioResult]:
    """Every scenario result stored in `out`."""
    results = []
    for path in sorted(out.glob("*.json")):
        try:
            results.append(ScenarioResult.from_json(json.loads(path.read_text(encoding="utf-8"))))
        except (ValueError, TypeError):
            continue
    return results


def write_summary(out: Path) -> None:
    """`summary.md`: every target, then every scenario's table."""
    results = load_all(out)
    targets = [t for r in results for t in r.targets]
    parts = ["# Benchmark results", ""]
    if targets:
        parts += ["### Targets", "", targets_table(targets), ""]
    parts += [markdown(r) for r in results]
    (out / "summary.md").write_text("\n".join(parts), encoding="utf-8")
