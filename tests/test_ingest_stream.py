"""The stream entries the API appends decode to the requests it accepted (one JSON argument per
batch, numbered in add order), in the field order other producers use."""

from __future__ import annotations

import asyncio
import json
import uuid
from datetime import UTC, datetime

import pytest

from core.devserver import free_port
from core.models import PostcardRequest
from core.settings import Settings
from core.wiring import redis_client
from ingest.messages import FIELDS, decode, encode, encode_values
from ingest.producer import Ingest
from runs.wiring import run_store
from tests.stack import RedisServer, stack_settings

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
    repo = run_store(api_settings)
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
            "deadline_at": "",  # none asked for (Cancel-After)
            "webhook_url": "",  # optional: a producer may leave both webhook fields out
            "webhook_events": "",
        }
        assert encode(r) == expected
        assert list(encode(r)) == list(FIELDS)
        assert encode_values(r) == list(expected.values())
        decoded = decode({k.encode(): v.encode() for k, v in expected.items()})
        assert decoded.model_dump(exclude={"options"}) == r.model_dump(exclude={"options"})
