"""Gemini writes the concept and the copy as schema-checked JSON, with one repair attempt."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any, TypeVar

from google import genai
from google.genai import types
from pydantic import BaseModel, ValidationError

from core.models import Concept, Content, PostcardRequest
from core.settings import Settings
from engine.concept.make import make_concept
from engine.copy.writer import write_content
from providers.base import Usage
from providers.errors_map import output_invalid
from providers.gemini_client import GeminiCaller, finish_reason, usage_of
from providers.pricing import add_usage
from providers.prompts import (
    Prompt,
    concept_prompt,
    content_prompt,
    repair_message,
    request_language,
)
from providers.repair import (
    extract_json,
    plain_text,
    repair_concept,
    repair_content,
    without_content,
)
from providers.response_schema import response_schema
from providers.strategy import model_for

M = TypeVar("M", bound=BaseModel)
Repair = Callable[[Any, list[str]], Any]
"""Shapes a reply's data for its model, naming the fields it filled in the list it is given."""
_MAX_ECHO = 8000


def parse_reply(
    schema: type[M], text: str | None, repair: Repair | None = None
) -> tuple[M, list[str]]:
    """The reply as a validated model, leniently repaired first, and the fields the repair
    filled in from the local engine's defaults; raises ValueError or ValidationError when it
    stays unusable, including when a core field has no real content of its own."""
    data = plain_text(extract_json(text))
    if isinstance(data, list) and len(data) == 1:
        data = data[0]  # the one object, wrapped in a list
    if not isinstance(data, dict):
        raise ValueError(f"the reply is a JSON {type(data).__name__}, not an object")
    empty = without_content(schema, data)
    if empty:
        raise ValueError(f"no real content in {', '.join(empty)}: write each of them")
    filled: list[str] = []
    model = schema.model_validate(repair(data, filled) if repair else data)
    return model, filled


def describe_problem(exc: Exception) -> str:
    """A short, model-readable list of what was wrong with a reply."""
    if isinstance(exc, ValidationError):
        return "\n".join(
            f"- {'.'.join(map(str, error['loc'])) or '(root)'}: {error['msg']}"
            for error in exc.errors()[:10]
        )
    if isinstance(exc, json.JSONDecodeError):
        return f"- not valid JSON: {exc.msg} at line {exc.lineno} column {exc.colno}"
    return f"- {exc}"


class GeminiTextProvider:
    """Concept and content from a Gemini text model (structured output)."""

    name = "gemini"

    def __init__(self, settings: Settings, client: genai.Client | None = None) -> None:
        self._settings = settings
        self._caller = GeminiCaller(settings, client)

    def model_for(self, step: str) -> str:
        """The model this provider uses for `step` (concept or content)."""
        return model_for(self._settings, "content" if step == "content" else "concept")

    def _temperature(self, model: str) -> float | None:
        """The configured temperature, except Gemini 3 keeps its default unless one is set."""
        # Google tunes Gemini 3 for temperature 1.0; lower values can loop or degrade it.
        explicit = "gemini_text_temperature" in self._settings.model_fields_set
        if explicit or not model.startswith("gemini-3"):
            return self._settings.gemini_text_temperature
        return None

    async def concept(self, request: PostcardRequest) -> tuple[Concept, Usage]:
        """Step 1: the creative direction as a validated `Concept`."""
        language = request_language(request)
        prompt = concept_prompt(request, language)

        def repair(data: Any, filled: list[str]) -> Any:
            # The occasion the model chose picks the defaults, not the one the engine would.
            occasion = data.get("occasion") if isinstance(data.get("occasion"), str) else None
            hinted = request.model_copy(update={"theme": occasion[:64] if occasion else None})
            return repair_concept(data, make_concept(hinted), filled)

        concept, usage = await self._structured(Concept, "concept", prompt, language, repair)
        return concept.model_copy(update={"language": language}), usage

    async def content(self, request: PostcardRequest, concept: Concept) -> tuple[Content, Usage]:
        """Step 2: the words of the card as a validated `Content`."""
        language = concept.language or request_language(request)
        prompt = content_prompt(request, concept, language)
        defaults = write_content(request, concept)
        content, usage = await self._structured(
            Content,
            "content",
            prompt,
            language,
            lambda data, filled: repair_content(data, defaults, filled),
        )
        return content.model_copy(update={"language": language}), usage

    async def _structured(
        self, schema: type[M], step: str, prompt: Prompt, language: str, repair: Repair
    ) -> tuple[M, Usage]:
        """One call, its reply repaired leniently; when it is still unusable, one repair call
        that quotes the errors. A reply completed from the engine's defaults says which
        fields in `Usage.repaired`."""
        model = self.model_for(step)
        config = types.GenerateContentConfig(
            system_instruction=prompt.system,
            response_mime_type="application/json",
            response_json_schema=response_schema(schema),
            temperature=self._temperature(model),
            max_output_tokens=self._settings.gemini_text_max_tokens,
            candidate_count=1,
        )
        parts = [types.Part(text=text) for text in prompt.parts]
        contents = [types.Content(role="user", parts=parts)]
        response = await self._caller.generate(model, contents, config)
        usage = usage_of(response, model)
        try:
            return _marked(*parse_reply(schema, response.text, repair), usage)
        except (ValueError, ValidationError) as exc:
            problems = _with_finish(describe_problem(exc), finish_reason(response))
        contents += [
            _model_turn(response),
            types.Content(role="user", parts=[types.Part(text=repair_message(language, problems))]),
        ]
        retry = await self._caller.generate(model, contents, config)
        usage = add_usage(usage, usage_of(retry, model))
        try:
            return _marked(*parse_reply(schema, retry.text, repair), usage)
        except (ValueError, ValidationError) as exc:
            detail = _with_finish(describe_problem(exc), finish_reason(retry))
            raise output_invalid("gemini", f"{step} after one repair: {detail}") from None


def _marked(value: M, filled: list[str], usage: Usage) -> tuple[M, Usage]:
    """The parsed reply with its usage, marked with the fields the repair filled in."""
    if filled:
        usage.repaired = sorted(set(filled))
    return value, usage


def _model_turn(response: types.GenerateContentResponse) -> types.Content:
    """The model's own turn, kept whole (thought signatures included) unless it is huge."""
    candidates = response.candidates or []
    turn = candidates[0].content if candidates else None
    text = response.text or ""
    if turn is not None and turn.parts and len(text) <= _MAX_ECHO:
        return turn
    return types.Content(role="model", parts=[types.Part(text=text[:_MAX_ECHO])])


def _with_finish(problems: str, reason: str) -> str:
    if reason == "MAX_TOKENS":
        return f"{problems}\n- the reply was cut off at the token limit: keep every field shorter"
    return problems
