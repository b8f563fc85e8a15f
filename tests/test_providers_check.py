"""`postcards providers check` against the wire servers: success, 401, unknown model, 429."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from cli.main import app
from providers.check import CheckLine, check_providers
from tests.fakes import anthropic as a
from tests.fakes import gemini as g
from tests.fakes.config import SECRETS, provider_settings
from tests.fakes.server import FakeServer


async def _lines(gemini: FakeServer, claude: FakeServer, **overrides: object) -> list[CheckLine]:
    settings = provider_settings(gemini=gemini, anthropic=claude, **overrides)
    return [line async for line in check_providers(settings)]


async def test_every_key_model_and_step_passes(servers: tuple[FakeServer, FakeServer]) -> None:
    gemini, claude = servers
    lines = await _lines(gemini, claude)

    assert [(line.provider, line.step) for line in lines] == [
        ("gemini", "key + models"),
        ("gemini", "text"),
        ("gemini", "json"),
        ("gemini", "image"),
        ("anthropic", "key + models"),
        ("anthropic", "page"),
    ]
    assert all(line.ok and line.latency_ms > 0 for line in lines)
    assert lines[1].model == "gemini-3.5-flash-lite" and lines[3].model == "gemini-3.1-flash-image"
    assert lines[5].model == "claude-sonnet-5-5"
    assert gemini.requests[0].method == "GET" and gemini.requests[0].path.startswith(
        "/v1beta/models"
    )
    assert [r.path.split("?")[0] for r in claude.requests] == ["/v1/models", "/v1/messages"]


async def test_a_rejected_key_stops_at_the_first_line(
    servers: tuple[FakeServer, FakeServer],
) -> None:
    gemini, claude = servers
    gemini.script(
        g.error(401, "UNAUTHENTICATED", "API key not valid. Please pass a valid API key.")
    )
    lines = await _lines(gemini, claude)

    assert len(lines) == 1 and not lines[0].ok and lines[0].error
    assert lines[0].error.type == "AuthenticationError"
    assert len(gemini.requests) == 1 and not claude.requests


async def test_an_unknown_model_is_named(servers: tuple[FakeServer, FakeServer]) -> None:
    gemini, claude = servers
    lines = await _lines(gemini, claude, anthropic_model="claude-sonnet-9")

    assert [line.ok for line in lines] == [True, True, True, True, False]
    failed = lines[-1]
    assert failed.error and failed.error.type == "ModelNotFound"
    assert "claude-sonnet-9" in failed.error.message
    assert not [r for r in claude.requests if r.path == "/v1/messages"]


async def test_a_rate_limit_is_reported_as_such(servers: tuple[FakeServer, FakeServer]) -> None:
    gemini, claude = servers
    claude.script(
        a.error(429, "rate_limit_error", "Number of requests exceeded", {"retry-after": "30"})
    )
    lines = await _lines(gemini, claude, text_provider="local", image_provider="local")

    assert len(lines) == 1 and lines[0].error
    assert lines[0].error.type == "RateLimited" and lines[0].error.retryable


def test_the_command_prints_one_line_a_step_and_exits_non_zero_on_failure(
    servers: tuple[FakeServer, FakeServer], monkeypatch: pytest.MonkeyPatch
) -> None:
    gemini, claude = servers
    settings = provider_settings(gemini=gemini, anthropic=claude)
    monkeypatch.setattr("cli.providers.get_settings", lambda: settings)
    runner = CliRunner()

    passed = runner.invoke(app, ["providers", "check"])
    assert passed.exit_code == 0, passed.output
    assert passed.output.count("ok ") == 6 and "claude-sonnet-5-5" in passed.output

    gemini.script(g.error(404, "NOT_FOUND", "models/x is not found"))
    failed = runner.invoke(app, ["providers", "check"])
    assert failed.exit_code == 1
    assert "FAIL" in failed.output and "ModelNotFound" in failed.output
    for secret in SECRETS:
        assert secret not in passed.output + failed.output
