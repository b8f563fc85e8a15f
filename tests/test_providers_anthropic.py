"""Claude page provider with the real anthropic client against a fake Messages API."""

from __future__ import annotations

import json
import logging
import traceback
from collections.abc import Iterator

import pytest

from core.errors import NonRetryableProviderError, ProviderError, RetryableProviderError
from core.models import Concept, Content
from providers.anthropic_code import ClaudeCodeProvider, extract_html
from providers.factory import ProviderFactory
from providers.html_validator import validate_page
from providers.progress import reporting_to
from tests.fakes import anthropic as a
from tests.fakes.config import ANTHROPIC_KEY, assert_no_secret, provider_settings
from tests.fakes.server import FakeServer, Recorded, Reply, Responder
from tests.harness import make_request

IMAGE_URL = "http://127.0.0.1:8000/blobs/images/test.png"


@pytest.fixture
def server() -> Iterator[FakeServer]:
    fake = a.fake_anthropic()
    yield fake
    fake.stop()


@pytest.fixture
def claude(server: FakeServer) -> ClaudeCodeProvider:
    return ClaudeCodeProvider(provider_settings(anthropic=server))


def card() -> tuple[Concept, Content]:
    """A concept and copy as the text steps would hand them over."""
    concept = Concept.model_validate(
        {
            "theme": "a warm birthday wish",
            "occasion": "birthday",
            "emotion": "joy",
            "tone": "warm",
            "copy_direction": "heartfelt",
            "audience": "a friend",
            "visual_style": {
                "palette": ["#FDE2E4", "#6D597A"],
                "composition": "sky above",
                "art_style": "watercolour",
                "motifs": ["balloons"],
            },
        }
    )
    content = Content(
        title="Happy Birthday, Anna",
        subtitle="from Leo",
        body="May your year be full of light & laughter.",
        signature="Leo",
    )
    return concept, content


def page_reply(page: str) -> Responder:
    return a.reply_with(f"```html\n{page}\n```")


async def test_page_succeeds_and_passes_the_validator(
    server: FakeServer, claude: ClaudeCodeProvider
) -> None:
    concept, content = card()
    html, usage = await claude.page(make_request(), concept, content, IMAGE_URL)

    assert validate_page(html, IMAGE_URL) == []
    assert IMAGE_URL in html and "__POSTCARD_IMAGE_URL__" not in html
    assert "Happy Birthday, Anna" in html
    sent = server.requests[0]
    assert sent.path == "/v1/messages"
    assert sent.json["model"] == "claude-sonnet-5-5"
    assert sent.json["max_tokens"] == 16000
    ask, data = (block["text"] for block in sent.json["messages"][0]["content"])
    assert json.loads(data)["content"] == content.model_dump(mode="json")
    assert content.title not in ask
    assert "temperature" not in sent.json  # current Claude models reject sampling overrides
    assert sent.headers["authorization"] == f"Bearer {ANTHROPIC_KEY}"
    assert sent.headers["x-stainless-retry-count"] == "0"
    assert usage.model == "claude-sonnet-5-5" and usage.output_tokens and usage.cost_usd


async def test_429_with_retry_after_is_retryable(
    server: FakeServer, claude: ClaudeCodeProvider
) -> None:
    server.script(
        a.error(
            429,
            "rate_limit_error",
            "Number of requests has exceeded your limit",
            {"retry-after": "13"},
        )
    )
    with pytest.raises(RetryableProviderError) as caught:
        await claude.page(make_request(), *card(), IMAGE_URL)
    assert caught.value.type == "RateLimited" and caught.value.retry_after_s == 13
    assert len(server.requests) == 1


@pytest.mark.parametrize(("status", "kind"), [(500, "api_error"), (529, "overloaded_error")])
async def test_server_errors_are_retryable(
    server: FakeServer, claude: ClaudeCodeProvider, status: int, kind: str
) -> None:
    server.script(a.error(status, kind, "Overloaded"))
    with pytest.raises(RetryableProviderError):
        await claude.page(make_request(), *card(), IMAGE_URL)
    assert len(server.requests) == 1


@pytest.mark.parametrize(
    ("reply", "kind"),
    [
        (a.error(401, "authentication_error", "invalid x-api-key"), "AuthenticationError"),
        (a.error(403, "permission_error", "no access"), "PermissionDenied"),
        (a.error(404, "not_found_error", "model: claude-0"), "ModelNotFound"),
        (a.error(400, "invalid_request_error", "messages: field required"), "BadRequest"),
        (a.error(400, "invalid_request_error", "Your credit balance is too low"), "QuotaExhausted"),
        (a.error(402, "billing_error", "billing"), "QuotaExhausted"),
    ],
)
async def test_client_errors_are_non_retryable(
    server: FakeServer, claude: ClaudeCodeProvider, reply: Reply, kind: str
) -> None:
    server.script(reply)
    with pytest.raises(NonRetryableProviderError) as caught:
        await claude.page(make_request(), *card(), IMAGE_URL)
    assert caught.value.type == kind


