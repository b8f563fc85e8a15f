"""POST create as clients send it: JSON whatever the content type says (forms refused with 415),
the original design's field names, Idempotency-Key repeats (same task, or 422 for another body),
API-key ownership that a body field cannot override, and an OpenAPI entry that describes JSON."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import httpx
import pytest
from pydantic import SecretStr

from core.devserver import free_port
from core.settings import Settings
from core.wiring import redis_client
from runs.wiring import run_reads
from tests.stack import RedisServer, serve_api, stack_settings

CREATE = "/api/v1/postcards/create"


@pytest.fixture
def api_settings(settings: Settings, redis_server: RedisServer) -> Settings:
    base = settings.model_copy(update={"create_rate_limit": "100000/hour"})
    return stack_settings(base, redis_server.url, free_port())


@asynccontextmanager
async def api(settings: Settings) -> AsyncIterator[httpx.AsyncClient]:
    async with serve_api(settings) as base, httpx.AsyncClient(base_url=base, timeout=30) as http:
        yield http


async def stream_task_ids(settings: Settings) -> list[str]:
    redis = redis_client(settings)
    try:
        return [f[b"task_id"].decode() for _, f in await redis.xrange(settings.stream_name)]
    finally:
        await redis.aclose()


@pytest.mark.parametrize(
    "content_type",
    [
        "application/json",
        "text/plain;charset=UTF-8",  # a browser's fetch with a string body and no headers
        "TEXT/PLAIN",
        "application/problem+json",
        None,
    ],
)
async def test_a_json_object_body_is_accepted_whatever_its_content_type_says(
    api_settings: Settings, content_type: str | None
) -> None:
    body = '{"prompt": "给老师的感谢卡", "style": "watercolor"}'.encode()
    headers = {"Content-Type": content_type} if content_type else {}
    async with api(api_settings) as http:
        request = http.build_request("POST", CREATE, content=body, headers=headers)
        assert request.headers.get("Content-Type") == content_type
        answer = await http.send(request)
    assert answer.status_code == 202, answer.text
    task_id = answer.json()["task_id"]
    row = run_reads(api_settings).get(task_id)
    assert (
        row is not None
        and row.postcard.user_input == "给老师的感谢卡"
        and row.postcard.style == "watercolor"
    )


@pytest.mark.parametrize(
    ("send", "media"),
    [
        ({"data": {"prompt": "a card"}}, "application/x-www-form-urlencoded"),
        ({"files": {"prompt": ("p.txt", b"a card")}}, "multipart/form-data"),
        (
            {"content": b"<prompt>a card</prompt>", "headers": {"Content-Type": "application/xml"}},
            "application/xml",
        ),
    ],
)
async def test_forms_and_other_types_get_415_with_a_reason(
    api_settings: Settings, send: dict, media: str
) -> None:
    async with api(api_settings) as http:
        answer = await http.post(CREATE, **send)
    assert answer.status_code == 415, answer.text
    detail = answer.json()["detail"]
    assert media in detail and "JSON object" in detail
    assert await stream_task_ids(api_settings) == []


@pytest.mark.parametrize(
    ("content", "reason"),
    [(b"prompt=a card", "JSON decode error"), (b'["a card"]', "valid dictionary")],
)
async def test_text_that_is_not_a_json_object_is_a_422(
    api_settings: Settings, content: bytes, reason: str
) -> None:
    async with api(api_settings) as http:
        answer = await http.post(CREATE, content=content, headers={"Content-Type": "text/plain"})
    assert answer.status_code == 422, answer.text
    assert reason in answer.json()["detail"]


async def test_the_original_field_names_are_accepted(api_settings: Settings) -> None:
    body = {"user_input": "a wedding card", "style": "ink", "theme": "wedding", "user_id": "mia"}
    async with api(api_settings) as http:
        answer = await http.post(CREATE, json=body)
    assert answer.status_code == 202, answer.text
    row = run_reads(api_settings).get(answer.json()["task_id"])
    assert row is not None
    assert (row.postcard.user_input, row.postcard.style, row.postcard.theme, row.user_id) == (
        "a wedding card",
        "ink",
        "wedding",
        "mia",
    )


async def test_with_api_keys_a_body_user_id_never_overrides_the_keys_user(
    api_settings: Settings,
) -> None:
    keyed = api_settings.model_copy(update={"api_keys": SecretStr("k1:alice,k2:bob")})
    alice = {"X-API-Key": "k1"}
    async with api(keyed) as http:
        as_bob = await http.post(CREATE, json={"prompt": "x", "user_id": "bob"}, headers=alice)
        as_herself = await http.post(
            CREATE, json={"prompt": "x", "user_id": "alice"}, headers=alice
        )
        unnamed = await http.post(CREATE, json={"prompt": "x"}, headers=alice)
    assert as_bob.status_code == 403, as_bob.text
    assert "not the API key's user" in as_bob.json()["detail"]
    for answer in (as_herself, unnamed):
        assert answer.status_code == 202, answer.text
        row = run_reads(keyed).get(answer.json()["task_id"])
        assert row is not None and row.user_id == "alice"
    assert len(await stream_task_ids(keyed)) == 2


async def test_a_repeat_with_the_same_key_gets_the_same_202_and_task(
    api_settings: Settings,
) -> None:
    key = {"Idempotency-Key": uuid.uuid4().hex}
    body = {"prompt": "once", "style": "pixel"}
    async with api(api_settings) as http:
        first = await http.post(CREATE, json=body, headers=key)
        again = await http.post(CREATE, json=body, headers=key)  # well within 10 s
        third = await http.post(
            CREATE, content=b'{"prompt": " once ", "style": "pixel"}', headers=key
        )
    for answer in (first, again, third):
        assert answer.status_code == 202, answer.text
        assert answer.json() == first.json()
    assert await stream_task_ids(api_settings) == [first.json()["task_id"]], "one entry"


@pytest.mark.parametrize(
    ("changed", "named"),
    [
        ({"prompt": "twice"}, "prompt"),
        ({"style": "ink"}, "style"),
        ({"theme": "birthday"}, "theme"),
        ({"language": "zh"}, "language"),
    ],
)
async def test_the_same_key_with_another_body_is_a_422_with_the_reason(
    api_settings: Settings, changed: dict, named: str
) -> None:
    key = {"Idempotency-Key": uuid.uuid4().hex}
    body = {"prompt": "once", "style": "pixel"}
    async with api(api_settings) as http:
        first = await http.post(CREATE, json=body, headers=key)
        other = await http.post(CREATE, json=body | changed, headers=key)
    assert first.status_code == 202, first.text
    assert other.status_code == 422, other.text
    detail = other.json()["detail"]
    assert "Idempotency-Key" in detail and named in detail
    assert await stream_task_ids(api_settings) == [first.json()["task_id"]]


async def test_concurrent_creates_of_one_key_with_different_bodies_get_one_202(
    api_settings: Settings,
) -> None:
    """Defect 5: the body is compared where the row is written, so creates racing with one key
    cannot both be accepted for one task (one batch, or two batches one after the other)."""
    key = {"Idempotency-Key": uuid.uuid4().hex}
    async with api(api_settings) as http:
        answers = await asyncio.gather(
            *(http.post(CREATE, json={"prompt": f"card {i}"}, headers=key) for i in range(6))
        )
    codes = sorted(a.status_code for a in answers)
    assert codes == [202] + [422] * 5, [a.text for a in answers]
    winner = next(a for a in answers if a.status_code == 202).json()["task_id"]
    assert await stream_task_ids(api_settings) == [winner]
    assert all("Idempotency-Key" in a.json()["detail"] for a in answers if a.status_code == 422)


async def test_a_too_long_idempotency_key_is_a_422_with_a_reason(api_settings: Settings) -> None:
    async with api(api_settings) as http:
        answer = await http.post(
            CREATE, json={"prompt": "a card"}, headers={"Idempotency-Key": "k" * 129}
        )
        fine = await http.post(
            CREATE, json={"prompt": "a card"}, headers={"Idempotency-Key": "k" * 128}
        )
    assert answer.status_code == 422, answer.text
    assert "idempotency-key" in answer.json()["detail"]
    assert answer.json()["errors"][0]["field"] == "idempotency-key"
    assert fine.status_code == 202, fine.text


async def test_with_api_keys_a_create_without_a_valid_key_is_401_before_its_body_is_read(
    api_settings: Settings,
) -> None:
    keyed = api_settings.model_copy(update={"api_keys": SecretStr("k1:alice")})
    async with api(keyed) as http:
        bad_body_no_key = await http.post(CREATE, json={"prompt": ""})
        wrong_key = await http.post(CREATE, json={"prompt": "a card"}, headers={"X-API-Key": "no"})
        good = await http.post(CREATE, json={"prompt": "a card"}, headers={"X-API-Key": "k1"})
        bad_body = await http.post(CREATE, json={"prompt": ""}, headers={"X-API-Key": "k1"})
    assert bad_body_no_key.status_code == 401, bad_body_no_key.text
    assert bad_body_no_key.headers["www-authenticate"] == "Bearer"
    assert "API key" in bad_body_no_key.json()["detail"]
    assert wrong_key.status_code == 401
    assert good.status_code == 202, good.text
    assert "share=" in good.json()["preview_url"]
    assert bad_body.status_code == 422


async def test_the_openapi_entry_describes_a_json_body_headers_and_answers(
    api_settings: Settings,
) -> None:
    async with api(api_settings) as http:
        schema = (await http.get("/openapi.json")).json()
    create = schema["paths"][CREATE]["post"]
    body = create["requestBody"]
    assert body["required"] is True
    assert list(body["content"]) == ["application/json"]
    ref = body["content"]["application/json"]["schema"]["$ref"]
    model = schema["components"]["schemas"][ref.rsplit("/", 1)[1]]
    assert model["required"] == ["prompt"]
    assert {"prompt", "style", "theme", "language", "user_id"} <= set(model["properties"])
    headers = {p["name"]: p for p in create["parameters"] if p["in"] == "header"}
    assert {"idempotency-key", "authorization", "x-api-key"} <= set(headers)
    assert "same key" in headers["idempotency-key"]["description"]
    answers = create["responses"]
    assert {"202", "415", "422", "429", "503"} <= set(answers)
    created = answers["202"]["content"]["application/json"]["schema"]["$ref"]
    assert created.endswith("/Created")
