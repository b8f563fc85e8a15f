"""A rough token count for fake usage fields (~4 ASCII characters or ~1 CJK character a token),
and what a fake model reads of a prompt's data."""

from __future__ import annotations

import json
import math
import re
from typing import Any

_CJK = re.compile(r"[\u3000-\u9fff\uf900-\ufaff\uff00-\uffef]")


def estimate_tokens(text: str) -> int:
    """Tokens a real tokenizer would roughly report for `text`."""
    cjk = len(_CJK.findall(text))
    ascii_chars = sum(1 for char in text if ord(char) < 128)
    other = len(text) - cjk - ascii_chars
    return max(1, math.ceil(ascii_chars / 4) + cjk + math.ceil(other / 2))


def data_of(prompt: str) -> dict[str, Any]:
    """The prompt's data part: the first JSON object in its text that starts a line (the
    providers send it as a part of its own, one JSON object); {} when there is none."""
    decoder = json.JSONDecoder()
    for match in re.finditer(r"^\{", prompt, re.MULTILINE):
        try:
            value, _ = decoder.raw_decode(prompt, match.start())
        except json.JSONDecodeError:
            continue
        if isinstance(value, dict):
            return value
    return {}


def wish_of(prompt: str) -> str:
    """The wish in a prompt's data (`request.wish`)."""
    request = data_of(prompt).get("request")
    return str(request.get("wish", "")) if isinstance(request, dict) else ""