async def test_refusal_is_a_safety_block(server: FakeServer, claude: ClaudeCodeProvider) -> None:
    server.script(a.reply_with("", stop_reason="refusal"))
    with pytest.raises(NonRetryableProviderError) as caught:
        await claude.page(make_request(), *card(), IMAGE_URL)
    assert caught.value.type == "SafetyBlocked"


async def test_oversize_page_is_sent_back_with_findings_then_accepted(
    server: FakeServer, claude: ClaudeCodeProvider
) -> None:
    concept, content = card()
    good = a.page_for(json.dumps({"content": content.model_dump(mode="json")}))
    huge = good.replace("</body>", f"<!-- {'x' * 210_000} --></body>")
    server.script(page_reply(huge))

    html, usage = await claude.page(make_request(), concept, content, IMAGE_URL)

    assert len(server.requests) == 2
    followup = server.requests[1].json["messages"]
    assert [m["role"] for m in followup] == ["user", "assistant", "user"]
    assert "the limit is 200,000" in followup[2]["content"]
    assert len(html.encode()) < 200_000
    assert usage.input_tokens and usage.input_tokens > 10_000  # both rounds are counted


async def test_external_script_fails_after_bounded_repairs_then_falls_back_to_local(
    server: FakeServer,
) -> None:
    evil = a.page_for("").replace(
        "</body>", '<script src="https://cdn.evil.example/x.js"></script></body>'
    )
    server.script(page_reply(evil), page_reply(evil), page_reply(evil))
    settings = provider_settings(anthropic=server, code_provider_fallbacks="local")
    provider = ProviderFactory(settings).code()

    html, usage = await provider.page(make_request(), *card(), IMAGE_URL)

    assert len(server.requests) == 3  # one page and two repair rounds
    assert "external script" in server.requests[1].json["messages"][2]["content"]
    assert usage.provider == "local" and usage.fallback_from == "anthropic"
    assert "evil.example" not in html


async def test_without_fallback_the_validation_failure_is_typed(
    server: FakeServer, claude: ClaudeCodeProvider
) -> None:
    evil = a.page_for("").replace("</body>", "<script>fetch('https://x.example')</script></body>")
    server.script(page_reply(evil), page_reply(evil), page_reply(evil))
    with pytest.raises(NonRetryableProviderError) as caught:
        await claude.page(make_request(), *card(), IMAGE_URL)
    assert caught.value.type == "OutputValidationError"
    assert "fetch" in caught.value.message


def test_html_is_extracted_from_fences_or_prose() -> None:
    assert extract_html("Sure!\n```html\n<html><body>x</body></html>\n```\nEnjoy") == (
        "<html><body>x</body></html>"
    )
    assert extract_html("Here: <!DOCTYPE html><html><body>y</body></html> done").startswith(
        "<!DOCTYPE html>"
    )
    assert extract_html("```\n<html></html>") == "<html></html>"


async def test_the_key_never_reaches_bodies_logs_or_errors(
    server: FakeServer, claude: ClaudeCodeProvider, caplog: pytest.LogCaptureFixture
) -> None:
    def echo_key(recorded: Recorded) -> Reply:
        return a.error(401, "authentication_error", f"bad key {recorded.headers['authorization']}")

    caplog.set_level(logging.DEBUG)
    server.script(echo_key, a.error(500, "api_error", "boom"))
    failures: list[ProviderError] = []
    for _ in range(2):
        with pytest.raises(ProviderError) as caught:
            await claude.page(make_request(), *card(), IMAGE_URL)
        failures.append(caught.value)

    for recorded in server.requests:
        assert_no_secret(recorded.raw, recorded.path)
    for failure in failures:
        assert failure.__cause__ is None and failure.__suppress_context__
        assert_no_secret(str(failure), failure.args, "".join(traceback.format_exception(failure)))
    assert_no_secret(caplog.text)


async def test_the_page_is_streamed_and_reports_progress_as_it_is_written(
    server: FakeServer, claude: ClaudeCodeProvider
) -> None:
    concept, content = card()
    reports: list[int] = []
    with reporting_to(reports.append):
        html, usage = await claude.page(make_request(), concept, content, IMAGE_URL)

    assert server.requests[0].json["stream"] is True
    assert validate_page(html, IMAGE_URL) == [] and usage.output_tokens
    # One report per streamed chunk of the ~4 KB page, rising, never claiming 100 %.
    assert len(reports) >= 5 and reports == sorted(reports)
    assert 0 < reports[0] < reports[-1] < 100
