"""The stream entries the API appends decode to the requests it accepted (one JSON argument per
batch, numbered in add order); a too-long Idempotency-Key is a 422 with a reason; with API keys,
a create without a valid key is a 401 before its body is read."""

from __future__ import annotations

import asyncio
import json
import uuid
from datetime import UTC, datetime

import httpx
import pytest
from pydantic import SecretStr

from core.devserver import free_port
from core.models import PostcardRequest
from core.settings import Settings
from core.wiring import redis_client, repository
from ingest.messages import FIELDS, decode, encode, encode_values
from ingest.producer import Ingest
from tests.stack import RedisServer, serve_api, stack_settings

CREATE = "/api/v1/postcards/create"
TRICKY = [
    ("做一张温馨可爱的生日明信片 🎂", None, None, "zh", {}),
    ('quotes " and \\ backslashes,\nnew lines\tand tabs', "watercolor", "birthday", "en", {}),
    ("ünïcödé — “curly” ☃ 𝄞", "", None, None, {"source": "test", "ключ": "значение"}),
]


def requests_() -> list[PostcardRequest]:
    return [
        PostcardRequest(
            task_id=uuid.uuid4().hex,
            user_input=prompt,
            style=style or None,
            theme=theme,
            language=language,
            user_id="someone",
            created_at=datetime.now(UTC),
            metadata=metadata,
        )
        for prompt, style, theme, language, metadata in TRICKY
    ]


@pytest.fixture
def api_settings(settings: Settings, redis_server: RedisServer) -> Settings:
    base = settings.model_copy(update={"create_rate_limit": "100000/hour"})
    return stack_settings(base, redis_server.url, free_port())


async def test_batched_stream_entries_decode_to_the_requests(api_settings: Settings) -> None:
    repo = repository(api_settings)
    redis = redis_client(api_settings)
    ingest = Ingest(repo, redis, api_settings)
    batch = requests_()
    try:
        await asyncio.gather(*(ingest.submit(r) for r in batch))
        entries = await redis.xrange(api_settings.stream_name)
    finally:
        await ingest.close()
        await redis.aclose()
        repo.engine.dispose()
    assert len(entries) == len(batch)
    by_id = {r.task_id: r for r in batch}
    seqs = []
    for _, fields in entries:
        seqs.append(int(fields[b"seq"]))
        got = decode(fields)
        sent = by_id[got.task_id]
        assert got.model_dump(exclude={"options"}) == sent.model_dump(exclude={"options"})
    assert seqs == sorted(seqs) and len(set(seqs)) == len(seqs)


async def test_a_too_long_idempotency_key_is_a_422_with_a_reason(api_settings: Settings) -> None:
    async with serve_api(api_settings) as base, httpx.AsyncClient(base_url=base) as http:
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
    async with serve_api(keyed) as base, httpx.AsyncClient(base_url=base) as http:
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


def test_stream_values_are_the_encoded_fields_in_order() -> None:
    for r in requests_():
        expected = {  # the message's fields, as producers have always written them
            "task_id": r.task_id,
            "task_type": "postcard_generation",
            "user_input": r.user_input,
            "style": r.style or "",
            "theme": r.theme or "",
            "language": r.language or "",
            "user_id": r.user_id,
            "created_at": r.created_at.isoformat(),
            "metadata": json.dumps(r.metadata, ensure_ascii=False),
        }
        assert encode(r) == expected
        assert list(encode(r)) == list(FIELDS)
        assert encode_values(r) == list(expected.values())
        decoded = decode({k.encode(): v.encode() for k, v in expected.items()})
        assert decoded.model_dump(exclude={"options"}) == r.model_dump(exclude={"options"})
