"""Step 2: the words on the card, in the card's language, woven from the phrase banks."""

from __future__ import annotations

import random
import re
from dataclasses import dataclass

from core.models import Concept, Content, PostcardRequest
from engine.copy.phrases import Bank, Phrase, banks
from engine.copy.phrases.voice import (
    CODAS,
    DETAILS,
    SALUTATION_NAMES_ZH,
    SENDER_SIGNATURES,
    SIGNATURES,
    ordinal,
    pronoun_zh,
    salutation,
)
from engine.reading import moods
from engine.reading.occasions import GENERAL, canonical_occasion
from engine.reading.place_roles import RECIPIENT, SENDER, PlaceMention
from engine.reading.places import mentions, place_name
from engine.reading.wish import WishReading, read_wish
from engine.text import clip, normalise, pick, safe_fragment, stable_rng

_PLACEHOLDER = re.compile(r"\{(\w+)\}")
_QUIET_TONES = {"solemn", "elegant", "calm", "formal"}


@dataclass(frozen=True)
class Voice:
    """Everything the templates may be filled with, and whom they speak to."""

    language: str
    recipient: str | None
    audience: str
    tone: str
    values: dict[str, str]
    plural_sender: bool = False


def _choose(rng: random.Random, options: tuple[Phrase, ...], voice: Voice) -> str:
    """A phrase that fits the audience and tone and whose placeholders can all be filled."""
    return _choose_tagged(rng, options, voice)[0]


def _choose_tagged(
    rng: random.Random, options: tuple[Phrase, ...], voice: Voice
) -> tuple[str, bool]:
    """`_choose`, also telling whether the phrase was written for this tone."""
    keys = {voice.audience, voice.tone}
    weighted: list[tuple[str, int]] = []
    for phrase in options:
        if phrase.tags and not phrase.tags & keys:
            continue
        needed = set(_PLACEHOLDER.findall(phrase.text))
        if not needed <= voice.values.keys():
            continue
        weight = 5 if phrase.tags else 1
        weighted.append((phrase.text, weight + (1 if needed - {"you"} else 0)))
    if not weighted:
        return "", False
    texts, weights = zip(*weighted, strict=True)
    template = rng.choices(texts, weights=weights)[0]
    in_tone = any(p.text == template and voice.tone in p.tags for p in options)
    return _PLACEHOLDER.sub(lambda m: voice.values[m.group(1)], template), in_tone


def _place_value(mention: PlaceMention, language: str) -> str:
    if mention.place:
        return place_name(mention.place, language)
    return safe_fragment(mention.name, 30)


def _voice(request: PostcardRequest, concept: Concept, language: str, read: WishReading) -> Voice:
    people = read.people
    recipient = safe_fragment(concept.recipient or "", 40) or None
    sender = safe_fragment(concept.sender or "", 40) or None
    audience = moods.audience_of(
        concept.audience or recipient, default="friend" if recipient else "general"
    )
    tone = (concept.tone or "warm").strip().lower()
    values: dict[str, str] = {}
    if language == "zh":
        values["you"] = pronoun_zh(audience, moods.is_plural(recipient))
    else:
        values["you"] = "you"
    if language == "zh" and recipient:
        name = SALUTATION_NAMES_ZH.get(recipient, recipient)
        if name:
            values["name"] = name
    elif recipient and not recipient.startswith(("my ", "the ")):
        values["name"] = recipient
    if sender:
        values["sender"] = sender
    # {place} is where the sender writes from, {their_place} where the recipient is: a phrase
    # that says "I am in…" is only ever filled with a place the wish says the sender is in.
    for mention in read.places:
        key = {SENDER: "place", RECIPIENT: "their_place"}.get(mention.role)
        if key and key not in values:
            values[key] = _place_value(mention, language)
    if people.baby:
        values["baby"] = people.baby
    if people.age:
        values["age"] = str(people.age) if language == "zh" else ordinal(people.age)
    return Voice(language, recipient, audience, tone, values, read.voice == "we")


def _signature(rng: random.Random, voice: Voice, occasion: str) -> str:
    group = "sympathy" if occasion == "sympathy" else voice.audience
    sender = voice.values.get("sender")
    if sender:
        table = SENDER_SIGNATURES[voice.language]
        return table.get(group, table["default"]).format(sender=sender)
    table_options = SIGNATURES[voice.language]
    if voice.plural_sender and group != "sympathy":
        group = "we"  # "部门一起送张卡": the card signs as all of them, not as one person
    return pick(rng, table_options.get(group, table_options["general"]))


def _detail(rng: random.Random, request: PostcardRequest, voice: Voice, said: str) -> str:
    """A line about something the request mentioned, unless the card already speaks of it."""
    asked = moods.find_motifs(normalise(request.user_input).lower())
    mentioned = set(moods.find_motifs(said.lower()))
    table = DETAILS[voice.language]
    lines = [table[m] for m in asked if m in table and m not in mentioned]
    if not lines or voice.tone in _QUIET_TONES:
        return ""
    return pick(rng, lines).format(you=voice.values["you"])


def _join(language: str, parts: list[str]) -> str:
    return ("" if language == "zh" else " ").join(part for part in parts if part)


def _respectful(text: str, voice: Voice) -> str:
    """Chinese copy to a respected reader says 您 throughout, not only where `{you}` stood."""
    if voice.language == "zh" and voice.values.get("you", "").startswith("您"):
        return re.sub(r"你(?!们)", "您", text)
    return text


def write_content(request: PostcardRequest, concept: Concept) -> Content:
    """Title, subtitle, body and signature that fit the occasion, tone and names."""
    language = "zh" if concept.language.lower().startswith("zh") else "en"
    occasion = canonical_occasion(concept.occasion)
    bank_table = banks(language)
    bank: Bank = bank_table.get(occasion, bank_table[GENERAL])
    read = read_wish(request.user_input, request.theme, request.language)
    voice = _voice(request, concept, language, read)
    rng = stable_rng(
        "content",
        normalise(request.user_input).lower(),
        concept.model_dump_json(exclude={"reading"}),
        request.variation,
    )

    title = _choose(rng, bank.titles, voice) or _choose(rng, bank_table[GENERAL].titles, voice)
    subtitle = _choose(rng, bank.subtitles, voice)
    chosen = [_choose_tagged(rng, part, voice) for part in (bank.openings, bank.wishes)]
    closing, closing_in_tone = _choose_tagged(rng, bank.closings, voice)
    said = " ".join((chosen[0][0], chosen[1][0], closing))
    sentences = [chosen[0][0], _detail(rng, request, voice, said), chosen[1][0], closing]
    shown = read.picture_place
    place = shown.place if shown and shown.role != RECIPIENT else None
    if place and not mentions(said, place):
        # A card from (or about) a named place says so, with a line about its landmark; where
        # the recipient lives only colours the picture.
        sentences.insert(1, place.line_zh if language == "zh" else place.line_en)
    in_tone = closing_in_tone or any(flag for _, flag in chosen)
    coda_options = CODAS[language].get(voice.tone, ())
    if coda_options and "P.S." not in closing and (not in_tone or rng.random() < 0.3):
        sentences.append(pick(rng, coda_options))
    greeting = salutation(language, voice.recipient, voice.audience)
    body = _join(language, sentences)
    if greeting:
        body = f"{greeting}\n{body}"
    return Content(
        title=clip(_respectful(title, voice), 80),
        subtitle=clip(_respectful(subtitle, voice), 160),
        body=clip(_respectful(body, voice), 1200),
        signature=clip(_signature(rng, voice, occasion), 120),
        language=language,
    )
