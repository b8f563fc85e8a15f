"""Which model each step uses: the `PROVIDER_STRATEGY` table, overridden by explicit settings."""

from __future__ import annotations

from typing import Literal

from core.settings import Settings

ModelStep = Literal["concept", "content", "image", "frontend"]

# Current models as of late 2026: the 2.5 Gemini family and Claude Sonnet 4.5 are being
# retired, so each row names their successors (docs/providers.md has the reasoning).
STRATEGY_MODELS: dict[str, dict[ModelStep, str]] = {
    "balanced": {
        "concept": "gemini-3.5-flash-lite",
        "content": "gemini-3.5-flash-lite",
        "image": "gemini-3.1-flash-image",
        "frontend": "claude-sonnet-5-5",
    },
    "quality_first": {
        "concept": "gemini-3.8-flash",
        "content": "gemini-3.8-flash",
        "image": "gemini-3-pro-image",
        "frontend": "claude-opus-5-5",
    },
    "speed_first": {
        "concept": "gemini-3.5-flash-lite",
        "content": "gemini-3.5-flash-lite",
        "image": "gemini-3.1-flash-image",
        "frontend": "claude-haiku-4-5",
    },
    "cost_optimized": {
        "concept": "gemini-3.5-flash-lite",
        "content": "gemini-3.5-flash-lite",
        "image": "gemini-3.1-flash-image",
        "frontend": "claude-haiku-4-5",
    },
}


def _explicit(settings: Settings, field: str) -> str | None:
    """A model setting when one was configured."""
    value: str | None = getattr(settings, field)
    return value or None


def model_for(settings: Settings, step: ModelStep) -> str:
    """The model of one step: per-step setting, then the provider-wide one, then the strategy."""
    overrides: dict[ModelStep, tuple[str, ...]] = {
        "concept": ("gemini_concept_model", "gemini_text_model"),
        "content": ("gemini_content_model", "gemini_text_model"),
        "image": ("gemini_image_model",),
        "frontend": ("anthropic_model",),
    }
    for field in overrides[step]:
        chosen = _explicit(settings, field)
        if chosen:
            return chosen
    return STRATEGY_MODELS[settings.provider_strategy][step]
