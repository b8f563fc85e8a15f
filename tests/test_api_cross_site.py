"""Another site's page cannot make, change or delete postcards: the create takes `text/plain`
bodies, which any page can POST without a CORS preflight, so the API checks where each
state-changing request comes from (Sec-Fetch-Site, Origin). Real API and Redis; in Chromium,
a page of another origin posts the original client's bare fetch."""

from __future__ import annotations

import httpx
import pytest
from playwright.async_api import Browser

from core.devserver import free_port
from core.settings import Settings
from runs.wiring import run_reads
from tests.stack import RedisServer, serve_api, stack_settings

pytestmark = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
CREATE = "/api/v1/postcards/create"
FRIEND = "https://studio.friend.example"
BODY = b'{"prompt": "a card on someone else\'s credits"}'
TEXT = {"Content-Type": "text/plain;charset=UTF-8"}


@pytest.fixture
def api_settings(settings: Settings, redis_server: RedisServer) -> Settings:
    base = settings.model_copy(
        update={"create_rate_limit": "100000/hour", "allowed_origins": f"{FRIEND}, "}
    )
    return stack_settings(base, redis_server.url, free_port())


def postcards(settings: Settings) -> int:
    reads = run_reads(settings)
    try:
        return reads.list_for_user(None, 0, 100)[1]
    finally:
        reads.engine.dispose()


async def test_creates_from_other_sites_pages_are_refused_with_a_reason(
    api_settings: Settings,
) -> None:
    own = f"http://127.0.0.1:{api_settings.api_port}"
    refused = {
        "another site": {"Origin": "https://evil.example", "Sec-Fetch-Site": "cross-site"},
        "a sibling subdomain": {"Origin": "https://a.example.org", "Sec-Fetch-Site": "same-site"},
        "a sandboxed frame (opaque origin)": {"Origin": "null", "Sec-Fetch-Site": "cross-site"},
        "an old browser on another site": {"Origin": "http://evil.example"},
        "another port of this host": {"Origin": "http://127.0.0.1:1"},
    }
    accepted = {
        "the app's own page": {"Origin": own, "Sec-Fetch-Site": "same-origin"},
        "a typed or bookmarked request": {"Sec-Fetch-Site": "none"},
        "an old browser on the app's page": {"Origin": own},
        "an origin in ALLOWED_ORIGINS": {"Origin": FRIEND, "Sec-Fetch-Site": "cross-site"},
        "curl or a backend (no Origin)": {},
    }
    before = postcards(api_settings)  # the session's database is shared with other tests
    async with (
        serve_api(api_settings) as base,
        httpx.AsyncClient(base_url=base, timeout=30) as http,
    ):
        refusals = {
            name: await http.post(CREATE, content=BODY, headers=TEXT | headers)
            for name, headers in refused.items()
        }
        after_refusals = postcards(api_settings)
        acceptances = {
            name: await http.post(CREATE, content=BODY, headers=TEXT | headers)
            for name, headers in accepted.items()
        }
        evil = {"Origin": "https://evil.example", "Sec-Fetch-Site": "cross-site"}
        regenerate = await http.post(
            "/api/v1/postcards/some-task/regenerate", json={"step": "image"}, headers=evil
        )
        delete = await http.delete("/api/v1/postcards/some-task", headers=evil)
        read = await http.get("/api/v1/postcards", headers=evil)
    for name, answer in refusals.items():
        assert answer.status_code == 403, (name, answer.text)
        assert "cross-site request refused" in answer.json()["detail"], name
        assert "ALLOWED_ORIGINS" in answer.json()["detail"], name
    assert after_refusals == before, "a refused create saved nothing"
    for name, answer in acceptances.items():
        assert answer.status_code == 202, (name, answer.text)
    assert postcards(api_settings) == before + len(accepted)
    # Every state-changing route is covered, including ones that only exist later; reads are not.
    assert regenerate.status_code == delete.status_code == 403, (regenerate.text, delete.text)
    assert read.status_code == 200


async def test_a_page_of_another_origin_cannot_create_in_chromium(
    api_settings: Settings, browser: Browser
) -> None:
    """`localhost` and `127.0.0.1` are different sites to a browser: a page served as one posts
    the original client's bare fetch (text/plain, no preflight) to the other."""
    before = postcards(api_settings)
    async with serve_api(api_settings) as base:
        page = await browser.new_page()
        try:
            await page.goto(f"http://localhost:{api_settings.api_port}/health")
            sent = await page.evaluate(
                """async (url) => {
                    await fetch(url, {method: 'POST', mode: 'no-cors',
                                      body: JSON.stringify({prompt: 'free credits'})});
                    return true;
                }""",
                f"{base}{CREATE}",
            )
            await page.goto(f"{base}/health")  # the app's own origin: still works
            own = await page.evaluate(
                """async () => (await fetch('/api/v1/postcards/create', {method: 'POST',
                    body: JSON.stringify({prompt: 'my own card'})})).status""",
            )
        finally:
            await page.close()
    assert sent is True
    assert own == 202
    assert postcards(api_settings) == before + 1, "only the app's own page made a postcard"
