"""Text helpers: normalisation, language detection, stable seeded randomness, safe fragments."""

from __future__ import annotations

import hashlib
import random
import re
import unicodedata
from collections.abc import Sequence
from typing import TypeVar

T = TypeVar("T")

CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
_LATIN_WORD = re.compile(r"[A-Za-z]{2,}")
_SPACES = re.compile(r"\s+")
_QUOTES = str.maketrans({"’": "'", "‘": "'", "“": '"', "”": '"', "＆": "&"})
_UNSAFE = re.compile(r"[^\w\s&'·.\-\u3400-\u9fff\uf900-\ufaff]", re.UNICODE)


def normalise(text: str) -> str:
    """NFKC, unified quotes, collapsed whitespace, no control characters."""
    text = unicodedata.normalize("NFKC", text).translate(_QUOTES)
    text = "".join(ch for ch in text if unicodedata.category(ch)[0] != "C" or ch in "\n\t")
    return _SPACES.sub(" ", text).strip()


def detect_language(text: str, explicit: str | None = None) -> str:
    """`zh` or `en`: the explicit choice when it names one, else the dominant script."""
    if explicit:
        code = explicit.strip().lower()
        if code.startswith(("zh", "cn", "chinese", "中")):
            return "zh"
        if code.startswith(("en", "english", "英")):
            return "en"
    cjk = len(CJK.findall(text))
    latin = len(_LATIN_WORD.findall(text))
    if cjk >= 2 and cjk >= latin:
        return "zh"
    if cjk and not latin:
        return "zh"
    return "en"


def stable_rng(*parts: object) -> random.Random:
    """A `random.Random` seeded from a SHA-256 of the parts: same parts, same choices."""
    digest = hashlib.sha256("\x1f".join(str(part) for part in parts).encode("utf-8")).digest()
    return random.Random(int.from_bytes(digest[:8], "big"))


def pick(rng: random.Random, options: Sequence[T]) -> T:
    """One option; the sequence must not be empty."""
    return options[rng.randrange(len(options))]


def safe_fragment(text: str, limit: int) -> str:
    """Letters, digits and gentle punctuation only: user text that may appear on a card."""
    cleaned = _SPACES.sub(" ", _UNSAFE.sub(" ", normalise(text))).strip(" .-&'·")
    return cleaned[:limit].strip()


def clip(text: str, limit: int) -> str:
    """Text cut at `limit` characters, on a word or sentence boundary when one is near."""
    if len(text) <= limit:
        return text
    cut = text[:limit]
    for mark in ("。", "！", ". ", "! ", "，", ", ", " "):
        index = cut.rfind(mark)
        if index > limit * 0.6:
            return cut[: index + len(mark)].strip()
    return cut.strip()
