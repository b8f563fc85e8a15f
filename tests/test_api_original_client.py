"""The original design's client code (tests/js/original_client.js), unchanged, makes a postcard:
in node and in Chromium on a page the API serves. Its bare fetch sends the JSON as
`text/plain;charset=UTF-8`, and it polls every 2 s until COMPLETED."""

from __future__ import annotations

import asyncio
import json
import shutil
import subprocess
from pathlib import Path

import pytest
from playwright.async_api import Browser, Request
from temporalio.client import Client

from core.settings import Settings
from tests.stack import RedisServer, running_stack

JS = Path(__file__).parent / "js"
ORIGINAL = (JS / "original_client.js").read_text(encoding="utf-8")


def test_the_original_snippet_is_the_bare_fetch_as_written() -> None:
    """What the two tests below run is the original: no headers on the create."""
    code = "\n".join(line for line in ORIGINAL.splitlines() if not line.startswith("//"))
    assert "fetch('/api/v1/postcards/create', {\n    method: 'POST'," in code
    assert "body: JSON.stringify({prompt})\n  });" in code
    assert "headers" not in code and "Content-Type" not in code
    assert "}, 2000);" in code


@pytest.mark.skipif(shutil.which("node") is None, reason="node is not installed")
async def test_the_original_client_completes_in_node(
    client: Client, settings: Settings, redis_server: RedisServer
) -> None:
    async with running_stack(settings, client, redis_server.url) as stack:
        process = await asyncio.create_subprocess_exec(
            "node",
            str(JS / "original_client.mjs"),
            stack.base_url,
            "a calm thank-you card for my team",
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        out, err = await asyncio.wait_for(process.communicate(), 150)
    assert process.returncode == 0, (out + err).decode()
    outcome = json.loads(out.decode().strip().splitlines()[-1])
    assert outcome["createContentType"] == "text/plain;charset=UTF-8"
    assert outcome["outcome"] == "completed", outcome
    assert outcome["data"]["preview_url"] and outcome["data"]["content"]["title"]
    assert outcome["polls"] >= 1


async def test_the_original_client_completes_in_chromium(
    client: Client, settings: Settings, redis_server: RedisServer, browser: Browser
) -> None:
    async with running_stack(settings, client, redis_server.url) as stack:
        page = await browser.new_page()
        creates: list[Request] = []
        page.on("request", lambda r: creates.append(r) if r.url.endswith("/create") else None)
        try:
            await page.goto(f"{stack.base_url}/health")  # a page of the API's own origin
            await page.add_script_tag(content=ORIGINAL)
            run = page.evaluate(
                """(prompt) => new Promise(async (resolve) => {
                    const created = await createPostcard(prompt);
                    pollStatus(created.task_id, (result) =>
                        resolve({...result, task_id: created.task_id}));
                })""",
                "给奶奶的中秋贺卡",
            )
            outcome = await asyncio.wait_for(run, 120)
            sent = await creates[0].all_headers()
        finally:
            await page.close()
    assert sent["content-type"] == "text/plain;charset=UTF-8"
    assert outcome["outcome"] == "completed", outcome
    assert outcome["data"]["preview_url"].endswith(outcome["task_id"])
    assert outcome["data"]["content"]["title"]
