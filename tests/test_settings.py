"""The settings object is the one source of configuration, and `.env.example` documents it."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest
from pydantic import ValidationError

from core.models import STEPS, PostcardRequest
from core.settings import Settings, describe
from runs.launch import with_policy
from scripts.gen_env_example import render

REPO = Path(__file__).resolve().parent.parent
SECRET = "supersecret-key-0099"
WHSEC = "whsec_" + "B" * 44  # 33 bytes of base64


def test_env_example_lists_every_setting_with_its_default_and_meaning() -> None:
    text = (REPO / ".env.example").read_text(encoding="utf-8")
    assert text == render(), "run scripts/gen_env_example.py"
    for name, field in Settings.model_fields.items():
        assert f"# {name.upper()}=" in text
        assert field.description and len(field.description) > 5


def test_env_names_and_api_keys_are_read(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("AI_WORKFLOW_TIMEOUT", "42")
    monkeypatch.setenv("API_KEYS", "k1:alice, k2:bob ")
    settings = Settings(_env_file=None)  # type: ignore[call-arg]
    assert settings.ai_workflow_timeout == 42
    assert settings.api_key_users == {"k1": "alice", "k2": "bob"}
    assert settings.provider_for("text") == "local"


def refusal(monkeypatch: pytest.MonkeyPatch, **env: str) -> str:
    """The start-up message for these variables; fails when they are accepted."""
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    with pytest.raises(ValidationError) as caught:
        Settings(_env_file=None)  # type: ignore[call-arg]
    text = describe(caught.value)
    assert SECRET not in text and SECRET not in str(caught.value), "a refusal never echoes it"
    return text


@pytest.mark.parametrize(
    "keys",
    [
        SECRET,  # a key without its user: today this silently meant "no authentication"
        f"k1:alice,{SECRET}",
        f"k1:alice,,k2:{SECRET}",
        f"{SECRET}:",
        f":{SECRET}",
        f"k1:alice,k1:{SECRET}",  # one key, two users
        f"k 1:{SECRET}",
    ],
)
def test_a_malformed_api_keys_entry_is_refused_never_dropped(
    monkeypatch: pytest.MonkeyPatch, keys: str
) -> None:
    text = refusal(monkeypatch, API_KEYS=keys)
    assert "API_KEYS" in text, text


def test_the_api_keys_refusal_names_the_expected_form(monkeypatch: pytest.MonkeyPatch) -> None:
    text = refusal(monkeypatch, API_KEYS=SECRET)
    assert "API_KEYS" in text and "key:user[,key:user]" in text


def test_an_empty_api_keys_is_the_documented_single_user_mode() -> None:
    for empty in ("", "  "):
        assert Settings(_env_file=None, api_keys=empty).api_key_users == {}  # type: ignore[call-arg]


@pytest.mark.parametrize(
    ("env", "named"),
    [
        ({"SHARE_SECRET": "short"}, "SHARE_SECRET"),
        ({"METRICS_TOKEN": "short"}, "METRICS_TOKEN"),
        (
            {"REDIS_URL": f"redis://:{SECRET}@127.0.0.1:6379/0", "REDIS_PASSWORD": "other"},
            "REDIS_PASSWORD",
        ),
        ({"REDIS_URL": "127.0.0.1:6379"}, "REDIS_URL"),
        ({"DATABASE_URL": ""}, "DATABASE_URL"),
        ({"DATABASE_URL": f"postgresql:/{SECRET}"}, "DATABASE_URL"),
        ({"DATABASE_URL": "mysql://db/postcards"}, "DATABASE_URL"),
        ({"DATA_DIR": ""}, "DATA_DIR"),
        ({"CREATE_RATE_LIMIT": "30 per minute"}, "CREATE_RATE_LIMIT"),
        ({"PUBLIC_BASE_URL": "cards.example.com"}, "PUBLIC_BASE_URL"),
        ({"STREAM_MAX_BACKLOG": "500000"}, "STREAM_MAX_LEN"),
        ({"STREAM_MAX_DELIVERIES": "0"}, "STREAM_MAX_DELIVERIES"),
        ({"MAX_BODY_BYTES": "0"}, "MAX_BODY_BYTES"),
        ({"EVENTS_MAX_STREAMS": "0"}, "EVENTS_MAX_STREAMS"),
        ({"EVENTS_MAX_STREAMS_PER_USER": "-1"}, "EVENTS_MAX_STREAMS_PER_USER"),
        ({"AI_HEARTBEAT_TIMEOUT_S": "0"}, "AI_HEARTBEAT_TIMEOUT_S"),
        ({"AI_HEARTBEAT_TIMEOUT_S": "half a minute"}, "AI_HEARTBEAT_TIMEOUT_S"),
        ({"ALLOWED_ORIGINS": "https://ok.example,*.example.com"}, "ALLOWED_ORIGINS"),
        ({"ALLOWED_ORIGINS": "https://cards.example/app"}, "ALLOWED_ORIGINS"),
        ({"ALLOWED_ORIGINS": "cards.example"}, "ALLOWED_ORIGINS"),
        ({"MAX_REVISIONS": "0"}, "MAX_REVISIONS"),
        ({"WEBHOOK_SECRET": SECRET}, "WEBHOOK_SECRET"),  # not whsec_…
        ({"WEBHOOK_SECRET": "whsec_" + "A" * 8}, "WEBHOOK_SECRET"),  # 6 bytes, too short
        ({"WEBHOOK_URL": "https://hooks.example/p"}, "WEBHOOK_SECRET"),  # nothing signs
        ({"WEBHOOK_URL": "http://hooks.example/p", "WEBHOOK_SECRET": WHSEC}, "WEBHOOK_URL"),
        ({"WEBHOOK_URL": "https://10.0.0.1/p", "WEBHOOK_SECRET": WHSEC}, "WEBHOOK_URL"),
        (
            {"WEBHOOK_URL": "https://h.example/", "WEBHOOK_SECRET": WHSEC, "API_KEYS": "k:u"},
            "WEBHOOK_URL",
        ),
        ({"WEBHOOK_RETRY_HOURS": "0"}, "WEBHOOK_RETRY_HOURS"),
        ({"WEBHOOK_RETRY_HOURS": "a day"}, "WEBHOOK_RETRY_HOURS"),
        ({"WEBHOOK_ALLOW_PRIVATE": "perhaps"}, "WEBHOOK_ALLOW_PRIVATE"),
    ],
)
def test_settings_that_would_open_the_product_or_lose_data_are_refused_by_name(
    monkeypatch: pytest.MonkeyPatch, env: dict[str, str], named: str
) -> None:
    assert named in refusal(monkeypatch, **env)


def test_data_dir_that_is_a_file_is_refused(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    (tmp_path / "file").write_text("not a directory")
    assert "DATA_DIR" in refusal(monkeypatch, DATA_DIR=str(tmp_path / "file"))


@pytest.mark.parametrize(
    "argv",
    [
        [sys.executable, str(REPO / "worker.py")],
        [sys.executable, str(REPO / "starter.py")],
        [sys.executable, "-m", "uvicorn", "api.main:app", "--port", "0"],
        [sys.executable, "-m", "devstack", "ps"],
    ],
    ids=["worker", "starter", "api", "devstack"],
)
def test_every_process_stops_at_start_naming_api_keys(argv: list[str], tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("API_KEYS", "DATA_DIR"))}
    env |= {"API_KEYS": f"k1:alice,{SECRET}", "PYTHONPATH": str(REPO), "DATA_DIR": str(tmp_path)}
    done = subprocess.run(argv, cwd=tmp_path, env=env, capture_output=True, text=True, timeout=60)
    assert done.returncode != 0
    assert "API_KEYS" in done.stderr and "key:user[,key:user]" in done.stderr, done.stderr[-2000:]
    assert SECRET not in done.stderr + done.stdout


def test_real_providers_are_the_default_when_their_keys_are_set(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("GEMINI_API_KEY", "g-key")
    monkeypatch.setenv("ANTHROPIC_API_KEY", "a-key")
    settings = Settings(_env_file=None)  # type: ignore[call-arg]
    assert (settings.provider_for("text"), settings.provider_for("code")) == ("gemini", "anthropic")
    monkeypatch.setenv("CODE_PROVIDER", "local")
    assert Settings(_env_file=None).provider_for("code") == "local"  # type: ignore[call-arg]


def test_the_heartbeat_timeout_reaches_every_step_of_a_run(monkeypatch: pytest.MonkeyPatch) -> None:
    """A crowd's operator trades dead-worker detection for fewer heartbeat writes in one place."""
    request = PostcardRequest(task_id="hb", user_input="生日快乐", created_at=datetime.now(UTC))
    default = with_policy(request, Settings(_env_file=None)).options  # type: ignore[call-arg]
    monkeypatch.setenv("AI_HEARTBEAT_TIMEOUT_S", "30")
    crowd = with_policy(request, Settings(_env_file=None)).options  # type: ignore[call-arg]
    assert [getattr(default, step).heartbeat_s for step in STEPS] == [10] * 4
    assert [getattr(crowd, step).heartbeat_s for step in STEPS] == [30] * 4
