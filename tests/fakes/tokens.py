"""A rough token count for fake usage fields: ~4 ASCII characters or ~1 CJK character a token."""

from __future__ import annotations

import math
import re

_CJK = re.compile(r"[\u3000-\u9fff\uf900-\ufaff\uff00-\uffef]")


def estimate_tokens(text: str) -> int:
    """Tokens a real tokenizer would roughly report for `text`."""
    cjk = len(_CJK.findall(text))
    ascii_chars = sum(1 for char in text if ord(char) < 128)
    other = len(text) - cjk - ascii_chars
    return max(1, math.ceil(ascii_chars / 4) + cjk + math.ceil(other / 2))


def wish_of(prompt: str) -> str:
    """The quoted wish of a prompt (the `wish:` line of its USER_REQUEST block)."""
    match = re.search(r"<<<USER_REQUEST\n(.*?)\nUSER_REQUEST>>>", prompt, re.DOTALL)
    block = match.group(1) if match else ""
    for line in block.splitlines():
        if line.startswith("wish: "):
            return line[len("wish: ") :]
    return block
