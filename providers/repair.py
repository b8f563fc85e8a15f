"""Lenient repair of a model's structured reply before validation.

Real models answer in the right shape but sloppily: JSON in a code fence or inside prose, colour
names instead of #RRGGBB, "Birthday " for "birthday", a title a few characters too long, a
missing optional field. Those are repaired here; only a reply that is still unusable (no JSON
object, a core field without real content) goes back to the model for one repair round.

A required field filled in from the local engine's defaults is named in the list the caller
passes as `filled`: the provider marks its step `repaired` with it, and the cache never keeps
such a reply, since part of what the card needs is not the model's. Optional fields the model
left out (a recipient, a subtitle) are completed from the engine too, without a mark.
"""

from __future__ import annotations

import json
import re
from typing import Any

from annotated_types import MaxLen
from pydantic import BaseModel

from core.models import Concept, Content, VisualStyle
from engine.reading.moods import canonical_layout
from engine.reading.occasions import BY_KEY, GENERAL, canonical_occasion
from providers.colours import repair_palette

_FENCE = re.compile(r"```[a-zA-Z]*[ \t]*\n?(.*?)```", re.DOTALL)
_TAG = re.compile(r"</?[a-zA-Z!][^<>]*>")
_WORD = re.compile(r"\w")
OCCASION_KEYS: tuple[str, ...] = (*BY_KEY, GENERAL)
TEXT_AREAS = ("top", "bottom")
# Fields only the local engine writes (how it read the wish): never asked of a model, never
# taken from a model's reply, never filled in from the engine's defaults.
ENGINE_ONLY: dict[type[BaseModel], frozenset[str]] = {Concept: frozenset({"reading"})}
# The fields a reply must carry itself, with real content: what the postcard shows (its words;
# its look and the picture's subject). Every other field can come from the occasion's defaults.
CORE_FIELDS: dict[type[BaseModel], tuple[str, ...]] = {
    Concept: ("theme", "visual_style"),
    Content: ("title", "body"),
}
# Fields the provider sets itself after the reply (the card's language): never filled, never
# counted as repaired.
SET_BY_PROVIDER = frozenset({"language"})


def extract_json(text: str | None) -> Any:
    """The JSON value in a reply: bare, in a ``` fence, or the first object inside prose."""
    if not text or not text.strip():
        raise ValueError("the reply was empty")
    candidates = [text.strip(), *(m.group(1).strip() for m in _FENCE.finditer(text))]
    for candidate in candidates:
        try:
            return json.loads(candidate)
        except json.JSONDecodeError:
            continue
    decoder = json.JSONDecoder()
    for match in re.finditer(r"\{", text):
        try:
            value, _ = decoder.raw_decode(text, match.start())
        except json.JSONDecodeError:
            continue
        if isinstance(value, dict):
            return value
    # Raise the bare parse's own error: its position tells the model what went wrong.
    return json.loads(text.strip())


def plain_text(value: Any) -> Any:
    """Strip markup from every string of a JSON value: card text is never HTML."""
    if isinstance(value, str):
        return _TAG.sub("", value).strip()
    if isinstance(value, list):
        return [plain_text(item) for item in value]
    if isinstance(value, dict):
        return {key: plain_text(item) for key, item in value.items()}
    return value


def _key(value: str) -> str:
    return re.sub(r"[\s\-]+", "_", value.strip().lower())


def _choice(value: Any, allowed: tuple[str, ...]) -> str | None:
    """`value` as one of `allowed`, compared case- and space-insensitively."""
    if not isinstance(value, str):
        return None
    key = _key(value)
    return next((option for option in allowed if _key(option) == key), None)


def _max_length(model: type[BaseModel], name: str) -> int | None:
    for meta in model.model_fields[name].metadata:
        if isinstance(meta, MaxLen):
            return meta.max_length
    return None


