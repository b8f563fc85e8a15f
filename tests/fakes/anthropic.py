"""A fake Anthropic API: `POST /v1/messages` (JSON, or server-sent events when the request
streams) with usage and stop_reason, and `GET /v1/models[/{id}]`."""

from __future__ import annotations

import html
import json
from typing import Any

from tests.fakes.server import FakeServer, Recorded, Reply
from tests.fakes.tokens import data_of, estimate_tokens

TOKEN = "__POSTCARD_IMAGE_URL__"

PAGE = """<!doctype html>
<html lang="{lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1, viewport-fit=cover">
<title>{title}</title>
<style>
:root {{ --ink: #3d314a; --paper: #fffaf3; --accent: #ffd166; }}
* {{ box-sizing: border-box; margin: 0; }}
html, body {{ height: 100%; }}
body {{ font-family: -apple-system, "PingFang SC", "Helvetica Neue", sans-serif;
  background: #f4ece6; display: grid; place-items: center; overflow: hidden;
  padding: env(safe-area-inset-top) env(safe-area-inset-right) env(safe-area-inset-bottom)
  env(safe-area-inset-left); }}
.stage {{ perspective: 1200px; width: min(92vw, 420px); aspect-ratio: 3 / 4; }}
.card {{ position: relative; width: 100%; height: 100%; transform-style: preserve-3d;
  transition: transform 0.9s cubic-bezier(.2,.7,.2,1); cursor: pointer; }}
.card.flipped {{ transform: rotateY(180deg); }}
.face {{ position: absolute; inset: 0; border-radius: 18px; overflow: hidden;
  backface-visibility: hidden; box-shadow: 0 18px 40px rgba(61,49,74,.25); }}
.front .art {{ position: absolute; inset: 0; background: url("{image}") center / cover;
  animation: zoom 18s ease-in-out infinite alternate; }}
.front h1 {{ position: absolute; top: 8%; width: 100%; text-align: center; color: var(--paper);
  font-size: clamp(28px, 8vw, 40px); text-shadow: 0 2px 12px rgba(0,0,0,.35);
  animation: rise 1.2s .3s both; }}
.front p.hint {{ position: absolute; bottom: 5%; width: 100%; text-align: center;
  color: var(--paper); opacity: .85; font-size: 14px; animation: pulse 2s infinite; }}
.back {{ transform: rotateY(180deg); background: var(--paper); color: var(--ink);
  padding: 12% 10%; display: flex; flex-direction: column; gap: 1em; }}
.back h2 {{ font-size: 20px; color: #6d597a; }}
.back .body {{ line-height: 1.7; white-space: pre-wrap; }}
.back .sig {{ margin-top: auto; text-align: right; font-style: italic; }}
@keyframes zoom {{ from {{ transform: scale(1); }} to {{ transform: scale(1.12); }} }}
@keyframes rise {{ from {{ opacity: 0; transform: translateY(24px); }}
  to {{ opacity: 1; transform: none; }} }}
@keyframes pulse {{ 50% {{ opacity: .4; }} }}
@media (prefers-reduced-motion: reduce) {{ * {{ animation: none !important;
  transition: none !important; }} }}
</style>
</head>
<body>
<div class="stage">
  <div class="card" id="card" role="button" tabindex="0" aria-label="{title}">
    <section class="face front"><div class="art"></div><h1>{title}</h1>
      <p class="hint">{hint}</p></section>
    <section class="face back"><h2>{subtitle}</h2><p class="body">{body}</p>
      <p class="sig">{signature}</p></section>
  </div>
</div>
<script>
(function () {{
  var card = document.getElementById("card");
  var startX = null;
  function flip() {{ card.classList.toggle("flipped"); }}
  card.addEventListener("click", flip);
  card.addEventListener("keydown", function (e) {{ if (e.key === "Enter") flip(); }});
  card.addEventListener("touchstart", function (e) {{ startX = e.touches[0].clientX; }},
    {{ passive: true }});
  card.addEventListener("touchend", function (e) {{
    if (startX === null) return;
    var dx = e.changedTouches[0].clientX - startX;
    if (Math.abs(dx) > 40) flip();
    startX = null;
  }});
}})();
</script>
</body>
</html>"""


def content_of(prompt: str) -> dict[str, Any]:
    """The card's words in the page prompt's data (`content`)."""
    content = data_of(prompt).get("content")
    return content if isinstance(content, dict) else {"title": "Hello", "body": "..."}


def page_for(prompt: str) -> str:
    """A well-made page for the prompt's content, using the image placeholder."""
    content = content_of(prompt)
    e = html.escape
    zh = content.get("language", "en").startswith("zh")
    return PAGE.format(
        lang=e(content.get("language", "en")),
        title=e(content.get("title", "")),
        subtitle=e(content.get("subtitle", "")),
        body=e(content.get("body", "")),
        signature=e(content.get("signature", "")),
        image=TOKEN,
        hint="轻触翻开" if zh else "Tap to open",
    )


def prompt_text(body: dict[str, Any]) -> str:
    """System prompt plus every message's text."""
    texts = [body.get("system", "") if isinstance(body.get("system"), str) else ""]
    for message in body.get("messages", []):
        content = message.get("content")
        if isinstance(content, str):
            texts.append(content)
        else:
            texts += [block.get("text", "") for block in content or []]
    return "\n".join(texts)


