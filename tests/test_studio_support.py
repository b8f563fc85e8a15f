"""Shared parts of the studio browser tests: Debian's Chromium and a stack with chosen providers."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import httpx
from playwright.async_api import Browser, Frame, Locator, Page, async_playwright
from temporalio.client import Client

from core.devserver import free_port
from core.settings import Settings
from providers.factory import ProviderFactory
from tests.browser import CHROMIUM_ARGS, CHROMIUM_PATH
from tests.harness import running_worker
from tests.stack import Stack, run_starter, serve_api, stack_settings

REPO = Path(__file__).resolve().parent.parent
SHOTS = REPO / "artifacts" / "studio"
STEPS = ("concept", "content", "image", "frontend")


@asynccontextmanager
async def chromium() -> AsyncIterator[Browser]:
    """The system Chromium, headless."""
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(
            executable_path=CHROMIUM_PATH, args=CHROMIUM_ARGS
        )
        try:
            yield browser
        finally:
            await browser.close()


@asynccontextmanager
async def studio_stack(
    base: Settings,
    client: Client,
    redis_url: str,
    providers: ProviderFactory | None = None,
    **overrides: object,
) -> AsyncIterator[Stack]:
    """API + starter + worker (with the given providers) on real Redis, Temporal and SQLite."""
    settings = stack_settings(base, redis_url, free_port()).model_copy(update=overrides)
    async with (
        running_worker(client, settings, providers, task_queue=settings.temporal_task_queue),
        run_starter(settings, client) as starter,
        serve_api(settings) as base_url,
        httpx.AsyncClient(base_url=base_url, timeout=30) as http,
    ):
        yield Stack(settings, http, starter, base_url)


@asynccontextmanager
async def studio_page(
    browser: Browser, base_url: str, locale: str = "en-US", width: int = 1280, height: int = 900
) -> AsyncIterator[Page]:
    """A fresh context on the studio, loaded and ready; fails on any script error."""
    context = await browser.new_context(
        locale=locale, viewport={"width": width, "height": height}, accept_downloads=True
    )
    page = await context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    try:
        await page.goto(f"{base_url}/")
        await page.wait_for_selector("body[data-ready='true']")
        yield page
    finally:
        await context.close()
    assert not errors, errors


async def wait_steps_completed(page: Page, timeout_ms: float = 60_000) -> None:
    """Every step row in the DOM reaches completed, and then the whole run."""
    for step in STEPS:
        await page.wait_for_selector(
            f"#steps li[data-step='{step}'][data-state='completed']", timeout=timeout_ms
        )
    await page.wait_for_selector("#run-status[data-status='COMPLETED']", timeout=timeout_ms)


async def wait_until(
    target: Page | Frame | Locator, predicate: str, arg: object = None, timeout_s: float = 15
) -> None:
    """Poll a JS predicate from here: wait_for_function polls with eval, which the CSP forbids."""
    deadline = asyncio.get_running_loop().time() + timeout_s
    while not await target.evaluate(predicate, arg):
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError(f"still false after {timeout_s} s: {predicate}")
        await asyncio.sleep(0.1)


async def screenshot(page: Page, name: str) -> Path:
    """Save the whole page under artifacts/studio/, at the real size of the preview frame."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    path = SHOTS / f"{name}.png"
    # A full-page capture squeezes the sandboxed preview; grow the viewport instead.
    size = page.viewport_size or {"width": 1280, "height": 900}
    height = await page.evaluate("document.documentElement.scrollHeight")
    await page.set_viewport_size({"width": size["width"], "height": height})
    await page.wait_for_timeout(400)
    await page.screenshot(path=str(path))
    await page.set_viewport_size(size)
    return path


FOCUS_STATE = """selector => {
  const el = document.activeElement;
  const style = getComputedStyle(el);
  const ring = el.tagName === 'IFRAME'
    || (style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) >= 2);
  return {match: el.matches(selector), ring, tag: el.tagName, id: el.id};
}"""

# Unlabelled controls, nameless buttons and links, and text under 4.5:1 contrast (WCAG AA).
ACCESSIBILITY_PROBLEMS = """() => {
  const problems = [];
  const visible = el => el.getClientRects().length > 0
    && getComputedStyle(el).visibility !== 'hidden';
  for (const el of document.querySelectorAll('input, select, textarea')) {
    if (visible(el) && !el.labels.length && !el.getAttribute('aria-label')) {
      problems.push(`unlabelled #${el.id}`);
    }
  }
  for (const el of document.querySelectorAll('button, a[href], iframe, summary')) {
    const name = el.getAttribute('aria-label') || el.title || el.textContent.trim();
    if (visible(el) && !name) problems.push(`nameless ${el.outerHTML.slice(0, 60)}`);
  }
  const rgb = c => c.match(/[\\d.]+/g).map(Number);
  const lum = c => {
    const f = v => (v /= 255) <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4;
    return 0.2126 * f(c[0]) + 0.7152 * f(c[1]) + 0.0722 * f(c[2]);
  };
  const background = el => {
    for (let e = el; e; e = e.parentElement) {
      const c = rgb(getComputedStyle(e).backgroundColor);
      if (c.length === 3 || c[3] > 0) return c;
    }
    return [255, 255, 255];
  };
  for (const el of document.querySelectorAll('body *')) {
    const text = [...el.childNodes].some(n => n.nodeType === 3 && n.textContent.trim());
    if (!text || !visible(el) || el.matches(':disabled')) continue;
    const a = lum(rgb(getComputedStyle(el).color));
    const b = lum(background(el));
    const ratio = (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
    if (ratio < 4.5) {
      const what = el.textContent.trim().slice(0, 30);
      problems.push(`contrast ${ratio.toFixed(2)} on ${el.tagName}.${el.className}: ${what}`);
    }
  }
  return problems;
}"""
