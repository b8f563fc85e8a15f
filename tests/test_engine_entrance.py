"""The words' entrance in a real browser, in every art style on every layout: the tap that opens
the card starts it, and once it has finished it leaves nothing on the words (no clip, filter or
transform, full opacity), so every word is painted in full."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from playwright.sync_api import BrowserContext, sync_playwright

from core.models import PostcardRequest
from engine import make_concept, render_illustration, render_page, write_content
from engine.reading.moods import LAYOUTS
from engine.styles.catalog import STYLES
from tests.browser import CHROMIUM_ARGS, CHROMIUM_PATH

WISH = "a thank-you card for my teacher, Ms Rivera"

# Opens the card and, in the same task, counts the words' entrance animations that are running:
# an entrance that waits for something later (a scroll, an observer) counts none.
TAP_AND_COUNT = """
() => {
  document.querySelector("[data-tap]").click();
  const words = [...document.querySelectorAll(".panel .reveal")];
  const running = document.getAnimations().filter(
    (a) => a.playState === "running" && words.includes(a.effect && a.effect.target));
  return { state: document.documentElement.dataset.state, words: words.length,
           entering: new Set(running.map((a) => a.effect.target)).size };
}
"""
# Jumps every finite animation and transition to its end (the looping ones keep going).
FINISH = """
() => document.getAnimations().forEach((a) => {
  if (a.effect && a.effect.getComputedTiming().iterations !== Infinity) a.finish();
})
"""
# What the finished entrance left on each word: its opacity (with its ancestors'), clip, filter
# and transform.
WORDS = """
() => [...document.querySelectorAll(".panel .reveal")].map((el) => {
  let opacity = 1;
  for (let n = el; n; n = n.parentElement) opacity *= Number(getComputedStyle(n).opacity);
  const cs = getComputedStyle(el);
  return { text: el.textContent.trim().slice(0, 24), opacity, clip: cs.clipPath,
           filter: cs.filter, transform: cs.transform };
})
"""


@pytest.fixture(scope="module")
def pages(tmp_path_factory: pytest.TempPathFactory) -> dict[tuple[str, str], Path]:
    """One page per art style and layout, with its picture beside it."""
    root = tmp_path_factory.mktemp("entrance")
    made = {}
    for style in STYLES:
        request = PostcardRequest(
            task_id=f"entrance-{style}",
            user_input=WISH,
            style=style,
            created_at=datetime(2026, 1, 1, tzinfo=UTC),
        )
        concept = make_concept(request)
        content = write_content(request, concept)
        (root / f"{style}.png").write_bytes(
            render_illustration(concept, content, width=192, height=256)
        )
        for layout in LAYOUTS:
            page = render_page(
                concept.model_copy(update={"layout": layout}), content, f"{style}.png"
            )
            made[(style, layout)] = root / f"{style}-{layout}.html"
            made[(style, layout)].write_text(page, "utf-8")
    return made


@pytest.fixture(scope="module")
def phone() -> Iterator[BrowserContext]:
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM_PATH, args=CHROMIUM_ARGS)
        try:
            context = chromium.new_context(viewport={"width": 375, "height": 667})
            yield context
            context.close()
        finally:
            chromium.close()


@pytest.mark.parametrize("layout", LAYOUTS)
@pytest.mark.parametrize("style", STYLES)
def test_the_entrance_starts_with_the_tap_and_leaves_the_words_whole(
    pages: dict[tuple[str, str], Path], phone: BrowserContext, style: str, layout: str
) -> None:
    page = phone.new_page()
    try:
        page.goto(pages[(style, layout)].as_uri(), wait_until="load")
        if page.evaluate("document.documentElement.dataset.state") != "open":
            tapped = page.evaluate(TAP_AND_COUNT)
            assert tapped["state"] == "open"
            assert tapped["words"] >= 3
            assert tapped["entering"] == tapped["words"], tapped
        page.evaluate(FINISH)
        words = page.evaluate(WORDS)
        assert len(words) >= 3
        for word in words:
            assert word["opacity"] == 1, word
            assert (word["clip"], word["filter"], word["transform"]) == ("none",) * 3, word
    finally:
        page.close()
