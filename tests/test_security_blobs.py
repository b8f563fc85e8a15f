"""Blob keys: only images/*.png|jpg|webp, pages/*.html and posters/*.png exist, and an image's
type comes from its bytes, never from its name."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from PIL import Image

from core.settings import Settings
from core.storage import InvalidBlob, LocalBlobStore, parse_key
from tests.stack import RedisServer
from tests.test_security_ownership import api, finished_postcard, make_settings

HTML = b"<!doctype html><script>parent.postMessage(document.cookie, '*')</script>"


def picture(kind: str) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (8, 8), "teal").save(out, kind)
    return out.getvalue()


@pytest.mark.parametrize(
    "key",
    [
        "images/abc.html",
        "images/abc.svg",
        "images/abc.gif",
        "pages/abc.png",
        "posters/abc.jpg",
        "other/abc.png",
        "images/../pages/abc.html",
        "images/sub/abc.png",
        "images/abc.png.html",
        "images/.png",
    ],
)
def test_keys_outside_the_three_kinds_are_refused(tmp_path: Path, key: str) -> None:
    store = LocalBlobStore(tmp_path, "http://x")
    with pytest.raises(InvalidBlob):
        parse_key(key)
    with pytest.raises(InvalidBlob):
        store.put(key, picture("PNG"), "image/png")


def test_a_kind_folder_linked_outside_the_store_is_refused(tmp_path: Path) -> None:
    root, elsewhere = tmp_path / "blobs", tmp_path / "elsewhere"
    root.mkdir()
    elsewhere.mkdir()
    (root / "images").symlink_to(elsewhere)
    store = LocalBlobStore(root, "http://x")
    with pytest.raises(InvalidBlob, match="escapes"):
        store.put("images/abc.png", picture("PNG"), "image/png")
    assert not any(elsewhere.iterdir())


def test_valid_keys_name_their_postcard() -> None:
    assert parse_key("images/0190abc.webp").task_id == "0190abc"
    assert parse_key("posters/0190abc-r3.png").task_id == "0190abc"
    assert parse_key("pages/test-12ab.html").task_id == "test-12ab"


@pytest.mark.parametrize(
    ("kind", "ext", "content_type"),
    [("PNG", "png", "image/png"), ("JPEG", "jpg", "image/jpeg"), ("WEBP", "webp", "image/webp")],
)
def test_an_image_is_stored_under_the_extension_its_bytes_say(
    tmp_path: Path, kind: str, ext: str, content_type: str
) -> None:
    store = LocalBlobStore(tmp_path, "http://x")
    ref = store.put("images/card.jpg", picture(kind), "image/jpeg")  # the model said jpeg
    assert (ref.key, ref.content_type) == (f"images/card.{ext}", content_type)
    assert store.content_type(ref.key) == content_type
    assert ref.url == f"http://x/files/images/card.{ext}"


def test_bytes_that_are_not_an_image_are_never_stored_as_one(tmp_path: Path) -> None:
    store = LocalBlobStore(tmp_path, "http://x")
    for key in ("images/card.png", "posters/card-r1.png"):
        with pytest.raises(InvalidBlob):
            store.put(key, HTML, "image/png")
    with pytest.raises(InvalidBlob):
        store.put("posters/card.png", picture("JPEG"), "image/png")
    assert not any(tmp_path.rglob("card*"))


async def test_files_serves_the_type_of_the_bytes_and_nothing_outside_the_kinds(
    tmp_path: Path, redis_server: RedisServer
) -> None:
    settings: Settings = make_settings(tmp_path, redis_server)
    task_id = finished_postcard(settings, "local")
    blobs = settings.blob_dir
    webp = LocalBlobStore(blobs, "http://x").put(f"images/{task_id}.png", picture("WEBP"), "")
    # Files a bug or a model could leave behind: HTML under images/, HTML named .png, a JPEG
    # named .png. None of them may come back as a page or under a type its name guesses.
    (blobs / "images" / f"{task_id}.html").write_bytes(HTML)
    (blobs / "images" / f"{task_id}.jpg").write_bytes(HTML)
    (blobs / "posters").mkdir()
    (blobs / "posters" / f"{task_id}-r1.png").write_bytes(picture("JPEG"))
    async with api(settings) as http:
        served = await http.get(f"/files/{webp.key}")
        refused = {
            path: await http.get(path)
            for path in (
                f"/files/images/{task_id}.html",
                f"/files/images/{task_id}.jpg",
                f"/files/posters/{task_id}-r1.png",
                f"/files/images/{task_id}.svg",
            )
        }
        page = await http.get(f"/files/pages/{task_id}.html")
    assert webp.key == f"images/{task_id}.webp"
    assert served.status_code == 200 and served.headers["content-type"] == "image/webp"
    assert served.content.startswith(b"RIFF")
    assert {path: r.status_code for path, r in refused.items()} == dict.fromkeys(refused, 404)
    assert all("script" not in r.text for r in refused.values())
    assert page.headers["content-type"].startswith("text/html")
    assert "attachment" in page.headers["content-disposition"]
    assert "sandbox" in page.headers["content-security-policy"]
