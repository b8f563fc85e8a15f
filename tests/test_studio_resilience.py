"""The studio when things go wrong: a failed step and a retry, an API restart, API keys."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from asyncio.subprocess import Process
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import pytest
from playwright.async_api import Browser, Request
from pydantic import SecretStr
from temporalio.client import Client

from core.devserver import free_port, port_open
from core.models import PostcardError
from core.settings import Settings
from runs.wiring import run_reads, run_store
from tests.harness import make_request, running_worker
from tests.stack import run_starter, stack_settings
from tests.test_pipeline import BlockedImage, FixedFactory
from tests.test_studio_support import (
    REPO,
    screenshot,
    studio_page,
    studio_stack,
    wait_steps_completed,
    wait_until,
)

pytestmark = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)


async def test_failure_shows_step_and_reason_and_retry_resubmits(
    browser: Browser, client: Client, settings: Settings, redis_url: str
) -> None:
    blocked = FixedFactory(settings, image=BlockedImage())
    async with (
        studio_stack(settings, client, redis_url, providers=blocked) as stack,
        studio_page(browser, stack.base_url) as page,
    ):
        await page.fill("#prompt", "A birthday card with a big cake")
        await page.select_option("#style", "papercut")
        await page.select_option("#theme", "birthday")
        await page.click("#submit")

        failure = page.locator("#failure")
        await failure.wait_for()
        assert await failure.get_attribute("data-step") == "image"
        assert await page.text_content("#failure-step") == "Failed step: Image"
        reason = await page.text_content("#failure-reason") or ""
        assert "safety filter" in reason and "SafetyBlocked" in reason
        assert "may fail the same way" in (await page.text_content("#failure-advice") or "")
        await page.wait_for_selector("#steps li[data-step='image'][data-state='failed']")
        await page.wait_for_selector("#steps li[data-step='frontend'][data-state='skipped']")
        assert await page.is_hidden("#result")
        first = await page.get_attribute("#run", "data-task-id")
        await screenshot(page, "failed")

        await page.click("#retry")
        await wait_until(
            page, "first => document.querySelector('#run').dataset.taskId !== first", first
        )
        second = await page.get_attribute("#run", "data-task-id")
        await failure.wait_for()
        assert second and first
        rows = [run_reads(stack.settings).get(task) for task in (first, second)]
        assert all(row is not None for row in rows)
        assert {(r.postcard.user_input, r.postcard.style, r.postcard.theme) for r in rows if r} == {
            ("A birthday card with a big cake", "papercut", "birthday")
        }
        await page.wait_for_selector(f"#cards li[data-task-id='{second}'] [data-status='FAILED']")

        store = run_store(stack.settings)
        for n in range(8):
            filler = make_request(f"gallery filler {n}")
            store.create_pending(filler)
            store.fail(filler.task_id, 1, PostcardError(step="ingest", type="T", message="x"))
        await page.click("#refresh")
        await page.wait_for_selector("#next:enabled")
        assert (await page.text_content("#page-info") or "").startswith("Page 1 of")
        assert await page.locator("#cards li").count() == 8
        assert await page.is_disabled("#prev")
        await page.click("#next")
        await page.wait_for_selector("#page-info:has-text('Page 2 of')")
        await page.click(f"#cards li[data-task-id='{second}'] button")
        await page.wait_for_selector(f"#run[data-task-id='{second}']")
        await failure.wait_for()


@asynccontextmanager
async def api_process(settings: Settings, folder: Path) -> AsyncIterator[Process]:
    """The API as its own uvicorn process, configured through the environment only."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TEMPORAL_", "REDIS_"))}
    for name, value in settings.model_dump(mode="json", exclude_none=True).items():
        env[name.upper()] = str(value)
    env["PYTHONPATH"] = str(REPO)
    command = [sys.executable, "-m", "uvicorn", "api.main:app", "--host", "127.0.0.1"]
    command += ["--port", str(settings.api_port), "--timeout-graceful-shutdown", "1"]
    process = await asyncio.create_subprocess_exec(*command, cwd=folder, env=env)
    try:
        for _ in range(600):
            if port_open("127.0.0.1", settings.api_port):
                break
            assert process.returncode is None, "the API exited at start-up"
            await asyncio.sleep(0.1)
        yield process
    finally:
        if process.returncode is None:
            process.send_signal(signal.SIGTERM)
            await asyncio.wait_for(process.wait(), 20)


