"""The studio page in Chromium shows a streamed page's percent, then who stood in for Claude and
why, with the real anthropic client on the fake Messages API."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.async_api import Browser
from pydantic import SecretStr
from temporalio.client import Client

from core.settings import Settings
from tests.fakes import anthropic as a
from tests.fakes.config import ANTHROPIC_KEY
from tests.fakes.server import FakeServer
from tests.test_studio_support import studio_page, studio_stack, wait_steps_completed

pytestmark = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)


@pytest.fixture
def claude() -> Iterator[FakeServer]:
    fake = a.fake_anthropic(chunk_delay_s=0.5)
    yield fake
    fake.stop()


async def test_studio_shows_page_progress_then_the_fallback_reason(
    browser: Browser, client: Client, settings: Settings, redis_url: str, claude: FakeServer
) -> None:
    # Every page Claude writes loads an external script, so the validator rejects each round.
    evil = a.page_for("").replace("</body>", '<script src="https://evil.example/x.js"></script>')
    claude.default = a.reply_with(f"```html\n{evil}\n```")
    async with (
        studio_stack(
            settings,
            client,
            redis_url,
            text_provider="local",
            image_provider="local",
            code_provider="anthropic",
            anthropic_api_key=SecretStr(ANTHROPIC_KEY),  # model_copy does not validate
            anthropic_base_url=claude.url,
            html_repair_rounds=1,
            provider_cache_enabled=False,
        ) as stack,
        studio_page(browser, stack.base_url) as page,
    ):
        await page.fill("#prompt", "A birthday card for Anna")
        await page.click("#submit")
        frontend = "#steps li[data-step='frontend']"
        await page.wait_for_selector(f"{frontend}[data-state='running']", timeout=60_000)
        percent_seen = False  # the percent shows while the rejected pages stream
        for _ in range(200):
            meta = await page.text_content(f"{frontend} .step-meta") or ""
            if "%" in meta:
                percent_seen = True
                break
            await page.wait_for_timeout(100)
        await wait_steps_completed(page)
        meta = await page.text_content(f"{frontend} .step-meta") or ""

    assert percent_seen
    assert "by local" in meta and "in place of anthropic" in meta
    assert "OutputValidationError" in meta and "page rejected" in meta
