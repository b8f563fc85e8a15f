"""The studio page in Chromium: create, live progress, preview, share, gallery, keyboard only."""

from __future__ import annotations

import asyncio
import contextlib
import json
from pathlib import Path

import httpx
import pytest
from playwright.async_api import Browser, Page
from temporalio.client import Client

from core.settings import Settings
from tests.test_studio_support import (
    ACCESSIBILITY_PROBLEMS,
    FOCUS_STATE,
    STEPS,
    screenshot,
    studio_page,
    studio_stack,
    wait_steps_completed,
    wait_until,
)

pytestmark = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)


async def test_create_watch_preview_share_and_browse(
    browser: Browser, client: Client, settings: Settings, redis_url: str
) -> None:
    async with (
        studio_stack(
            settings, client, redis_url, image_provider="sleepy", simulated_delays="image=2"
        ) as stack,
        studio_page(browser, stack.base_url) as page,
    ):
        await page.context.grant_permissions(
            ["clipboard-read", "clipboard-write"], origin=stack.base_url
        )
        studio = await stack.http.get("/")
        policy = studio.headers["content-security-policy"]
        assert "script-src 'self'" in policy and "frame-src 'self'" in policy
        assert "unsafe-inline" not in policy

        await page.fill("#prompt", "A calm thank-you card for my team, with mountains")
        await page.select_option("#style", "watercolor")
        await page.select_option("#theme", "thanks")
        await page.click("#submit")
        await page.wait_for_selector("#steps li[data-step='image'][data-state='running']")
        await screenshot(page, "running")
        running = await page.text_content("#steps li[data-step='image'] .step-time")
        assert running and "so far" in running
        assert await page.text_content("#steps li[data-step='concept'] .step-state") == "Completed"
        await wait_steps_completed(page)

        task_id = await page.get_attribute("#run", "data-task-id")
        assert task_id
        body = (await stack.http.get(f"/api/v1/postcards/status/{task_id}")).json()
        assert body["status"] == "COMPLETED"
        for step in STEPS:
            took = await page.text_content(f"#steps li[data-step='{step}'] .step-time")
            assert took and took.endswith(" s"), (step, took)
        assert "Done in" in (await page.text_content("#run-status") or "")
        assert "ready" in (await page.text_content("#announcer") or "")

        await _assert_event_stream(stack.http, task_id, body)
        await _assert_preview(page, task_id, body["data"]["content"]["title"])
        await _assert_downloads_and_share(page, body)
        link = await page.get_attribute("#temporal-link", "href") or ""
        assert link == body["temporal_url"]
        assert link.endswith(f"/namespaces/default/workflows/{task_id}")

        card = page.locator(f"#cards li[data-task-id='{task_id}']")
        await card.locator(".badge[data-status='COMPLETED']").wait_for()
        await card.locator("img").wait_for()
        await screenshot(page, "completed-desktop")
        await page.set_viewport_size({"width": 360, "height": 780})
        assert await page.evaluate("document.documentElement.scrollWidth") <= 360
        await screenshot(page, "completed-phone")

        await page.reload()
        await wait_steps_completed(page)
        assert await page.get_attribute("#run", "data-task-id") == task_id

        await page.click("#lang")
        assert await page.text_content("h1") == "✉ 明信片工作室"
        assert await page.get_attribute("html", "lang") == "zh-CN"
        assert await page.text_content("#steps li[data-step='frontend'] .step-name") == "页面代码"
        await page.set_viewport_size({"width": 1280, "height": 900})
        await card.locator("button").click()
        await page.wait_for_selector("#steps li[data-step='frontend'][data-state='completed']")
        assert await page.get_attribute("#preview", "src") == f"/preview/{task_id}"


async def _assert_event_stream(http: httpx.AsyncClient, task_id: str, body: dict) -> None:
    events = await http.get(f"/api/v1/postcards/{task_id}/events")
    assert events.headers["content-type"].startswith("text/event-stream")
    blocks = [b for b in events.text.split("\n\n") if b.strip()]
    assert blocks[0] == "retry: 1000"
    fields = dict(line.split(": ", 1) for line in blocks[-1].splitlines())
    assert fields["event"] == "status" and json.loads(fields["data"]) == body
    again = await http.get(
        f"/api/v1/postcards/{task_id}/events", headers={"Last-Event-ID": fields["id"]}
    )
    assert again.status_code == 204
    assert (await http.get("/api/v1/postcards/nope/events")).status_code == 404


