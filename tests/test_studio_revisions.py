"""Editing a postcard in the studio (Chromium): change one step, watch the revision, flip back.

The stack is real (API, starter, worker on Redis, Temporal and SQLite); the local engine writes
the copy, so the instruction's effect is checked on the card itself. The image provider sleeps
2 s, so an image revision's progress can be watched live.
"""

from __future__ import annotations

import asyncio
import re

import pytest
from playwright.async_api import Browser, Page, Route
from pydantic import SecretStr
from temporalio.client import Client

from core.devserver import free_port
from core.settings import Settings
from engine.concept.make import make_concept
from engine.copy.phrases.tones import TONE_LINES
from engine.copy.writer import write_content
from tests.harness import make_request, record_completed, record_revisions
from tests.stack import serve_api, stack_settings
from tests.test_studio_support import (
    ACCESSIBILITY_PROBLEMS,
    screenshot,
    studio_page,
    studio_stack,
    wait_steps_completed,
    wait_until,
)

pytestmark = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
WISH = "给妈妈做一张温馨的生日明信片"


def said(line: str, body: str) -> bool:
    """Whether a tone-bank line (its `{you}` filled as the card says it) is in the body."""
    pattern = "(?:你们|您|你|you)".join(re.escape(part) for part in line.split("{you}"))
    return re.search(pattern, body) is not None


async def frame_text(page: Page) -> str:
    handle = await page.locator("#preview").element_handle()
    assert handle is not None
    frame = await handle.content_frame()
    assert frame is not None
    await frame.wait_for_load_state()
    return str(await frame.evaluate("document.body ? document.body.innerText : ''"))


async def wait_frame_shows(page: Page, text: str, timeout_s: float = 15) -> None:
    """The preview frame's page (reloaded for a new version) shows the text."""
    deadline = asyncio.get_running_loop().time() + timeout_s
    while text not in await frame_text(page):
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError(f"the preview never showed {text!r}")
        await asyncio.sleep(0.2)


async def wait_revision_done(page: Page, n: int) -> None:
    await wait_until(
        page,
        "n => document.querySelector('#change-state').dataset.status === 'COMPLETED'"
        " && document.querySelector('#run-revision').textContent.includes(`Version ${n}`)",
        n,
        timeout_s=60,
    )


