"""The create path's hand-rolled parts give what the generic ones gave: the SQLite batch insert
stores the repository's bytes, the one-JSON-argument XADD stores entries that decode to the
requests, the directly encoded 202 body is the `Created` model's, and a too-long
Idempotency-Key is still a 422 with a reason."""

from __future__ import annotations

import asyncio
import json
import sqlite3
import uuid
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest
from fastapi.responses import JSONResponse
from pydantic import SecretStr

from api.routes.postcards import _created
from api.schemas import Created
from api.sharing import shared
from core.db import make_engine
from core.devserver import free_port
from core.ids import new_id
from core.migrate import migrate
from core.models import PostcardRequest
from core.repository import PostcardRepository
from core.settings import Settings
from core.wiring import redis_client, repository
from ingest.messages import FIELDS, decode, encode, encode_values
from ingest.producer import Ingest, _SqliteInsert
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


def raw_rows(path: Path) -> list[dict[str, object]]:
    connection = sqlite3.connect(path)
    connection.row_factory = sqlite3.Row
    try:
        rows = connection.execute("SELECT * FROM postcards ORDER BY task_id").fetchall()
        return [dict(row) for row in rows]
    finally:
        connection.close()


def test_sqlite_batch_insert_stores_what_the_repository_stores(tmp_path: Path) -> None:
    batch = requests_()
    extra = requests_()[0]
    stored = {}
    for name in ("repository", "fast"):
        path = tmp_path / f"{name}.db"
        migrate(f"sqlite:///{path}")
        engine = make_engine(f"sqlite:///{path}")
        repo = PostcardRepository(engine)
        insert = repo.insert_pending if name == "repository" else _SqliteInsert(repo)
        try:
            with engine.begin() as conn:
                assert insert(batch, conn) == {r.task_id for r in batch}
            with engine.begin() as conn:  # existing rows are left alone and not reported
                assert insert([batch[0], extra], conn) == {extra.task_id}
        finally:
            engine.dispose()
        stored[name] = raw_rows(path)
    assert len(stored["fast"]) == len(stored["repository"]) == len(batch) + 1
    for expected, got in zip(stored["repository"], stored["fast"], strict=True):
        for column in expected:
            if column in ("id", "updated_at"):  # made per row: a fresh uuid and timestamp
                assert type(got[column]) is type(expected[column])
                continue
            assert got[column] == expected[column], column


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


@pytest.mark.parametrize("keys", [None, "k1:alice"])
@pytest.mark.parametrize(
    ("base", "task_id"),
    [
        ("https://cards.example/base", None),
        ('https://cards.example/q"uo\\te/ünï', None),  # escaped once, cached
        ("https://cards.example/base", 'not "hex"'),  # any task id is escaped like a string
    ],
)
def test_created_body_is_the_created_models(
    keys: str | None, base: str, task_id: str | None
) -> None:
    settings = Settings(  # type: ignore[call-arg]
        _env_file=None,
        public_base_url=base,
        api_keys=SecretStr(keys) if keys else None,
    )
    task_id = task_id or new_id()
    for _ in range(2):  # the second time from the cached escaped base
        answer = _created(settings, task_id)
        model = Created(
            task_id=task_id,
            status_url=f"{base}/api/v1/postcards/status/{task_id}",
            preview_url=shared(settings, f"{base}/preview/{task_id}", task_id),
        )
        expected = JSONResponse(model.model_dump(mode="json"), status_code=202)
        assert answer.status_code == 202
        assert answer.media_type == "application/json"
        assert answer.body == expected.body
        assert answer.raw_headers == expected.raw_headers
        assert answer.background is None


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


def test_sqlite_batch_insert_splits_a_batch_over_the_parameter_limit(tmp_path: Path) -> None:
    path = tmp_path / "split.db"
    migrate(f"sqlite:///{path}")
    engine = make_engine(f"sqlite:///{path}")
    insert = _SqliteInsert(PostcardRepository(engine))
    insert.max_rows = 2  # as with SQLite < 3.32's 999 parameters, in miniature
    batch = requests_() + requests_()
    try:
        with engine.begin() as conn:
            assert insert(batch, conn) == {r.task_id for r in batch}
    finally:
        engine.dispose()
    assert sorted(r["task_id"] for r in raw_rows(path)) == sorted(r.task_id for r in batch)


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
