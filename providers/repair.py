"""Lenient repair of a model's structured reply before validation.

Real models answer in the right shape but sloppily: JSON in a code fence or inside prose, colour
names instead of #RRGGBB, "Birthday " for "birthday", a title a few characters too long, a
missing optional field. Those are repaired here; only a reply that is still unusable (no JSON
object, a core field missing) goes back to the model for one repair round.
"""

from __future__ import annotations

import json
import re
from typing import Any

from annotated_types import MaxLen
from pydantic import BaseModel

from core.models import Concept, Content, VisualStyle
from engine.moods import canonical_layout
from engine.occasions import BY_KEY, GENERAL, canonical_occasion
from providers.colours import repair_palette

_FENCE = re.compile(r"```[a-zA-Z]*[ \t]*\n?(.*?)```", re.DOTALL)
_TAG = re.compile(r"</?[a-zA-Z!][^<>]*>")
OCCASION_KEYS: tuple[str, ...] = (*BY_KEY, GENERAL)
TEXT_AREAS = ("top", "bottom")
# Fields only the local engine writes (how it read the wish): never asked of a model, never
# taken from a model's reply, never filled in from the engine's defaults.
ENGINE_ONLY: dict[type[BaseModel], frozenset[str]] = {Concept: frozenset({"reading"})}
# The fields a reply must carry itself; every other field can come from the occasion's defaults.
CORE_FIELDS: dict[type[BaseModel], tuple[str, ...]] = {
    Concept: ("theme",),
    Content: ("title", "body"),
}


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


def fit(model: type[BaseModel], data: Any, defaults: BaseModel | None) -> Any:
    """`data` shaped for `model`: extras dropped, text trimmed, blanks filled from `defaults`."""
    if not isinstance(data, dict):
        return data
    core = CORE_FIELDS.get(model, ())
    shaped: dict[str, Any] = {}
    for name, field in model.model_fields.items():
        if name in ENGINE_ONLY.get(model, ()):
            continue
        value = data.get(name)
        default = getattr(defaults, name, None) if defaults is not None else None
        nested = field.annotation
        if isinstance(nested, type) and issubclass(nested, BaseModel):
            value = fit(nested, value if isinstance(value, dict) else {}, default)
        elif _blank(value) and name not in core and not _blank(default):
            value = default.model_dump() if isinstance(default, BaseModel) else default
        if value is None:
            continue
        shaped[name] = _trimmed(value, _max_length(model, name))
    return shaped


def repair_concept(data: Any, defaults: Concept | None) -> Any:
    """A concept reply with hex colours, known occasions/layouts/text areas, blanks filled."""
    if not isinstance(data, dict):
        return data
    data = dict(data)
    occasion = data.get("occasion")
    if isinstance(occasion, str) and occasion.strip():
        data["occasion"] = _choice(occasion, OCCASION_KEYS) or canonical_occasion(occasion)
    layout = data.get("layout")
    if isinstance(layout, str):
        data["layout"] = canonical_layout(layout) or (defaults.layout if defaults else None)
    style = data.get("visual_style")
    if isinstance(style, dict):
        style = dict(style)
        palette = repair_palette(style.get("palette"))
        # Too few colours left after repair: the occasion's own palette completes it.
        for colour in defaults.visual_style.palette if defaults else []:
            if len(palette) >= 3:
                break
            if colour not in palette:
                palette.append(colour)
        style["palette"] = palette[: _max_length(VisualStyle, "palette") or 8]
        area = style.get("text_area")
        style["text_area"] = _choice(area, TEXT_AREAS) if area is not None else None
        data["visual_style"] = style
    return fit(Concept, data, defaults)


def repair_content(data: Any, defaults: Content | None) -> Any:
    """A content reply with extras dropped, text trimmed to its limits and blanks filled."""
    return fit(Content, data, defaults)