async def _assert_preview(page: Page, task_id: str, title: str) -> None:
    frame_element = page.locator("#preview")
    assert await frame_element.get_attribute("sandbox") == "allow-scripts"
    assert await frame_element.get_attribute("src") == f"/preview/{task_id}"
    handle = await frame_element.element_handle()
    assert handle is not None
    frame = await handle.content_frame()
    assert frame is not None
    await frame.wait_for_load_state()
    await wait_until(frame, "title => document.body?.innerText.includes(title)", title)
    assert await frame.evaluate("origin") == "null"


async def _assert_downloads_and_share(page: Page, body: dict) -> None:
    data = body["data"]
    assert await page.get_attribute("#download-html", "href") == data["html_url"]
    assert (
        await page.get_attribute("#download-image", "href") == f"{data['image_url']}?download=true"
    )
    async with page.expect_download() as html_download:
        await page.click("#download-html")
    download = await html_download.value
    assert download.suggested_filename.endswith(".html")
    saved = Path(await download.path())
    assert "<html" in (await asyncio.to_thread(saved.read_text, encoding="utf-8")).lower()
    async with page.expect_download() as image_download:
        await page.click("#download-image")
    assert (await image_download.value).suggested_filename.endswith(".png")

    assert await page.input_value("#share-url") == data["preview_url"]
    await page.click("#copy")
    await page.wait_for_selector("#copy-state:has-text('Link copied.')")
    assert await page.evaluate("navigator.clipboard.readText()") == data["preview_url"]


async def test_keyboard_only_creation_in_chinese(
    browser: Browser, client: Client, settings: Settings, redis_url: str
) -> None:
    async with (
        studio_stack(settings, client, redis_url) as stack,
        studio_page(browser, stack.base_url, locale="zh-CN") as page,
    ):
        assert await page.text_content("#create-h") == "制作明信片"
        assert await page.evaluate(ACCESSIBILITY_PROBLEMS) == []

        await tab_to(page, "#examples li:nth-child(2) button")
        await page.keyboard.press("Enter")
        assert await page.evaluate("document.activeElement.id") == "prompt"
        assert "中秋" in await page.input_value("#prompt")
        await page.keyboard.press("End")
        await page.keyboard.type("，祝他们身体健康")
        await tab_to(page, "#style")
        await page.keyboard.press("ArrowDown")
        assert await page.input_value("#style") == "papercut"
        await tab_to(page, "#submit")
        await page.keyboard.press("Enter")

        await wait_steps_completed(page)
        assert await page.evaluate("document.activeElement.id") == "run-h"
        assert "已完成" in (await page.text_content("#announcer") or "")
        task_id = await page.get_attribute("#run", "data-task-id")
        thumb = page.locator(f"#cards li[data-task-id='{task_id}'] img")
        await thumb.scroll_into_view_if_needed()
        await thumb.evaluate("img => img.decode()")
        assert await page.evaluate(ACCESSIBILITY_PROBLEMS) == []
        await screenshot(page, "keyboard-zh")

        await tab_to(page, f"#cards li[data-task-id='{task_id}'] button")
        await page.keyboard.press("Enter")
        assert await page.evaluate("document.activeElement.id") == "run-h"
        await tab_to(page, "#lang", backwards=True)
        await page.keyboard.press("Enter")
        assert await page.text_content("#create-h") == "Make a postcard"


async def tab_to(page: Page, selector: str, backwards: bool = False, limit: int = 80) -> None:
    """Press Tab until the element matching selector has focus; every stop shows a focus ring."""
    key = "Shift+Tab" if backwards else "Tab"
    path = []
    for _ in range(limit):
        await page.keyboard.press(key)
        # Focus entering the out-of-process preview frame reaches this document a moment later.
        with contextlib.suppress(AssertionError):
            await wait_until(page, "() => document.activeElement !== document.body", None, 2)
        state = await page.evaluate(FOCUS_STATE, selector)
        path.append(f"{state['tag']}#{state['id']}")
        assert state["ring"], f"no visible focus on the way to {selector}: {path}"
        if state["match"]:
            return
    raise AssertionError(f"{selector} never got keyboard focus")
