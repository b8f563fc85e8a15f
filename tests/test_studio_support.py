"""Shared parts of the studio browser tests: Debian's Chromium and a stack with chosen providers."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import httpx
from playwright.async_api import Browser, Page, async_playwright
from temporalio.client import Client

from core.devserver import free_port
from core.settings import Settings
from providers.factory import ProviderFactory
from tests.harness import running_worker
from tests.stack import Stack, run_starter, serve_api, stack_settings

REPO = Path(__file__).resolve().parent.parent
SHOTS = REPO / "artifacts" / "studio"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
STEPS = ("concept", "content", "image", "frontend")


@asynccontextmanager
async def chromium() -> AsyncIterator[Browser]:
    """The system Chromium, headless."""
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(
            executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS
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
    """Every step row in the DOM reaches completed."""
    for step in STEPS:
        await page.wait_for_selector(
            f"#steps li[data-step='{step}'][data-state='completed']", timeout=timeout_ms
        )


async def screenshot(page: Page, name: str, full_page: bool = True) -> Path:
    """Save a screenshot under artifacts/studio/."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    path = SHOTS / f"{name}.png"
    await page.screenshot(path=str(path), full_page=full_page)
    return path


async def settle(seconds: float) -> None:
    """Let the in-process worker and server run while the browser waits."""
    await asyncio.sleep(seconds)
