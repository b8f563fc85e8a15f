"""`python -m bench chart`: docs/performance.png from the stored results (needs matplotlib)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from bench.report import ScenarioResult, load_all

SCENARIOS = ("throughput", "variants", "storage")


def configurations(results: list[ScenarioResult]) -> list[dict[str, Any]]:
    """One entry per configuration: its median throughput and latency (rounds folded)."""
    found: dict[str, dict[str, Any]] = {}
    by_name = {result.name: result for result in results}
    for result in [by_name[name] for name in SCENARIOS if name in by_name]:
        rounds: dict[str, list[dict[str, Any]]] = {}
        for row in result.rows:
            name = f"{result.name}: {row['configuration']}"
            if row.get("round") == "median":
                found[name] = row | {"configuration": name}
            else:
                rounds.setdefault(name, []).append(row)
        for name, rows in rounds.items():
            if name not in found:
                best = sorted(rows, key=lambda r: r["per_s"] or 0)[len(rows) // 2]
                found[name] = best | {"configuration": name}
    return list(found.values())


def draw(results_dir: Path, out: Path) -> Path:
    """Throughput, latency and CPU cost per configuration, side by side."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    rows = configurations(load_all(results_dir))
    if not rows:
        raise SystemExit(f"no throughput, variants or storage results in {results_dir}")
    names = [r["configuration"] for r in rows]
    height = max(3.0, 0.45 * len(rows) + 1.5)
    fig, (left, right, cpu) = plt.subplots(
        1, 3, figsize=(17, height), sharey=True, gridspec_kw={"width_ratios": [3, 3, 2]}
    )
    ys = range(len(rows))
    left.barh(ys, [r["per_s"] or 0 for r in rows], color="#4C78A8")
    left.axvline(15, color="#E45756", linestyle="--", linewidth=1, label="target 15 postcards/s")
    left.set_yticks(list(ys), names, fontsize=8)
    left.invert_yaxis()
    left.set_xlabel("completed per second (higher is better)")
    left.legend(loc="lower right", fontsize=8)
    for y, r in zip(ys, rows, strict=True):
        left.text((r["per_s"] or 0) + 0.3, y, f"{r['per_s']}", va="center", fontsize=7)
    p50 = [(r["p50_ms"] or 0) / 1000 for r in rows]
    p99 = [(r["p99_ms"] or 0) / 1000 for r in rows]
    right.barh([y - 0.2 for y in ys], p50, height=0.4, color="#72B7B2", label="p50")
    right.barh([y + 0.2 for y in ys], p99, height=0.4, color="#F58518", label="p99")
    right.set_xlabel("latency, s (start/create → completed; lower is better)")
    right.legend(loc="lower right", fontsize=8)
    cpu.barh(ys, [r.get("cpu_ms_each") or 0 for r in rows], color="#B279A2")
    cpu.set_xlabel("CPU ms per item, all processes (load-independent)")
    for y, r in zip(ys, rows, strict=True):
        if r.get("cpu_ms_each"):
            cpu.text(r["cpu_ms_each"] + 3, y, f"{r['cpu_ms_each']:.0f}", va="center", fontsize=7)
    fig.suptitle("Postcard Studio on 2 shared cores: throughput, latency and CPU per configuration")
    fig.tight_layout()
    out.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(out, dpi=110)
    plt.close(fig)
    return out
