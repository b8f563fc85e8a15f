"""Gemini text and image providers, with the real google-genai client against a fake server."""

from __future__ import annotations

import json
import logging
import traceback
from collections.abc import Iterator

import pytest

from core.errors import NonRetryableProviderError, ProviderError, RetryableProviderError
from core.models import Concept
from providers.gemini_image import GeminiImageProvider, image_config
from providers.gemini_text import GeminiTextProvider
from tests.fakes import gemini as g
from tests.fakes.config import GEMINI_KEY, assert_no_secret, provider_settings
from tests.fakes.server import FakeServer, Recorded, Reply
from tests.harness import make_request


@pytest.fixture
def server() -> Iterator[FakeServer]:
    fake = g.fake_gemini()
    yield fake
    fake.stop()


@pytest.fixture
def text(server: FakeServer) -> GeminiTextProvider:
    return GeminiTextProvider(provider_settings(gemini=server))


async def _concept(server: FakeServer) -> Concept:
    provider = GeminiTextProvider(provider_settings(gemini=server))
    concept, _ = await provider.concept(make_request())
    server.reset()
    return concept


async def test_concept_and_content_succeed_with_schema_model_and_usage(
    server: FakeServer, text: GeminiTextProvider
) -> None:
    request = make_request("A birthday card for my friend Anna from Leo, playful and colourful")
    concept, usage = await text.concept(request)
    content, content_usage = await text.content(request, concept)

    assert concept.occasion == "birthday" and concept.language == "en"
    assert content.title and content.language == "en"
    first = server.requests[0]
    assert first.path == "/v1beta/models/gemini-3.5-flash-lite:generateContent"
    assert first.headers["x-goog-api-key"] == GEMINI_KEY
    config = first.json["generationConfig"]
    assert config["responseMimeType"] == "application/json"
    assert config["responseJsonSchema"]["title"] == "Concept"
    assert "visual_style" in config["responseJsonSchema"]["required"]
    assert server.requests[1].json["generationConfig"]["responseJsonSchema"]["title"] == "Content"
    assert usage.model == "gemini-3.5-flash-lite"
    assert usage.input_tokens and usage.output_tokens and usage.cost_usd
    assert content_usage.input_tokens and content_usage.cost_usd


async def test_explicit_model_setting_reaches_the_request_path(server: FakeServer) -> None:
    provider = GeminiTextProvider(
        provider_settings(gemini=server, gemini_concept_model="gemini-3.8-flash")
    )
    _, usage = await provider.concept(make_request())
    assert server.requests[0].path.endswith("/models/gemini-3.8-flash:generateContent")
    assert usage.model == "gemini-3.8-flash"


async def test_429_with_retry_after_is_retryable_with_the_delay(
    server: FakeServer, text: GeminiTextProvider
) -> None:
    server.script(
        g.error(429, "RESOURCE_EXHAUSTED", "Too many requests", headers={"Retry-After": "7"})
    )
    with pytest.raises(RetryableProviderError) as caught:
        await text.concept(make_request())
    assert caught.value.type == "RateLimited"
    assert caught.value.retry_after_s == 7
    assert len(server.requests) == 1  # the SDK did not retry on its own


async def test_429_without_header_uses_retry_info(
    server: FakeServer, text: GeminiTextProvider
) -> None:
    server.script(
        g.error(
            429,
            "RESOURCE_EXHAUSTED",
            "slow down",
            [{"@type": "type.googleapis.com/google.rpc.RetryInfo", "retryDelay": "12s"}],
        )
    )
    with pytest.raises(RetryableProviderError) as caught:
        await text.concept(make_request())
    assert caught.value.retry_after_s == 12


async def test_500_is_retryable_and_not_retried_by_the_sdk(
    server: FakeServer, text: GeminiTextProvider
) -> None:
    server.script(g.error(500, "INTERNAL", "backend error"))
    with pytest.raises(RetryableProviderError) as caught:
        await text.concept(make_request())
    assert caught.value.type == "ProviderUnavailable"
    assert len(server.requests) == 1


