"""The studio's "save poster" button in Chromium: it downloads the finished postcard's PNG."""

from __future__ import annotations

import asyncio
import io
from pathlib import Path

import pytest
from PIL import Image
from playwright.async_api import Browser, Page
from pydantic import SecretStr
from temporalio.client import Client

from core.settings import Settings
from tests.test_studio_support import studio_page, studio_stack, wait_steps_completed

pytestmark = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)


async def save_poster(page: Page, task_id: str) -> Image.Image:
    """Click the button; the download must be the poster PNG."""
    button = page.locator("#download-poster")
    await button.wait_for(state="visible")
    async with page.expect_download() as pending:
        await button.click()
    download = await pending.value
    assert download.suggested_filename == f"poster-{task_id}.png"
    data = await asyncio.to_thread(Path(await download.path()).read_bytes)
    poster = Image.open(io.BytesIO(data))
    assert poster.format == "PNG" and poster.width == 1080 and poster.height > 1080
    return poster


async def test_save_poster_downloads_the_png(
    browser: Browser, client: Client, settings: Settings, redis_url: str
) -> None:
    async with (
        studio_stack(settings, client, redis_url) as stack,
        studio_page(browser, stack.base_url) as page,
    ):
        await page.fill("#prompt", "春节给爷爷奶奶的拜年明信片，喜庆，红色和金色")
        await page.click("#submit")
        await wait_steps_completed(page)
        task_id = await page.get_attribute("#run", "data-task-id")
        assert task_id
        assert await page.text_content("#download-poster") == "Save poster"
        await save_poster(page, task_id)
        await page.click("#lang")
        assert await page.text_content("#download-poster") == "保存海报"


async def test_save_poster_sends_the_api_key(
    browser: Browser, client: Client, settings: Settings, redis_url: str
) -> None:
    async with (
        studio_stack(settings, client, redis_url, api_keys=SecretStr("poster-key:alice")) as stack,
        studio_page(browser, stack.base_url) as page,
    ):
        created = await stack.http.post(
            "/api/v1/postcards/create",
            json={"prompt": "A thank-you card for my team"},
            headers={"X-API-Key": "poster-key"},
        )
        task_id = created.json()["task_id"]
        await page.click("#key-box summary")
        await page.fill("#api-key", "poster-key")
        await page.click("#key-form button[type='submit']")
        await page.wait_for_selector("#key-state:has-text('A key is saved')")
        await page.goto(f"{stack.base_url}/#postcard={task_id}")
        await page.reload()
        await wait_steps_completed(page)
        keyed: list[str] = []
        page.on(
            "request",
            lambda r: keyed.append(r.url) if r.headers.get("x-api-key") == "poster-key" else None,
        )
        await save_poster(page, task_id)
        assert any("/poster.png" in url for url in keyed), keyed
