"""Estimated cost of a call from its token counts: a small price table per model (USD)."""

from __future__ import annotations

from providers.base import Usage

# (input, output) USD per million tokens, standard paid tier, prompts under 200k tokens.
# Image models bill generated images as output tokens (about 1,100-1,300 per 1K image).
# Read from the providers' pricing pages in autumn 2026; an estimate, not an invoice.
PRICES_PER_MTOK: dict[str, tuple[float, float]] = {
    # Gemini 3.8 Flash is at its introductory rate until 2026-12-31 (then 1.50 / 7.50).
    "gemini-3.8-flash": (0.75, 3.75),
    "gemini-3.5-flash": (1.50, 9.00),
    "gemini-3.5-flash-lite": (0.30, 2.50),
    "gemini-3.1-pro-preview": (2.00, 12.00),
    "gemini-3.1-flash-image": (0.50, 60.00),
    "gemini-3-pro-image": (2.00, 120.00),
    "gemini-2.5-pro": (1.25, 10.00),
    "gemini-2.5-flash": (0.30, 2.50),
    "gemini-2.5-flash-lite": (0.10, 0.40),
    "gemini-2.5-flash-image": (0.30, 30.00),
    "claude-opus-5-5": (4.00, 20.00),
    "claude-opus-5": (5.00, 25.00),
    "claude-sonnet-5-5": (2.00, 10.00),
    "claude-sonnet-5": (2.00, 10.00),
    "claude-sonnet-4-6": (3.00, 15.00),
    "claude-sonnet-4-5": (3.00, 15.00),
    "claude-opus-4-5": (5.00, 25.00),
    "claude-haiku-4-5": (1.00, 5.00),
}


def price_of(model: str) -> tuple[float, float] | None:
    """The (input, output) price per million tokens; dated ids match their family's entry."""
    if model in PRICES_PER_MTOK:
        return PRICES_PER_MTOK[model]
    family = max(
        (name for name in PRICES_PER_MTOK if model.startswith(name + "-")), key=len, default=None
    )
    return PRICES_PER_MTOK[family] if family else None


def estimate_cost(model: str, input_tokens: int | None, output_tokens: int | None) -> float | None:
    """USD for one call, or None when the model or the token counts are unknown."""
    price = price_of(model)
    if price is None or (input_tokens is None and output_tokens is None):
        return None
    cost = ((input_tokens or 0) * price[0] + (output_tokens or 0) * price[1]) / 1_000_000
    return round(cost, 6)


def add_usage(total: Usage, more: Usage) -> Usage:
    """Two calls' usage as one (a call plus its repair)."""

    def plus(a: int | None, b: int | None) -> int | None:
        return None if a is None and b is None else (a or 0) + (b or 0)

    cost = (
        None
        if total.cost_usd is None and more.cost_usd is None
        else round((total.cost_usd or 0.0) + (more.cost_usd or 0.0), 6)
    )
    return Usage(
        model=total.model or more.model,
        input_tokens=plus(total.input_tokens, more.input_tokens),
        output_tokens=plus(total.output_tokens, more.output_tokens),
        cost_usd=cost,
    )
