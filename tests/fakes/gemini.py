"""A fake Gemini API: `POST /v1beta/models/{model}:generateContent` (JSON and image output) and
the model list, `GET /v1beta/models[/{model}]`."""

from __future__ import annotations

import base64
import io
import json
import re
from typing import Any

from PIL import Image, ImageDraw

from tests.fakes.server import FakeServer, Recorded, Reply
from tests.fakes.tokens import estimate_tokens, wish_of

IMAGE_TOKENS = 1290  # what Google documents for one 1024x1024 image


def png_bytes(width: int = 1024, height: int = 1024) -> bytes:
    """A real PNG: a soft two-colour gradient with a sun."""
    image = Image.new("RGB", (width, height), "#fde2e4")
    draw = ImageDraw.Draw(image)
    for y in range(0, height, 8):
        shade = 200 + int(55 * y / height)
        draw.rectangle([0, y, width, y + 8], fill=(shade, 180, 200))
    draw.ellipse([width // 3, height // 3, 2 * width // 3, 2 * height // 3], fill="#ffd166")
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def model_of(recorded: Recorded) -> str:
    """The model named in the request path."""
    match = re.search(r"/models/([^/:]+):generateContent", recorded.path)
    return match.group(1) if match else ""


def prompt_text(body: dict[str, Any]) -> str:
    """Every text the request sends: system instruction and all turns."""
    texts = [part.get("text", "") for part in body.get("systemInstruction", {}).get("parts", [])]
    for turn in body.get("contents", []):
        texts += [part.get("text", "") for part in turn.get("parts", [])]
    return "\n".join(texts)


def usage(prompt_tokens: int, output_tokens: int, modality: str = "TEXT") -> dict[str, Any]:
    """`usageMetadata` as the API sends it."""
    return {
        "promptTokenCount": prompt_tokens,
        "candidatesTokenCount": output_tokens,
        "totalTokenCount": prompt_tokens + output_tokens,
        "promptTokensDetails": [{"modality": "TEXT", "tokenCount": prompt_tokens}],
        "candidatesTokensDetails": [{"modality": modality, "tokenCount": output_tokens}],
    }


def text_response(text: str, model: str, prompt_tokens: int, finish: str = "STOP") -> dict:
    """A `GenerateContentResponse` with one text candidate."""
    return {
        "candidates": [
            {
                "content": {"role": "model", "parts": [{"text": text}]},
                "finishReason": finish,
                "index": 0,
            }
        ],
        "usageMetadata": usage(prompt_tokens, estimate_tokens(text)),
        "modelVersion": model,
        "responseId": "fake-response",
    }


def image_response(model: str, prompt_tokens: int, data: bytes | None = None) -> dict:
    """A `GenerateContentResponse` whose candidate carries the image as inlineData."""
    encoded = base64.b64encode(data or png_bytes()).decode()
    return {
        "candidates": [
            {
                "content": {
                    "role": "model",
                    "parts": [{"inlineData": {"mimeType": "image/png", "data": encoded}}],
                },
                "finishReason": "STOP",
                "index": 0,
            }
        ],
        "usageMetadata": usage(prompt_tokens, IMAGE_TOKENS, "IMAGE"),
        "modelVersion": model,
    }


def blocked_prompt(reason: str = "SAFETY") -> Reply:
    """The prompt itself was blocked: promptFeedback.blockReason and no candidates."""
    return Reply(
        body={
            "promptFeedback": {
                "blockReason": reason,
                "safetyRatings": [
                    {
                        "category": "HARM_CATEGORY_DANGEROUS_CONTENT",
                        "probability": "HIGH",
                        "blocked": True,
                    }
                ],
            },
            "usageMetadata": {"promptTokenCount": 120, "totalTokenCount": 120},
            "modelVersion": "fake",
        }
    )


def finished(reason: str) -> Reply:
    """A candidate stopped with `reason` (e.g. SAFETY, IMAGE_SAFETY) and no parts."""
    return Reply(
        body={
            "candidates": [{"content": {"role": "model"}, "finishReason": reason, "index": 0}],
            "usageMetadata": {"promptTokenCount": 120, "totalTokenCount": 120},
        }
    )


def error(
    code: int,
    status: str,
    message: str,
    details: list | None = None,
    headers: dict[str, str] | None = None,
) -> Reply:
    """An error in the Google API shape: {"error": {code, message, status, details}}."""
    body = {"error": {"code": code, "message": message, "status": status}}
    if details:
        body["error"]["details"] = details
    return Reply(status=code, body=body, headers=headers or {})


def daily_quota_exhausted() -> Reply:
    """429 RESOURCE_EXHAUSTED naming a per-day quota."""
    return error(
        429,
        "RESOURCE_EXHAUSTED",
        "You exceeded your current quota.",
        [
            {
                "@type": "type.googleapis.com/google.rpc.QuotaFailure",
                "violations": [
                    {
                        "quotaMetric": "generativelanguage.googleapis.com/generate_requests",
                        "quotaId": "GenerateRequestsPerDayPerProjectPerModel",
                    }
                ],
            },
            {"@type": "type.googleapis.com/google.rpc.RetryInfo", "retryDelay": "3600s"},
        ],
    )


def concept_json(prompt: str) -> dict[str, Any]:
    """A concept a model could write for the prompt's wish."""
    chinese = bool(re.search(r"[\u4e00-\u9fff]", wish_of(prompt)))
    return {
        "theme": "温馨的生日祝福" if chinese else "a warm birthday wish",
        "occasion": "birthday",
        "emotion": "温暖、快乐" if chinese else "warm and joyful",
        "tone": "warm",
        "visual_style": {
            "palette": ["#FDE2E4", "#FAD2E1", "#FFD166", "#6D597A"],
            "composition": "illustration in the lower two thirds, calm sky above for the title",
            "art_style": "soft watercolour",
            "motifs": ["balloons", "cake", "confetti"],
        },
        "copy_direction": "short, heartfelt, a little playful",
        "audience": "a close friend",
        "recipient": None,
        "sender": None,
        "language": "zh" if chinese else "en",
        "layout": "flip",
    }


def content_json(prompt: str) -> dict[str, Any]:
    """Copy that, like a careless model, repeats the wish in the body."""
    return {
        "title": "生日快乐" if re.search(r"[\u4e00-\u9fff]", prompt) else "Happy Birthday",
        "subtitle": "for you",
        "body": f"Wishing you a wonderful year. ({wish_of(prompt)[:300]})",
        "signature": "Leo",
        "language": "en",
    }


MODELS = (
    "gemini-3.5-flash-lite",
    "gemini-3.8-flash",
    "gemini-3.1-flash-image",
    "gemini-3-pro-image",
    "gemini-2.5-flash",
    "gemini-2.5-flash-image",
)


def model_entry(model: str) -> dict[str, Any]:
    """One `Model` resource as `models.list` and `models.get` return it."""
    return {
        "name": f"models/{model}",
        "version": "001",
        "displayName": model.replace("-", " ").title(),
        "inputTokenLimit": 1_048_576,
        "outputTokenLimit": 65_536,
        "supportedGenerationMethods": ["generateContent", "countTokens"],
    }


def models_reply(recorded: Recorded) -> Reply:
    """`GET /v1beta/models` (every model, one page) or `GET /v1beta/models/{model}` (or 404)."""
    path = recorded.path.split("?", 1)[0].rstrip("/")
    if path.endswith("/models"):
        return Reply(body={"models": [model_entry(model) for model in MODELS]})
    wanted = path.rsplit("/", 1)[-1]
    if wanted in MODELS:
        return Reply(body=model_entry(wanted))
    return error(404, "NOT_FOUND", f"models/{wanted} is not found for API version v1beta")


def default_responder(recorded: Recorded) -> Reply:
    """A well-behaved Gemini: schema-shaped JSON for text, a PNG for image requests, the model
    list on GET."""
    if recorded.method == "GET":
        return models_reply(recorded)
    body = recorded.json
    model = model_of(recorded)
    config = body.get("generationConfig", {})
    prompt = prompt_text(body)
    prompt_tokens = estimate_tokens(prompt + json.dumps(config.get("responseJsonSchema", {})))
    if "IMAGE" in config.get("responseModalities", []):
        return Reply(body=image_response(model, prompt_tokens))
    title = config.get("responseJsonSchema", {}).get("title")
    data = concept_json(prompt) if title == "Concept" else content_json(prompt)
    text = json.dumps(data, ensure_ascii=False)
    return Reply(body=text_response(text, model, prompt_tokens))


def fake_gemini() -> FakeServer:
    """A started fake Gemini server."""
    return FakeServer(default_responder).start()
