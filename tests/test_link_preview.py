"""A pasted preview link unfurls: Open Graph / Twitter card tags name the title and the poster."""

from __future__ import annotations

import io
import uuid
from datetime import UTC, datetime
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import httpx
from PIL import Image

from core.models import Content, PostcardRequest
from core.settings import Settings
from core.wiring import blob_store
from engine import make_concept, render_illustration, write_content
from tests.harness import record_completed
from tests.stack import RedisServer
from tests.test_security_ownership import ALICE, api, make_settings

# What a chat app's link unfurler sends: no key, no Sec-Fetch-Dest.
UNFURLER = {"User-Agent": "Slackbot-LinkExpanding 1.0"}


class MetaTags(HTMLParser):
    """The page's <meta property|name=… content=…> pairs."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: dict[str, str] = {}

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        key = found.get("property") or found.get("name")
        if tag == "meta" and key and found.get("content") is not None:
            self.tags[key] = found["content"] or ""


def meta_tags(page: str) -> dict[str, str]:
    parser = MetaTags()
    parser.feed(page)
    return parser.tags


def finished(settings: Settings, user: str, title: str | None = None) -> tuple[str, Content]:
    """A COMPLETED postcard of `user` with engine-made copy and picture, as the worker leaves it."""
    request = PostcardRequest(
        task_id=uuid.uuid4().hex,
        user_input="中秋节给远方父母的明信片，月亮、灯笼和月饼",
        user_id=user,
        created_at=datetime.now(UTC),
    )
    concept = make_concept(request)
    content = write_content(request, concept)
    if title:
        content = content.model_copy(update={"title": title})
    store = blob_store(settings)
    image = store.put(
        f"images/{request.task_id}.png",
        render_illustration(concept, content, width=512, height=512),
        "image/png",
    )
    page = store.put(f"pages/{request.task_id}.html", b"<p>card</p>", "text/html; charset=utf-8")
    results = {
        "concept": concept.model_dump(mode="json"),
        "content": content.model_dump(mode="json"),
        "frontend_code": "<html><head><title>card</title></head><body>card</body></html>",
        "page_key": page.key,
        "image_key": image.key,
        "image_url": image.url,
        "preview_url": f"{settings.effective_public_base_url}/preview/{request.task_id}",
    }
    record_completed(settings, request, results)
    return request.task_id, content


async def unfurl(http: httpx.AsyncClient, url: str) -> tuple[dict[str, str], Image.Image]:
    """Fetch a link as an unfurler does, then the image its tags name."""
    page = await http.get(url.removeprefix(str(http.base_url).rstrip("/")), headers=UNFURLER)
    assert page.status_code == 200, page.text
    tags = meta_tags(page.text)
    image_url = tags["og:image"]
    assert image_url.startswith(str(http.base_url).rstrip("/") + "/"), "an absolute URL"
    poster = await http.get(
        image_url.removeprefix(str(http.base_url).rstrip("/")), headers=UNFURLER
    )
    assert poster.status_code == 200 and poster.headers["content-type"] == "image/png"
    return tags, Image.open(io.BytesIO(poster.content))


async def test_the_preview_link_unfurls_with_the_poster_using_the_share_token(
    tmp_path: Path, redis_server: RedisServer
) -> None:
    settings = make_settings(
        tmp_path, redis_server, api_keys="alice-key-0001:alice,bob-key-0002:bob"
    )
    task_id, content = finished(settings, "alice")
    async with api(settings) as http:
        status = (await http.get(f"/api/v1/postcards/status/{task_id}", headers=ALICE)).json()
        link = status["data"]["preview_url"]
        token = parse_qs(urlsplit(link).query)["share"][0]
        tags, poster = await unfurl(http, link)
        assert tags["og:title"] == tags["twitter:title"] == content.title
        assert tags["og:description"].startswith(content.subtitle)
        assert len(tags["og:description"]) <= 200
        assert tags["twitter:card"] == "summary_large_image"
        assert tags["twitter:image"] == tags["og:image"]
        assert parse_qs(urlsplit(tags["og:image"]).query) == {"revision": ["1"], "share": [token]}
        assert parse_qs(urlsplit(tags["og:url"]).query)["share"] == [token]
        assert poster.format == "PNG" and poster.width == 1080

        # The token opens this postcard's poster only.
        other, _ = finished(settings, "alice")
        path = f"/api/v1/postcards/{other}/poster.png"
        assert (await http.get(path, params={"share": token})).status_code == 401


async def test_without_keys_the_tags_name_the_plain_poster_and_escape_the_copy(
    tmp_path: Path, redis_server: RedisServer
) -> None:
    settings = make_settings(tmp_path, redis_server)
    title = '"><script>alert(1)</script> & 月饼'
    task_id, _ = finished(settings, "local", title=title)
    async with api(settings) as http:
        page = await http.get(f"/preview/{task_id}", headers=UNFURLER)
        assert "<script>alert(1)" not in page.text
        tags, poster = await unfurl(http, f"/preview/{task_id}")
        assert tags["og:title"] == title
        assert urlsplit(tags["og:image"]).path == f"/api/v1/postcards/{task_id}/poster.png"
        assert "share" not in tags["og:image"]
        assert poster.width == 1080
        framed = await http.get(f"/preview/{task_id}", params={"frame": 1})
        assert "og:image" not in framed.text, "the sandboxed page itself is served unchanged"
