"""A fake Anthropic Messages API: `POST /v1/messages` with usage and stop_reason."""

from __future__ import annotations

import html
import json
import re
from typing import Any

from tests.fakes.server import FakeServer, Recorded, Reply
from tests.fakes.tokens import estimate_tokens

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
    """The CONTENT_JSON block of the page prompt."""
    match = re.search(r"<<<CONTENT_JSON\n(.*?)\nCONTENT_JSON>>>", prompt, re.DOTALL)
    return json.loads(match.group(1)) if match else {"title": "Hello", "body": "..."}


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


def default_responder(recorded: Recorded) -> Reply:
    """A well-behaved Claude: the page in one ```html fence."""
    body = recorded.json
    page = page_for(prompt_text(body))
    return reply_with(f"Here is your postcard.\n\n```html\n{page}\n```")(recorded)


def fake_anthropic() -> FakeServer:
    """A started fake Anthropic server."""
    return FakeServer(default_responder).start()