@pytest.mark.parametrize(
    ("reply", "kind"),
    [
        (
            g.error(401, "UNAUTHENTICATED", "Request had invalid credentials."),
            "AuthenticationError",
        ),
        (
            g.error(
                400,
                "INVALID_ARGUMENT",
                "API key not valid. Please pass a valid API key.",
                [
                    {
                        "@type": "type.googleapis.com/google.rpc.ErrorInfo",
                        "reason": "API_KEY_INVALID",
                    }
                ],
            ),
            "AuthenticationError",
        ),
        (
            g.error(403, "PERMISSION_DENIED", "The caller does not have permission"),
            "PermissionDenied",
        ),
        (g.error(404, "NOT_FOUND", "models/gemini-0 is not found"), "ModelNotFound"),
        (g.error(400, "INVALID_ARGUMENT", "Invalid JSON payload"), "BadRequest"),
        (g.daily_quota_exhausted(), "QuotaExhausted"),
    ],
)
async def test_client_errors_are_non_retryable_with_their_type(
    server: FakeServer, text: GeminiTextProvider, reply: Reply, kind: str
) -> None:
    server.script(reply)
    with pytest.raises(NonRetryableProviderError) as caught:
        await text.concept(make_request())
    assert caught.value.type == kind
    assert not caught.value.retryable


@pytest.mark.parametrize(
    "reply",
    [
        g.blocked_prompt("SAFETY"),
        g.blocked_prompt("JAILBREAK"),
        g.finished("SAFETY"),
        g.finished("PROHIBITED_CONTENT"),
    ],
)
async def test_safety_blocks_are_non_retryable(
    server: FakeServer, text: GeminiTextProvider, reply: Reply
) -> None:
    server.script(reply)
    with pytest.raises(NonRetryableProviderError) as caught:
        await text.concept(make_request())
    assert caught.value.type == "SafetyBlocked"


async def test_malformed_json_is_repaired_once_with_the_validation_error(
    server: FakeServer, text: GeminiTextProvider
) -> None:
    server.script(Reply(body=g.text_response('{"theme": "x", "occasion": ', "m", 50)))
    concept, usage = await text.concept(make_request())

    assert concept.visual_style.palette
    assert len(server.requests) == 2
    turns = server.requests[1].json["contents"]
    assert [turn["role"] for turn in turns] == ["user", "model", "user"]
    assert "not valid JSON" in turns[2]["parts"][0]["text"]
    assert server.requests[1].json["generationConfig"]["responseJsonSchema"]["title"] == "Concept"
    assert usage.input_tokens and usage.input_tokens > 50  # both calls are counted


async def test_schema_violation_names_the_field_in_the_repair(
    server: FakeServer, text: GeminiTextProvider
) -> None:
    # The theme is the one concept field no default can stand in for.
    bad = {key: value for key, value in g.concept_json("").items() if key != "theme"}
    server.script(Reply(body=g.text_response(json.dumps(bad), "m", 50)))
    await text.concept(make_request())
    repair = server.requests[1].json["contents"][2]["parts"][0]["text"]
    assert "theme" in repair


async def test_sloppy_palette_is_repaired_without_a_second_call(
    server: FakeServer, text: GeminiTextProvider
) -> None:
    sloppy = g.concept_json("") | {
        "visual_style": {
            "palette": ["粉色与金色", "pink", "#F4A6B5"],
            "composition": "c",
            "art_style": "a",
            "text_area": " Bottom",
        },
        "occasion": "Birthday ",
        "mood_board": "an extra field the schema does not have",
    }
    server.script(Reply(body=g.text_response(json.dumps(sloppy, ensure_ascii=False), "m", 50)))
    concept, _ = await text.concept(make_request("生日快乐"))

    assert len(server.requests) == 1
    assert concept.visual_style.palette == ["#F4A6B5", "#D4AF37", "#FFC0CB"]
    assert concept.visual_style.text_area == "bottom" and concept.occasion == "birthday"
    schema = server.requests[0].json["generationConfig"]["responseJsonSchema"]
    style = schema["$defs"]["VisualStyle"]["properties"]
    assert style["palette"]["items"]["pattern"] == "^#[0-9a-fA-F]{6}$"
    assert (
        style["palette"]["minItems"] == 2 and "birthday" in schema["properties"]["occasion"]["enum"]
    )


async def test_output_still_invalid_after_repair_fails_non_retryably(
    server: FakeServer, text: GeminiTextProvider
) -> None:
    broken = Reply(body=g.text_response("not json at all", "m", 50))
    server.script(broken, broken)
    with pytest.raises(NonRetryableProviderError) as caught:
        await text.concept(make_request())
    assert caught.value.type == "OutputValidationError"
    assert len(server.requests) == 2