async def test_progress_stream_survives_an_api_restart(
    browser: Browser, client: Client, settings: Settings, redis_url: str, tmp_path: Path
) -> None:
    prepared = stack_settings(settings, redis_url, free_port()).model_copy(
        update={
            "image_provider": "sleepy",
            "code_provider": "sleepy",
            "simulated_delays": "image=4,frontend=6",
        }
    )
    base_url = f"http://127.0.0.1:{prepared.api_port}"
    streams: list[tuple[float, str]] = []

    def on_request(request: Request) -> None:
        if request.url.endswith("/events"):
            streams.append((asyncio.get_running_loop().time(), request.url))

    async with (
        running_worker(client, prepared, task_queue=prepared.temporal_task_queue),
        run_starter(prepared, client),
    ):
        async with api_process(prepared, tmp_path) as first_api:
            async with studio_page(browser, base_url) as page:
                page.on("request", on_request)
                await page.fill("#prompt", "Greetings from Lisbon: trams, tiles and the sea")
                await page.click("#submit")
                await page.wait_for_selector("#steps li[data-step='image'][data-state='running']")
                await page.wait_for_selector("#mode[data-mode='stream']")

                first_api.send_signal(signal.SIGTERM)
                await asyncio.wait_for(first_api.wait(), 20)
                await page.wait_for_selector("#mode[data-mode='lost']", timeout=15_000)
                await screenshot(page, "api-down")
                restarted_at = asyncio.get_running_loop().time()
                async with api_process(prepared, tmp_path):
                    await wait_steps_completed(page)
                    await page.locator("#preview").wait_for()
                    assert any(at > restarted_at for at, _ in streams), streams
                    assert await page.text_content("#run-status") != ""


async def test_api_key_is_sent_as_a_header_and_never_in_a_url(
    browser: Browser, client: Client, settings: Settings, redis_url: str
) -> None:
    urls: list[str] = []
    keyed: list[str] = []

    def on_request(request: Request) -> None:
        urls.append(request.url)
        if request.headers.get("x-api-key") == "studio-key":
            keyed.append(request.url)

    async with (
        studio_stack(settings, client, redis_url, api_keys=SecretStr("studio-key:alice")) as stack,
        studio_page(browser, stack.base_url) as page,
    ):
        page.on("request", on_request)
        await page.wait_for_selector("#gallery-note:has-text('API key')")
        await page.click("#key-box summary")
        await page.fill("#api-key", "studio-key")
        await page.click("#key-form button[type='submit']")
        await page.wait_for_selector("#key-state:has-text('A key is saved')")
        await page.fill("#prompt", "Happy graduation, Mei! Blue sky and flying caps")
        await page.click("#submit")
        await wait_steps_completed(page)

        task_id = await page.get_attribute("#run", "data-task-id")
        assert any(url.endswith(f"/{task_id}/events") for url in keyed), keyed
        assert not any("studio-key" in url for url in urls)
        # The frame cannot send the key: the server's preview link carries the share token.
        preview = page.locator("#preview")
        assert "share=" in (await preview.get_attribute("src") or "")
        frame = await (await preview.element_handle()).content_frame()  # type: ignore[union-attr]
        assert frame is not None
        await frame.wait_for_load_state()
        await wait_until(
            frame, "() => [...document.images].some(i => i.complete && i.naturalWidth > 0)"
        )
        async with page.expect_download() as html_download:
            await page.click("#download-html")
        assert (await html_download.value).suggested_filename == f"postcard-{task_id}.html"
        thumb = page.locator(f"#cards li[data-task-id='{task_id}'] img")
        await thumb.scroll_into_view_if_needed()
        await wait_until(thumb, "img => img.complete && img.naturalWidth > 0")
        assert (await thumb.get_attribute("src") or "").startswith("blob:")
