"""The JSON schema sent to Gemini: the pydantic schema plus the shape rules it can express."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel

from core.models import HEX_COLOUR, Concept
from engine.reading.moods import LAYOUTS
from providers.repair import ENGINE_ONLY, OCCASION_KEYS, TEXT_AREAS


def response_schema(model: type[BaseModel]) -> dict[str, Any]:
    """`model`'s JSON schema with enums for the closed fields and the palette's hex pattern.

    Gemini's structured output honours `enum`, `pattern`, `minItems`/`maxItems` and lengths, so
    the model is told the shape up front instead of learning it from a failed validation. Fields
    only the local engine writes (the concept's `reading`) are left out.
    """
    schema = model.model_json_schema()
    for name in ENGINE_ONLY.get(model, ()):
        schema["properties"].pop(name, None)
    if model is Concept:
        # The engine's reading and its places are the only users of these definitions.
        for definition in ("Reading", "PlaceReading"):
            schema["$defs"].pop(definition, None)
        properties = schema["properties"]
        properties["occasion"]["enum"] = list(OCCASION_KEYS)
        properties["layout"]["enum"] = list(LAYOUTS)
        style = schema["$defs"]["VisualStyle"]["properties"]
        style["palette"]["items"] |= {"pattern": HEX_COLOUR}
        style["text_area"]["enum"] = list(TEXT_AREAS)
    return schema
