"""Settings that point the real SDK clients at the fake servers, with recognisable fake keys."""

from __future__ import annotations

from typing import Any

from core.settings import Settings
from tests.fakes.server import FakeServer

GEMINI_KEY = "AIzaFAKE-gemini-key-do-not-leak-0001"
ANTHROPIC_KEY = "sk-ant-FAKE-anthropic-key-do-not-leak-0001"
SECRETS = (GEMINI_KEY, ANTHROPIC_KEY)


def provider_settings(
    gemini: FakeServer | None = None, anthropic: FakeServer | None = None, **overrides: Any
) -> Settings:
    """Settings with real providers on the given fake servers and no `.env`."""
    fields: dict[str, Any] = {"_env_file": None, "log_format": "console"}
    if gemini is not None:
        fields |= {
            "gemini_api_key": GEMINI_KEY,
            "gemini_base_url": gemini.url,
            "gemini_timeout_s": 10,
        }
    if anthropic is not None:
        fields |= {
            "anthropic_api_key": ANTHROPIC_KEY,
            "anthropic_base_url": anthropic.url,
            "anthropic_timeout_s": 10,
        }
    return Settings(**(fields | overrides))


def assert_no_secret(*texts: object) -> None:
    """No fake key appears in any of the given texts (bodies, logs, messages)."""
    for text in texts:
        rendered = text.decode("utf-8", "replace") if isinstance(text, bytes) else str(text)
        for secret in SECRETS:
            assert secret not in rendered
