"""`python -m bench [--quick] [--repeat N] [scenario …]` (or `scripts/dev.sh bench …`).

Scenarios: throughput (a + b), latency (c), create (d), storage (e), sleepy, variants,
heartbeat and local (CPU-bound steps), crowd, crowd-poll (polling front-ends vs no polling vs
raw Temporal), crowd-webhooks (a webhook on every postcard vs none), quota, sse (creates
while streams watch), settle (terminate → final row), wishes (how the local engine reads the
labelled wishes of tests/data);
no name runs the first five plus sleepy. `chart` redraws docs/performance.png from the results.
Each scenario starts its own dev servers and processes on free loopback ports, stops by
itself, and writes `<name>.json` and `<name>.md` (plus `summary.md`) into the results folder.
"""

from __future__ import annotations

import argparse
import asyncio
import shutil
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from pathlib import Path

from bench.context import Context
from bench.create import create
from bench.crowd import crowd, crowd3000, crowd_crash
from bench.crowd_poll import crowd_poll
from bench.crowd_webhooks import crowd_webhooks
from bench.heartbeat_gaps import heartbeat
from bench.latency import latency, sleepy
from bench.local_ratio import local
from bench.quota import quota
from bench.report import ScenarioResult, markdown, write
from bench.settle import settle
from bench.sse import sse
from bench.storage import storage
from bench.throughput import throughput, variants
from bench.wishes import wishes

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
SCENARIOS: dict[str, Callable[[Context], Awaitable[ScenarioResult]]] = {
    "throughput": throughput,
    "latency": latency,
    "create": create,
    "storage": storage,
    "sleepy": sleepy,
    "variants": variants,
    "heartbeat": heartbeat,
    "local": local,
    "crowd": crowd,
    "crowd3000": crowd3000,
    "crowd-crash": crowd_crash,
    "crowd-poll": crowd_poll,
    "crowd-webhooks": crowd_webhooks,
    "quota": quota,
    "sse": sse,
    "wishes": wishes,
    "settle": settle,
}
DEFAULT = ("throughput", "latency", "create", "storage", "sleepy")


def parse(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.split("\n")[0])
    parser.add_argument("names", nargs="*", help=f"{', '.join(SCENARIOS)}, all, or chart")
    parser.add_argument("--quick", action="store_true", help="tiny sizes: a smoke run")
    parser.add_argument("--repeat", type=int, default=1, help="rounds per measurement")
    parser.add_argument("--out", type=Path, help="results folder (default bench/results[/quick])")
    parser.add_argument("--keep", action="store_true", help="keep the work dir (logs, databases)")
    return parser.parse_args(argv)


async def run(names: list[str], ctx: Context, out: Path) -> int:
    failed = 0
    for name in names:
        began = time.perf_counter()
        print(f"[bench] {name} …", file=sys.stderr, flush=True)
        try:
            result = await SCENARIOS[name](ctx)
        except Exception as exc:  # one scenario failing must not lose the others' results
            failed += 1
            print(f"[bench] {name} failed: {type(exc).__name__}: {exc}", file=sys.stderr)
            continue
        write(result, out)
        print(markdown(result), flush=True)
        print(f"[bench] {name} took {time.perf_counter() - began:.0f} s", file=sys.stderr)
    return failed


def main(argv: list[str] | None = None) -> int:
    args = parse(sys.argv[1:] if argv is None else argv)
    out = args.out or (RESULTS / "quick" if args.quick else RESULTS)
    names = args.names or list(DEFAULT)
    if names == ["all"]:
        names = list(SCENARIOS)
    if "chart" in names:
        from bench.chart import draw

        print(f"[bench] wrote {draw(out, ROOT / 'docs' / 'performance.png')}", file=sys.stderr)
        names = [n for n in names if n != "chart"]
        if not names:
            return 0
    unknown = [n for n in names if n not in SCENARIOS]
    if unknown:
        print(f"unknown scenario(s): {', '.join(unknown)}; choose from {', '.join(SCENARIOS)}")
        return 2
    workdir = Path(tempfile.mkdtemp(prefix="postcard-bench-"))
    try:
        ctx = Context(workdir=workdir, quick=args.quick, repeat=max(1, args.repeat))
        failed = asyncio.run(run(names, ctx, out))
    finally:
        if args.keep:
            print(f"[bench] work dir kept: {workdir}", file=sys.stderr)
        else:
            shutil.rmtree(workdir, ignore_errors=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
