"""The settings object is the one source of configuration, and `.env.example` documents it."""

from __future__ import annotations

from pathlib import Path

from core.settings import Settings
from scripts.gen_env_example import render

REPO = Path(__file__).resolve().parent.parent


def test_env_example_lists_every_setting_with_its_default_and_meaning() -> None:
    text = (REPO / ".env.example").read_text(encoding="utf-8")
    assert text == render(), "run scripts/gen_env_example.py"
    for name, field in Settings.model_fields.items():
        assert f"# {name.upper()}=" in text
        assert field.description and len(field.description) > 5


def test_env_names_and_api_keys_are_read(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("AI_WORKFLOW_TIMEOUT", "42")
    monkeypatch.setenv("API_KEYS", "k1:alice, k2:bob ,broken")
    settings = Settings(_env_file=None)  # type: ignore[call-arg]
    assert settings.ai_workflow_timeout == 42
    assert settings.api_key_users == {"k1": "alice", "k2": "bob"}
    assert settings.provider_for("text") == "local"


def test_real_providers_are_the_default_when_their_keys_are_set(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("GEMINI_API_KEY", "g-key")
    monkeypatch.setenv("ANTHROPIC_API_KEY", "a-key")
    settings = Settings(_env_file=None)  # type: ignore[call-arg]
    assert (settings.provider_for("text"), settings.provider_for("code")) == ("gemini", "anthropic")
    monkeypatch.setenv("CODE_PROVIDER", "local")
    assert Settings(_env_file=None).provider_for("code") == "local"  # type: ignore[call-arg]