def message(text: str, model: str, input_tokens: int, stop_reason: str = "end_turn") -> dict:
    """A Messages API response with one text block."""
    return {
        "id": "msg_fake",
        "type": "message",
        "role": "assistant",
        "model": model,
        "content": [{"type": "text", "text": text}] if text else [],
        "stop_reason": stop_reason,
        "stop_sequence": None,
        "usage": {
            "input_tokens": input_tokens,
            "output_tokens": estimate_tokens(text),
            "cache_creation_input_tokens": 0,
            "cache_read_input_tokens": 0,
        },
    }


def reply_with(text: str, stop_reason: str = "end_turn") -> Any:
    """A responder that answers `text` with usage computed from the request."""

    def respond(recorded: Recorded) -> Reply:
        body = recorded.json
        tokens = estimate_tokens(prompt_text(body))
        return Reply(body=message(text, body.get("model", ""), tokens, stop_reason))

    return respond


def error(status: int, error_type: str, text: str, headers: dict[str, str] | None = None) -> Reply:
    """An error in the Anthropic shape: {"type": "error", "error": {type, message}}."""
    return Reply(
        status=status,
        headers=headers or {},
        body={
            "type": "error",
            "error": {"type": error_type, "message": text},
            "request_id": "req_fake",
        },
    )


MODELS = (
    "claude-sonnet-5-5",
    "claude-opus-5-5",
    "claude-haiku-4-5",
    "claude-sonnet-4-5",
)


def models_reply(recorded: Recorded) -> Reply:
    """`GET /v1/models` (a page of every model) or `GET /v1/models/{id}` (one, or 404)."""
    path = recorded.path.split("?", 1)[0].rstrip("/")
    entries = [
        {
            "type": "model",
            "id": model,
            "display_name": model.replace("-", " ").title(),
            "created_at": "2026-09-01T00:00:00Z",
        }
        for model in MODELS
    ]
    if path == "/v1/models":
        return Reply(
            body={
                "data": entries,
                "has_more": False,
                "first_id": entries[0]["id"],
                "last_id": entries[-1]["id"],
            }
        )
    wanted = path.rsplit("/", 1)[-1]
    for entry in entries:
        if entry["id"] == wanted:
            return Reply(body=entry)
    return error(404, "not_found_error", f"model: {wanted}")


def default_responder(recorded: Recorded) -> Reply:
    """A well-behaved Claude: the page in one ```html fence; the model list on GET."""
    if recorded.method == "GET":
        return models_reply(recorded)
    body = recorded.json
    page = page_for(prompt_text(body))
    return reply_with(f"Here is your postcard.\n\n```html\n{page}\n```")(recorded)


def sse(message_body: dict[str, Any], chunk_chars: int = 400) -> list[bytes]:
    """A message as the streaming API sends it: message_start, text deltas, message_delta."""

    def event(kind: str, data: dict[str, Any]) -> bytes:
        return f"event: {kind}\ndata: {json.dumps(data)}\n\n".encode()

    usage = dict(message_body.get("usage") or {})
    output_tokens = usage.get("output_tokens", 0)
    start = dict(message_body, content=[], stop_reason=None, usage=usage | {"output_tokens": 1})
    events = [event("message_start", {"type": "message_start", "message": start})]
    for index, block in enumerate(message_body.get("content") or []):
        text = block.get("text", "")
        events.append(
            event(
                "content_block_start",
                {
                    "type": "content_block_start",
                    "index": index,
                    "content_block": {**block, "text": ""},
                },
            )
        )
        for at in range(0, len(text), chunk_chars):
            delta = {"type": "text_delta", "text": text[at : at + chunk_chars]}
            events.append(
                event(
                    "content_block_delta",
                    {"type": "content_block_delta", "index": index, "delta": delta},
                )
            )
        events.append(event("content_block_stop", {"type": "content_block_stop", "index": index}))
    stop = {"stop_reason": message_body.get("stop_reason"), "stop_sequence": None}
    events.append(
        event(
            "message_delta",
            {"type": "message_delta", "delta": stop, "usage": {"output_tokens": output_tokens}},
        )
    )
    events.append(event("message_stop", {"type": "message_stop"}))
    return events


def streaming(chunk_delay_s: float = 0.0) -> Any:
    """A transform that streams a successful message when the request asked for a stream."""

    def transform(recorded: Recorded, reply: Reply) -> Reply:
        asked = recorded.method == "POST" and bool((recorded.json or {}).get("stream"))
        body = reply.body
        if not asked or reply.status != 200 or not isinstance(body, dict):
            return reply
        if body.get("type") != "message":
            return reply
        return Reply(stream=sse(body), chunk_delay_s=chunk_delay_s, headers=reply.headers)

    return transform


def fake_anthropic(chunk_delay_s: float = 0.0) -> FakeServer:
    """A started fake Anthropic server; streamed answers pause `chunk_delay_s` per chunk."""
    return FakeServer(default_responder, streaming(chunk_delay_s)).start()