async def test_change_a_step_watch_it_and_flip_back(
    browser: Browser, client: Client, settings: Settings, redis_url: str
) -> None:
    async with (
        studio_stack(
            settings, client, redis_url, image_provider="sleepy", simulated_delays="image=2"
        ) as stack,
        studio_page(browser, stack.base_url) as page,
    ):
        await page.fill("#prompt", WISH)
        await page.click("#submit")
        await wait_steps_completed(page)
        task_id = await page.get_attribute("#run", "data-task-id")
        first = (await stack.http.get(f"/api/v1/postcards/status/{task_id}")).json()
        assert first["revision"] == 1 and first["revisions"] == []
        assert await page.locator("#versions").is_hidden()

        # Every finished step offers "Change this"; content is changed with an instruction.
        buttons = page.locator("#steps button.change")
        assert await buttons.count() == 4
        for step in ("concept", "content", "image", "frontend"):
            assert await page.locator(f"#steps [data-step='{step}'] button.change").is_visible()
        await page.click("#steps [data-step='content'] button.change")
        assert await page.text_content("#change-h") == "Change: Content"
        assert "kept" in (await page.text_content("#change-reruns") or "")
        assert await page.evaluate("document.activeElement.id") == "change-instruction"
        assert not await page.evaluate(ACCESSIBILITY_PROBLEMS)
        await page.fill("#change-instruction", "更幽默一点")
        await page.click("#change-submit")

        await page.wait_for_selector("#steps [data-step='concept'][data-state='kept']")
        assert await page.locator("#steps [data-step='image'][data-state='kept']").count() == 1
        await wait_revision_done(page, 2)
        assert "更幽默一点" in (await page.text_content("#run-revision") or "")
        second = (await stack.http.get(f"/api/v1/postcards/status/{task_id}")).json()
        assert second["status"] == "COMPLETED" and second["revision"] == 2
        entry = second["revisions"][-1]
        assert (entry["step"], entry["instruction"], entry["status"]) == (
            "content",
            "更幽默一点",
            "COMPLETED",
        )
        before, after = first["data"]["content"], second["data"]["content"]
        assert after != before
        assert any(said(line, after["body"]) for line in TONE_LINES["playful"]["zh"])
        assert second["data"]["image_url"] == first["data"]["image_url"]  # the image was kept
        await wait_until(page, "() => document.querySelector('#preview').src.includes('v=2')")
        await wait_frame_shows(page, after["title"])

        # The strip flips back to the original: its words, picture and downloads.
        await page.wait_for_selector("#versions:not([hidden]) .version[data-revision='2']")
        assert await page.get_attribute(".version[data-revision='2']", "aria-pressed") == "true"
        await page.click(".version[data-revision='1']")
        await page.wait_for_selector("#still:not([hidden])")
        assert await page.locator("#preview").is_hidden()
        assert await page.text_content("#still-title") == before["title"]
        assert await page.text_content("#still-body") == before["body"]
        assert await page.get_attribute(".version[data-revision='1']", "aria-pressed") == "true"
        assert await page.get_attribute("#download-html", "href") == first["data"]["html_url"]
        poster = await page.get_attribute("#download-poster", "href") or ""
        assert poster.endswith(f"/{task_id}/poster.png?download=true&revision=1")
        async with page.expect_download() as saved:
            await page.click("#download-poster")
        path = await (await saved.value).path()
        older = await stack.http.get(poster)
        assert older.status_code == 200
        assert await asyncio.to_thread(path.read_bytes) == older.content
        await wait_until(page, "() => document.querySelector('#still-image').naturalWidth > 0")
        await screenshot(page, "revision-older")
        await page.click("#version-latest")
        await page.wait_for_selector("#still", state="hidden")
        assert await page.get_attribute(".version[data-revision='2']", "aria-pressed") == "true"
        assert await page.get_attribute("#download-html", "href") == second["data"]["html_url"]
        assert "revision=" not in (await page.get_attribute("#download-poster", "href") or "")

        # An image revision runs for 2 s: its progress arrives live, the rest stays kept.
        await page.click("#steps [data-step='image'] button.change")
        await page.click("#change-submit")
        await page.wait_for_selector("#steps [data-step='image'][data-state='running']")
        assert await page.locator("#steps [data-step='content'][data-state='kept']").count() == 1
        assert await buttons.evaluate_all("bs => bs.every(b => b.hidden)")
        running = await page.text_content("#steps [data-step='image'] .step-time")
        assert running and "so far" in running
        await screenshot(page, "revision-running")
        await wait_revision_done(page, 3)
        await page.wait_for_selector("#steps [data-step='frontend'][data-state='completed']")
        assert await page.locator("#version-list .version").count() == 3
        assert await buttons.evaluate_all("bs => bs.every(b => !b.hidden)")

        # The controls and the strip speak Chinese too.
        await page.click("#lang")
        assert await page.text_content("#steps [data-step='content'] button.change") == "改这一步"
        label = await page.text_content(".version[data-revision='2'] .version-name")
        assert label == "第 2 版 · 文案"
        await page.set_viewport_size({"width": 360, "height": 780})
        assert await page.evaluate("document.documentElement.scrollWidth") <= 360
        await screenshot(page, "revisions-zh-phone")


async def test_a_refused_change_says_why(
    browser: Browser, client: Client, settings: Settings, redis_url: str
) -> None:
    async with (
        studio_stack(
            settings, client, redis_url, code_provider="sleepy", simulated_delays="frontend=2"
        ) as stack,
        studio_page(browser, stack.base_url) as page,
    ):
        await page.fill("#prompt", "a thank-you card for my team")
        await page.click("#submit")
        await wait_steps_completed(page)
        task_id = await page.get_attribute("#run", "data-task-id")
        await page.click("#steps [data-step='frontend'] button.change")
        # Someone else (another tab, the CLI) starts a revision first: this one is refused.
        other = await stack.http.post(
            f"/api/v1/postcards/{task_id}/regenerate", json={"step": "frontend"}
        )
        assert other.status_code == 202
        await page.click("#change-submit")
        await page.wait_for_selector("#change-error:not([hidden])")
        text = await page.text_content("#change-error") or ""
        assert text.startswith("The change was not accepted:") and "revision" in text
        # The page catches up with the revision that did start, and shows it to the end.
        await page.wait_for_selector("#versions:not([hidden]) .version[data-revision='2']")
        await wait_revision_done(page, 2)