def _trimmed(value: Any, limit: int | None) -> Any:
    """Text cut to its limit at a word boundary when one is near; lists cut to their size."""
    if limit is None:
        return value
    if isinstance(value, list):
        return value[:limit]
    if not isinstance(value, str) or len(value) <= limit:
        return value
    cut = value[:limit]
    space = cut.rfind(" ")
    return (cut[:space] if space > limit * 0.7 else cut).rstrip(" ,;:-—")


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str | list | dict) and not value)


def _real(value: Any) -> bool:
    """Whether a (markup-free) value says something: a letter or digit somewhere in it."""
    if isinstance(value, str):
        return _WORD.search(value) is not None
    if isinstance(value, list):
        return any(_real(item) for item in value)
    if isinstance(value, dict):
        return any(_real(item) for item in value.values())
    return False


def _nested(model: type[BaseModel], name: str) -> type[BaseModel] | None:
    annotation = model.model_fields[name].annotation
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    return None


def without_content(model: type[BaseModel], data: dict[str, Any]) -> list[str]:
    """The core fields of a reply (CORE_FIELDS) that carry no real content of its own: empty,
    only markup or punctuation, or not an object where one belongs."""
    empty = []
    for name in CORE_FIELDS.get(model, ()):
        value = data.get(name)
        if _nested(model, name) is not None and not isinstance(value, dict):
            empty.append(name)
        elif not _real(value):
            empty.append(name)
    return empty


def fit(
    model: type[BaseModel],
    data: Any,
    defaults: BaseModel | None,
    filled: list[str] | None = None,
    prefix: str = "",
) -> Any:
    """`data` shaped for `model`: extras dropped, text trimmed, blanks filled from `defaults`
    (the names of required ones, dotted below the top level, appended to `filled`)."""
    if not isinstance(data, dict):
        return data
    core = CORE_FIELDS.get(model, ())
    shaped: dict[str, Any] = {}
    for name, field in model.model_fields.items():
        if name in ENGINE_ONLY.get(model, ()) or name in SET_BY_PROVIDER:
            continue
        value = data.get(name)
        default = getattr(defaults, name, None) if defaults is not None else None
        nested = _nested(model, name)
        if nested is not None:
            given = value if isinstance(value, dict) else {}
            value = fit(nested, given, default, filled, f"{prefix}{name}.")
        elif _blank(value) and name not in core and not _blank(default):
            value = default.model_dump() if isinstance(default, BaseModel) else default
            if filled is not None and field.is_required():
                filled.append(f"{prefix}{name}")
        if value is None:
            continue
        shaped[name] = _trimmed(value, _max_length(model, name))
    return shaped


def repair_concept(data: Any, defaults: Concept | None, filled: list[str] | None = None) -> Any:
    """A concept reply with hex colours, known occasions/layouts/text areas, blanks filled
    (named in `filled`)."""
    if not isinstance(data, dict):
        return data
    data = dict(data)
    occasion = data.get("occasion")
    if isinstance(occasion, str) and occasion.strip():
        data["occasion"] = _choice(occasion, OCCASION_KEYS) or canonical_occasion(occasion)
    layout = data.get("layout")
    if isinstance(layout, str):
        data["layout"] = canonical_layout(layout)  # unknown: None, then the default's
    style = data.get("visual_style")
    if isinstance(style, dict):
        style = dict(style)
        palette = repair_palette(style.get("palette"))
        # Too few colours left after repair: the occasion's own palette completes it.
        completed = False
        for colour in defaults.visual_style.palette if defaults else []:
            if len(palette) >= 3:
                break
            if colour not in palette:
                palette.append(colour)
                completed = True
        if completed and filled is not None:
            filled.append("visual_style.palette")
        style["palette"] = palette[: _max_length(VisualStyle, "palette") or 8]
        area = style.get("text_area")
        style["text_area"] = _choice(area, TEXT_AREAS) if area is not None else None
        data["visual_style"] = style
    return fit(Concept, data, defaults, filled)


def repair_content(data: Any, defaults: Content | None, filled: list[str] | None = None) -> Any:
    """A content reply with extras dropped, text trimmed to its limits and blanks filled
    (named in `filled`)."""
    return fit(Content, data, defaults, filled)
