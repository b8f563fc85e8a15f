"""The provider corpus: realistic response bodies, served by the wire servers to the real SDK
clients, each ending as its fixture says — repaired, fallback to local, or a clear failure."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from core.errors import ProviderError
from engine.concept.make import make_concept
from engine.copy.writer import write_content
from providers.factory import ProviderFactory
from providers.html_validator import validate_page
from tests.fakes import anthropic as a
from tests.fakes import gemini as g
from tests.fakes.config import provider_settings
from tests.fakes.server import FakeServer, Recorded, Reply
from tests.harness import make_request

CORPUS = Path(__file__).parent / "data" / "corpus"
IMAGE_URL = "http://127.0.0.1:8000/files/images/corpus.png"
CASES = sorted(CORPUS.glob("*/*.json"))


def _load(path: Path) -> dict[str, Any]:
    case: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return case


def _case_id(path: Path) -> str:
    return f"{path.parent.name}/{path.stem}"


@pytest.fixture
def servers() -> Iterator[dict[str, FakeServer]]:
    fakes = {"gemini": g.fake_gemini(), "anthropic": a.fake_anthropic()}
    yield fakes
    for fake in fakes.values():
        fake.stop()


def _serve(server: FakeServer, case: dict[str, Any], models: Any) -> None:
    """Every model call gets the case's body; the model list answers as the real API does."""
    reply = Reply(status=case["status"], body=case["body"], headers=case.get("headers", {}))

    def respond(recorded: Recorded) -> Reply:
        return models(recorded) if recorded.method == "GET" else reply

    server.default = respond


async def _run(provider: str, step: str, factory: ProviderFactory) -> tuple[Any, Any]:
    request = make_request("给妈妈的生日贺卡，她喜欢花")
    concept = make_concept(request)
    if step == "concept":
        return await factory.text().concept(request)
    if step == "content":
        return await factory.text().content(request, concept)
    if step == "image":
        picture = await factory.image().illustrate(request, concept, None)
        return picture, picture.usage
    return await factory.code().page(request, concept, write_content(request, concept), IMAGE_URL)


def _field(value: Any, path: str) -> Any:
    for part in path.split("."):
        value = getattr(value, part)
    return value


def _check(value: Any, checks: dict[str, Any]) -> None:
    for key, expected in checks.items():
        if key == "contains":
            assert expected in value
        elif key.endswith("_max"):
            text = _field(value, key.removesuffix("_max"))
            assert 0 < len(text) <= expected
        elif key == "size":
            assert [value.width, value.height] == expected
        else:
            assert _field(value, key) == expected, key


@pytest.mark.parametrize("path", CASES, ids=_case_id)
async def test_every_corpus_case_ends_as_expected(
    path: Path, servers: dict[str, FakeServer]
) -> None:
    case = _load(path)
    provider = path.parent.name
    server = servers[provider]
    _serve(server, case, g.models_reply if provider == "gemini" else a.models_reply)
    factory = ProviderFactory(provider_settings(**{provider: server}))

    if case["expect"] == "failure":
        with pytest.raises(ProviderError) as caught:
            await _run(provider, case["step"], factory)
        assert caught.value.type == case["error_type"]
        assert caught.value.retryable  # a clear failure here is one Temporal retries
    else:
        value, usage = await _run(provider, case["step"], factory)
        if case["expect"] == "repaired":
            assert usage.provider is None and usage.fallback_from is None
            assert usage.model and usage.model != "local-engine"
        else:
            assert usage.provider == "local" and usage.fallback_from == provider
            assert usage.fallback_reason.startswith(case["error_type"] + ":")
        if case["step"] == "frontend":
            assert validate_page(value, IMAGE_URL) == []
        _check(value, case.get("check", {}))
    calls = [r for r in server.requests if r.method == "POST"]
    assert len(calls) == case["requests"]


def test_the_corpus_covers_each_outcome_for_each_provider() -> None:
    outcomes: dict[str, set[str]] = {}
    for path in CASES:
        outcomes.setdefault(path.parent.name, set()).add(_load(path)["expect"])
    assert outcomes == {
        "gemini": {"repaired", "fallback", "failure"},
        "anthropic": {"repaired", "fallback", "failure"},
    }
    assert all(len(list((CORPUS / p).glob("*.json"))) >= 12 for p in outcomes)