async def test_image_arrives_as_inline_data_and_becomes_a_picture(server: FakeServer) -> None:
    concept = await _concept(server)
    provider = GeminiImageProvider(provider_settings(gemini=server))
    picture = await provider.illustrate(make_request(), concept, None)

    assert picture.content_type == "image/png" and picture.data.startswith(b"\x89PNG")
    assert (picture.width, picture.height) == (1024, 1024)
    body = server.requests[0].json
    assert server.requests[0].path.endswith("/models/gemini-3.1-flash-image:generateContent")
    assert body["generationConfig"]["responseModalities"] == ["IMAGE"]
    assert body["generationConfig"]["imageConfig"]["aspectRatio"] == "1:1"
    assert picture.usage.output_tokens == g.IMAGE_TOKENS and picture.usage.cost_usd


async def test_image_safety_and_missing_image_are_typed(server: FakeServer) -> None:
    concept = await _concept(server)
    provider = GeminiImageProvider(provider_settings(gemini=server))
    server.script(g.finished("IMAGE_SAFETY"), g.finished("NO_IMAGE"))
    with pytest.raises(NonRetryableProviderError) as blocked:
        await provider.illustrate(make_request(), concept, None)
    with pytest.raises(NonRetryableProviderError) as missing:
        await provider.illustrate(make_request(), concept, None)
    assert blocked.value.type == "SafetyBlocked"
    assert missing.value.type == "OutputValidationError"


def test_image_size_maps_to_ratio_and_size_class() -> None:
    assert image_config("1024x1536").aspect_ratio == "2:3"
    assert image_config("1024x1024").image_size is None
    assert image_config("2048x2048").image_size == "2K"
    assert image_config("nonsense").aspect_ratio == "1:1"
    assert image_config("1024x1024", "hd").image_size == "2K"
    assert image_config("1024x1024", "ultra").image_size == "4K"


async def test_connection_refused_is_retryable() -> None:
    dead = g.fake_gemini()
    dead.stop()
    provider = GeminiTextProvider(provider_settings(gemini=dead))
    with pytest.raises(RetryableProviderError):
        await provider.concept(make_request())


async def test_missing_key_is_an_authentication_error() -> None:
    provider = GeminiTextProvider(provider_settings(text_provider="gemini"))
    with pytest.raises(NonRetryableProviderError) as caught:
        await provider.concept(make_request())
    assert caught.value.type == "AuthenticationError"


async def test_the_key_never_reaches_bodies_logs_or_errors(
    server: FakeServer, text: GeminiTextProvider, caplog: pytest.LogCaptureFixture
) -> None:
    def echo_key(recorded: Recorded) -> Reply:
        # A hostile or buggy server that echoes the key it was sent back in the error.
        key = recorded.headers["x-goog-api-key"]
        return g.error(401, "UNAUTHENTICATED", f"key {key} rejected")

    caplog.set_level(logging.DEBUG)
    server.script(Reply(body=g.text_response("{", "m", 10)), echo_key, g.error(500, "X", "y"))
    failures: list[ProviderError] = []
    for _ in range(2):
        with pytest.raises(ProviderError) as caught:
            await text.concept(make_request())
        failures.append(caught.value)

    for recorded in server.requests:
        assert_no_secret(recorded.raw, recorded.path)
    for failure in failures:
        # The SDK error is neither the cause nor a shown context: tracebacks and Temporal
        # failures (which follow __cause__ / unsuppressed __context__) never carry it.
        assert failure.__cause__ is None and failure.__suppress_context__
        shown = "".join(traceback.format_exception(failure))
        assert_no_secret(str(failure), repr(failure), failure.args, shown)
    assert_no_secret(caplog.text)


async def test_temperature_is_left_to_gemini_3_unless_set(server: FakeServer) -> None:
    for overrides, expected in (
        ({}, None),
        ({"gemini_text_model": "gemini-2.5-flash"}, 0.7),
        ({"gemini_text_temperature": 0.4}, 0.4),
    ):
        server.reset()
        provider = GeminiTextProvider(provider_settings(gemini=server, **overrides))
        await provider.concept(make_request())
        assert server.requests[0].json["generationConfig"].get("temperature") == expected
