"""With API keys on, a share link opens one postcard's preview and files, and nothing else."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import parse_qs, urlsplit

from tests.stack import RedisServer
from tests.test_security_ownership import ALICE, BOB, api, finished_postcard, make_settings


def _token(url: str) -> str:
    return parse_qs(urlsplit(url).query)["share"][0]


async def test_a_share_link_opens_its_postcard_without_a_key_and_only_that_one(
    tmp_path: Path,
    redis_server: RedisServer,
) -> None:
    settings = make_settings(
        tmp_path, redis_server, api_keys="alice-key-0001:alice,bob-key-0002:bob"
    )
    card, other = finished_postcard(settings, "alice"), finished_postcard(settings, "alice")
    async with api(settings) as http:
        status = (await http.get(f"/api/v1/postcards/status/{card}", headers=ALICE)).json()
        preview_url, image_url = status["data"]["preview_url"], status["data"]["image_url"]
        token = _token(preview_url)
        assert _token(image_url) == token and _token(status["data"]["html_url"]) == token
        assert "alice-key" not in str(status)

        page = await http.get(f"/preview/{card}", params={"share": token})
        assert page.status_code == 200
        framed = await http.get(
            f"/preview/{card}", params={"share": token}, headers={"Sec-Fetch-Dest": "document"}
        )
        assert f"share={token}" in framed.text, "the frame carries the link on to the page"
        image = await http.get(f"/files/images/{card}.png", params={"share": token})
        assert image.status_code == 200 and image.content.startswith(b"\x89PNG")

        for path in (f"/preview/{card}", f"/files/images/{card}.png"):
            assert (await http.get(path, params={"share": "0" * 32})).status_code == 401
            assert (await http.get(path)).status_code == 401
        assert (await http.get(f"/preview/{other}", params={"share": token})).status_code == 401
        assert (
            await http.get(f"/api/v1/postcards/status/{card}", params={"share": token})
        ).status_code == 401
        assert (await http.get(f"/preview/{card}", headers=BOB)).status_code == 404
        gallery = (await http.get("/api/v1/postcards", headers=ALICE)).json()
        assert all("share=" in item["preview_url"] for item in gallery["items"])
