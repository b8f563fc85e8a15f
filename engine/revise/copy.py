"""The copy of a revision steered by its instruction: tone lines, length, formal register."""

from __future__ import annotations

import random
import re

from core.models import Concept, Content
from engine.copy.phrases.tones import FORMAL_SIGNATURES, MORE_LINES, TONE_LINES
from engine.revise.instructions import Adjustments
from engine.text import clip, pick, safe_fragment

_EMOJI = re.compile("[\U0001f000-\U0001faff\u2600-\u27bf\u2b50\u2764\ufe0f\u200d]")
_SENTENCE = {
    "zh": re.compile(r"[^。！？!?…～]+[。！？!?…～]*"),
    "en": re.compile(r"\S.*?(?:(?<!P\.S)[.!?…]+(?=\s|$)|$)"),
}
_PLAYFUL_CODA = re.compile(r"^P\.S\.|^(?:比心|抱抱)～|^(?:xoxo|Hugs and sprinkles!)$")
_SHORTER_SHARE = 0.5
_LONGER_SHARE = 1.5
_MAX_MORE = 3


def sentences(text: str, language: str) -> list[str]:
    """The sentences of a body's text, each with its closing punctuation."""
    pattern = _SENTENCE["zh" if language == "zh" else "en"]
    return [s.strip() for s in pattern.findall(text) if s.strip()]


def sentences_text(content: Content, language: str) -> str:
    """A body without its salutation line."""
    greeting, _, text = content.body.partition("\n")
    return text or greeting


def _join(language: str, parts: list[str]) -> str:
    return ("" if language == "zh" else " ").join(parts)


def _you(body: str, language: str) -> str:
    if language != "zh":
        return "you"
    if "您" in body:
        return "您"
    return "你们" if "你们" in body else "你"


def _insert_before_last(parts: list[str], line: str) -> list[str]:
    """`line` before the closing sentence (or a P.S.), or at the end of a one-line body."""
    if len(parts) < 2:
        return [*parts, line]
    return [*parts[:-1], line, parts[-1]]


def _shorter(parts: list[str], language: str, reference: int) -> list[str]:
    """The opening sentences that fit in half the body (or half the `reference` length, when
    that is less), at least one: the shortest if needed."""
    budget = min(len(_join(language, parts)), reference) * _SHORTER_SHARE
    kept: list[str] = []
    for part in parts:
        if kept and len(_join(language, [*kept, part])) > budget:
            break
        kept.append(part)
    if len(_join(language, kept)) > budget and len(parts) > 1:
        kept = [min(parts, key=len)]
    return kept


def _longer(
    parts: list[str], language: str, you: str, reference: int, rng: random.Random
) -> list[str]:
    """The body with lines from `MORE_LINES` until it is half again as long as it was, or as
    the `reference` length, whichever is more."""
    target = max(len(_join(language, parts)), reference) * _LONGER_SHARE
    options = [line.format(you=you) for line in MORE_LINES[language]]
    rng.shuffle(options)
    added = 0
    for line in options:
        if len(_join(language, parts)) >= target or added >= _MAX_MORE:
            break
        if line not in parts:
            parts = _insert_before_last(parts, line)
            added += 1
    return parts


def _formal(text: str, language: str) -> str:
    """No exclamations, tildes or emoji; in Chinese, 您 for a single reader."""
    text = _EMOJI.sub("", text)
    if language == "zh":
        text = re.sub(r"[！!]+", "。", text).replace("～", "。")
        text = re.sub(r"你(?!们)", "您", text)
        return re.sub(r"。{2,}", "。", text)
    text = re.sub(r"!+", ".", text)
    return re.sub(r"\.{2,}", ".", text).replace(" .", ".")


def steer_copy(
    content: Content,
    adjust: Adjustments,
    concept: Concept,
    rng: random.Random,
    before: Content | None = None,
) -> Content:
    """The content with the asked tone line, length and register; `before` is the copy this
    revision replaces, which a shorter body undercuts and a longer one outgrows."""
    language = "zh" if content.language.lower().startswith("zh") else "en"
    greeting, _, text = content.body.partition("\n")
    if not text:
        greeting, text = "", content.body
    parts = sentences(text, language)
    reference = len(sentences_text(before, language)) if before else len(_join(language, parts))
    you = _you(content.body, language)
    tone = concept.tone if adjust.tone else None
    if tone == "formal":
        parts = [p for p in parts if not _PLAYFUL_CODA.search(p)] or parts
    if adjust.length == "shorter":
        parts = _shorter(parts, language, reference)
    elif adjust.length == "longer":
        parts = _longer(parts, language, you, reference, rng)
    if tone in TONE_LINES:
        line = pick(rng, TONE_LINES[tone][language]).format(you=you)
        parts = [*parts, line] if adjust.length == "shorter" else _insert_before_last(parts, line)
    body = _join(language, parts)
    if greeting:
        body = f"{greeting}\n{body}"
    title, subtitle, signature = content.title, content.subtitle, content.signature
    if tone == "formal":
        title, subtitle, body = (_formal(x, language) for x in (title, subtitle, body))
        sender = safe_fragment(concept.sender or "", 40)
        with_sender, plain = FORMAL_SIGNATURES[language]
        signature = with_sender.format(sender=sender) if sender else plain
    return content.model_copy(
        update={
            "title": clip(title, 80) or content.title,
            "subtitle": clip(subtitle, 160),
            "body": clip(body, 1200),
            "signature": clip(signature, 120),
        }
    )
