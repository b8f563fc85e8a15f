"""Benchmark of the local engine: milliseconds per illustration (and per page), printed as JSON.

Run with `.venv/bin/python bench/bench_engine.py [--rounds N] [--width W --height H] [--styles]`.
`--styles` also renders every wish in each art style and adds a CPU summary per style.
`cpu` figures are this process's CPU time, the cost on one core even when the machine is busy;
`wall` figures are elapsed time and grow with whatever else the machine is doing. Concept and
copy are timed after one warm-up pass over the wishes (imports and the segmenter's dictionary
excluded), with the per-wish caches of the reading cleared before each request.
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from datetime import UTC, datetime

from core.models import PostcardRequest
from engine import make_concept, render_illustration, render_page, write_content
from engine.reading.segment import words
from engine.reading.wish import read_wish
from engine.styles.catalog import STYLES

WISHES = (
    "创建一个生日祝福明信片，温馨可爱风格",
    "A birthday card for my friend Anna from Leo, playful and colourful",
    "新婚快乐！送给表姐和姐夫的婚礼祝福，浪漫一些",
    "七夕节给女朋友的明信片，星空和银河",
    "a calm thank-you card for my team after a hard quarter",
    "Graduation card for my niece Mia, class of 2026, bold and bright",
    "welcome little Noah, soft watercolor",
    "深切慰问，愿逝者安息，庄重素雅",
    "春节给爷爷奶奶的拜年明信片，喜庆，红色和金色",
    "中秋节给远方父母的明信片，月亮、灯笼和月饼",
    "圣诞快乐，北欧风，雪和麋鹿",
    "Happy New Year from all of us at the bakery",
    "从大理寄给你的明信片，洱海和苍山",
    "Greetings from Kyoto — temples and maple leaves",
    "Father's Day card, fishing theme, for my dad Mike",
    "端午安康，粽子和龙舟",
    "Congrats on the new job!! retro style please",
    "get well soon, Dad. thinking of you every day",
)


def _percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(fraction * (len(ordered) - 1))))
    return ordered[index]


def _summary(values: list[float]) -> dict[str, float]:
    return {
        "p50_ms": round(_percentile(values, 0.5), 1),
        "p95_ms": round(_percentile(values, 0.95), 1),
        "max_ms": round(max(values), 1),
        "mean_ms": round(statistics.fmean(values), 1),
    }


def main() -> None:
    """Render every wish `rounds` times and print timing percentiles as JSON."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--width", type=int, default=1024)
    parser.add_argument("--height", type=int, default=1024)
    parser.add_argument("--styles", action="store_true", help="also time each art style")
    args = parser.parse_args()
    image_ms: list[float] = []
    image_cpu_ms: list[float] = []
    text_ms: list[float] = []
    text_cpu_ms: list[float] = []
    page_ms: list[float] = []
    sizes: list[int] = []
    _warm_up()
    for round_number in range(args.rounds):
        for number, wish in enumerate(WISHES):
            request = PostcardRequest(
                task_id=f"bench-{number}",
                user_input=wish,
                variation=round_number,
                created_at=datetime(2026, 1, 1, tzinfo=UTC),
            )
            read_wish.cache_clear()  # each request is timed as a wish never read before
            words.cache_clear()
            start, cpu_start = time.perf_counter(), time.process_time()
            concept = make_concept(request)
            content = write_content(request, concept)
            text_cpu_ms.append((time.process_time() - cpu_start) * 1000)
            text_ms.append((time.perf_counter() - start) * 1000)
            start, cpu_start = time.perf_counter(), time.process_time()
            png = render_illustration(
                concept, content, width=args.width, height=args.height, seed=request.variation
            )
            image_cpu_ms.append((time.process_time() - cpu_start) * 1000)
            image_ms.append((time.perf_counter() - start) * 1000)
            sizes.append(len(png))
            start = time.perf_counter()
            render_page(concept, content, "card.png")
            page_ms.append((time.perf_counter() - start) * 1000)
    result = {
        "images": len(image_ms),
        "size": f"{args.width}x{args.height}",
        "illustration_cpu": _summary(image_cpu_ms),
        "illustration_wall": _summary(image_ms),
        "concept_and_copy": _summary(text_ms),
        "concept_and_copy_cpu": _summary(text_cpu_ms),
        "page": _summary(page_ms),
        "png_kb_mean": round(statistics.fmean(sizes) / 1024, 1),
    }
    if args.styles:
        result["illustration_cpu_by_style"] = {
            style: _summary(_style_cpu_ms(style, args.rounds, args.width, args.height))
            for style in STYLES
        }
    print(json.dumps(result, indent=2))


def _warm_up() -> None:
    """Concept and copy of every wish once, so that imports and one-time loads are not timed."""
    for number, wish in enumerate(WISHES):
        request = PostcardRequest(
            task_id=f"warm-{number}", user_input=wish, created_at=datetime(2026, 1, 1, tzinfo=UTC)
        )
        write_content(request, make_concept(request))


def _style_cpu_ms(style: str, rounds: int, width: int, height: int) -> list[float]:
    """CPU milliseconds per illustration of every wish asked for in one art style."""
    timings = []
    for round_number in range(rounds):
        for number, wish in enumerate(WISHES):
            request = PostcardRequest(
                task_id=f"bench-{style}-{number}",
                user_input=wish,
                style=style,
                variation=round_number,
                created_at=datetime(2026, 1, 1, tzinfo=UTC),
            )
            concept = make_concept(request)
            start = time.process_time()
            render_illustration(concept, None, width=width, height=height, seed=round_number)
            timings.append((time.process_time() - start) * 1000)
    return timings


if __name__ == "__main__":
    main()