async def test_editing_with_an_api_key(
    browser: Browser, client: Client, settings: Settings, redis_url: str
) -> None:
    async with (
        studio_stack(settings, client, redis_url, api_keys=SecretStr("edit-key:alice")) as stack,
        studio_page(browser, stack.base_url) as page,
    ):
        created = await stack.http.post(
            "/api/v1/postcards/create",
            json={"prompt": "A birthday card for my friend Anna, from Leo"},
            headers={"X-API-Key": "edit-key"},
        )
        task_id = created.json()["task_id"]
        await page.click("#key-box summary")
        await page.fill("#api-key", "edit-key")
        await page.click("#key-form button[type='submit']")
        await page.goto(f"{stack.base_url}/#postcard={task_id}")
        await page.reload()
        await wait_steps_completed(page)
        keyed: list[str] = []
        page.on(
            "request",
            lambda r: keyed.append(r.url) if r.headers.get("x-api-key") == "edit-key" else None,
        )

        await page.click("#steps [data-step='content'] button.change")
        await page.fill("#change-instruction", "shorter")
        await page.click("#change-submit")
        await wait_revision_done(page, 2)
        status = await stack.http.get(
            f"/api/v1/postcards/status/{task_id}", headers={"X-API-Key": "edit-key"}
        )
        body = status.json()
        before = (
            await stack.http.get(
                f"/api/v1/postcards/{task_id}/revisions/1", headers={"X-API-Key": "edit-key"}
            )
        ).json()
        assert len(body["data"]["content"]["body"]) < len(before["data"]["content"]["body"])
        await wait_frame_shows(page, body["data"]["content"]["title"])
        assert any(url.endswith(f"/{task_id}/regenerate") for url in keyed), keyed

        await page.click(".version[data-revision='1']")
        await page.wait_for_selector("#still:not([hidden])")
        await wait_until(page, "() => document.querySelector('#still-image').naturalWidth > 0")
        assert (await page.get_attribute("#still-image", "src") or "").startswith("blob:")
        assert any(url.endswith(f"/{task_id}/revisions/1") for url in keyed), keyed


async def test_a_status_from_before_the_change_does_not_end_the_watch(
    browser: Browser, client: Client, settings: Settings, redis_url: str
) -> None:
    """Streams on one postcard share its status body for a moment, so the stream the page opens
    right after a change may first carry the finished state from before it. The page must keep
    watching until the new revision ends, not stop on that stale, settled body."""
    async with (
        studio_stack(settings, client, redis_url) as stack,
        studio_page(browser, stack.base_url) as page,
    ):
        await page.fill("#prompt", WISH)
        await page.click("#submit")
        await wait_steps_completed(page)
        task_id = await page.get_attribute("#run", "data-task-id")
        stale = (await stack.http.get(f"/api/v1/postcards/status/{task_id}")).text
        served: list[str] = []

        async def stale_once(route: Route) -> None:
            if served:
                await route.continue_()
                return
            served.append(route.request.url)
            await route.fulfill(
                status=200,
                headers={"Content-Type": "text/event-stream", "Cache-Control": "no-cache"},
                body=f"retry: 500\n\nid: stale\nevent: status\ndata: {stale}\n\n",
            )

        await page.route(f"**/api/v1/postcards/{task_id}/events", stale_once)
        await page.click("#steps [data-step='content'] button.change")
        await page.fill("#change-instruction", "shorter")
        await page.click("#change-submit")
        await wait_revision_done(page, 2)
        assert served, "the page opened a new stream after the change"
        await page.wait_for_selector("#versions:not([hidden]) .version[data-revision='2']")


async def test_many_versions_show_the_newest_and_load_the_earlier_ones(
    browser: Browser, settings: Settings, redis_url: str
) -> None:
    """The status lists only the newest five versions. The strip shows them, offers the rest
    on request, and marks the version on show: 4, older than the five (5-9 failed)."""
    stack = stack_settings(settings, redis_url, free_port())
    request = make_request(WISH)
    concept = make_concept(request)
    results = {
        "concept": concept.model_dump(mode="json"),
        "content": write_content(request, concept).model_dump(mode="json"),
        "frontend_code": "<html><body>r1</body></html>",
    }
    record_completed(stack, request, results)
    record_revisions(stack, request, completed={4}, last=9)
    async with serve_api(stack) as base, studio_page(browser, base) as page:
        await page.goto(f"{base}/#postcard={request.task_id}")
        await page.reload()
        await page.wait_for_selector("#versions:not([hidden]) .version[data-revision='9']")
        versions = page.locator("#version-list .version")
        assert await versions.count() == 5
        earlier = page.locator("#versions-earlier")
        assert await earlier.text_content() == "Earlier versions (4)"
        await earlier.click()
        await wait_until(
            page, "() => document.querySelectorAll('#version-list .version').length === 9"
        )
        assert await earlier.is_hidden()
        shown = await versions.evaluate_all(
            "bs => bs.map(b => [Number(b.dataset.revision), b.getAttribute('aria-pressed')])"
        )
        assert shown == [[n, "true" if n == 4 else "false"] for n in range(1, 10)]
