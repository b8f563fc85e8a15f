"""`postcards create --wait | status | list` against a running stack, and its error messages."""

from __future__ import annotations

import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from core.devserver import free_port
from core.models import Reading
from tests.conftest import REPO
from tests.test_devstack import Stack, detached_stack


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    """One detached stack for this module."""
    with detached_stack(tmp_path_factory.mktemp("cli")) as running:
        yield running


def postcards(stack: Stack, *args: str, api: str | None = None) -> subprocess.CompletedProcess[str]:
    """Run the `postcards` command line with the stack's settings."""
    return subprocess.run(
        [sys.executable, "-m", "cli.main", *args, "--api", api or stack.api],
        cwd=REPO,
        env=stack.env,
        capture_output=True,
        text=True,
        timeout=240,
        check=False,
    )


@pytest.fixture(scope="module")
def created(stack: Stack) -> tuple[str, str]:
    """A postcard made with `create --wait`: its task id and what the command printed."""
    result = postcards(
        stack, "create", "a calm thank-you card for my team", "--theme", "thanks", "--wait"
    )
    assert result.returncode == 0, f"{result.stdout}\n{result.stderr}"
    match = re.search(r"^task (\S+) PENDING", result.stdout, re.MULTILINE)
    assert match, result.stdout
    return match.group(1), result.stdout


def test_create_wait_prints_the_preview_url_and_the_files(
    stack: Stack, created: tuple[str, str]
) -> None:
    task_id, output = created
    assert "Postcard ready" in output
    assert f"{stack.api}/preview/{task_id}" in output
    blobs = stack.data_dir / "blobs"
    for path in (blobs / "images" / f"{task_id}.jpg", blobs / "pages" / f"{task_id}.html"):
        assert path.is_file()
        assert str(path) in output
    for step in ("concept", "content", "image", "frontend"):
        assert step in output


def test_status_shows_each_step_of_the_task(stack: Stack, created: tuple[str, str]) -> None:
    task_id, _ = created
    result = postcards(stack, "status", task_id)
    assert result.returncode == 0, result.stderr
    assert task_id in result.stdout and "COMPLETED" in result.stdout
    for step in ("concept", "content", "image", "frontend"):
        assert re.search(rf"{step}\s.*completed", result.stdout), result.stdout


def test_list_shows_the_task(stack: Stack, created: tuple[str, str]) -> None:
    task_id, _ = created
    result = postcards(stack, "list", "--page-size", "5")
    assert result.returncode == 0, result.stderr
    assert task_id in result.stdout and "COMPLETED" in result.stdout


def test_regenerate_wait_follows_the_revision_and_keeps_the_rest(
    stack: Stack, created: tuple[str, str]
) -> None:
    task_id, _ = created
    before = postcards(stack, "status", task_id)
    result = postcards(
        stack, "regenerate", task_id, "--step", "content", "--instruction", "更幽默一点", "--wait"
    )
    assert result.returncode == 0, f"{result.stdout}\n{result.stderr}"
    assert re.search(r"revision (\d+) of content started", result.stdout), result.stdout
    assert "Postcard ready" in result.stdout
    assert re.search(r"image\s.*kept", result.stdout), result.stdout
    assert before.returncode == 0
    refused = postcards(stack, "regenerate", task_id, "--step", "music")
    assert refused.returncode != 0 and "music" in refused.stderr


def test_create_without_wait_prints_where_to_look(stack: Stack) -> None:
    result = postcards(stack, "create", "a postcard from the seaside")
    assert result.returncode == 0, result.stderr
    assert "/api/v1/postcards/status/" in result.stdout and "/preview/" in result.stdout


def test_an_unreachable_api_exits_non_zero_with_a_clear_message(stack: Stack) -> None:
    nowhere = f"http://127.0.0.1:{free_port()}"
    for args in (("create", "hello", "--wait"), ("status", "x"), ("list",)):
        result = postcards(stack, *args, api=nowhere)
        assert result.returncode == 1
        message = " ".join(result.stderr.split())
        assert f"cannot reach the Postcard Studio API at {nowhere}" in message
        assert "Traceback" not in result.stderr


def test_api_refusals_show_the_status_and_the_reason(stack: Stack) -> None:
    missing = postcards(stack, "status", "no-such-task")
    assert missing.returncode == 1
    assert "404" in missing.stderr and "Traceback" not in missing.stderr
    empty = postcards(stack, "create", "   ")
    assert empty.returncode == 1
    assert "422" in empty.stderr and "prompt" in empty.stderr


def test_cancel_refuses_a_finished_postcard_and_delete_removes_one(
    stack: Stack, created: tuple[str, str]
) -> None:
    refused = postcards(stack, "cancel", created[0])
    assert refused.returncode == 1 and "409" in refused.stderr
    assert "nothing to cancel" in " ".join(refused.stderr.split())
    queued = postcards(stack, "create", "a card to delete")
    new_id = re.search(r"^task (\S+) PENDING", queued.stdout, re.MULTILINE)
    assert new_id, queued.stdout
    task_id = new_id.group(1)
    deleted = postcards(stack, "delete", task_id)
    assert deleted.returncode == 0 and f"task {task_id} deleted" in deleted.stdout
    gone = postcards(stack, "status", task_id)
    assert gone.returncode == 1 and "404" in gone.stderr


def test_console_script_is_installed() -> None:
    script = Path(sys.executable).parent / "postcards"
    result = subprocess.run([str(script), "--help"], capture_output=True, text=True, check=False)
    assert result.returncode == 0
    assert all(name in result.stdout for name in ("create", "status", "list", "explain"))


def test_explain_prints_how_the_engine_reads_a_wish_without_a_server() -> None:
    wish = "给在成都读大学的妹妹小雨寄一张加油卡，她下周考研"
    result = subprocess.run(
        [sys.executable, "-m", "cli.main", "explain", wish],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    lines = dict(line.split(maxsplit=1) for line in result.stdout.splitlines())
    assert lines["occasion"].startswith("encouragement (score ")
    assert "runner-up" in lines["occasion"]
    assert lines["recipient"] == "小雨 (妹妹)"
    assert lines["places"] == "成都: recipient (draws chengdu)"
    assert lines["language"] == "zh" and lines["tone"]
    assert result.stderr == ""  # jieba stays quiet


def test_explain_json_is_the_concepts_reading() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "cli.main", "explain", "--json", "happy 30th to my twin brother"],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    reading = Reading.model_validate_json(result.stdout)
    assert (reading.occasion, reading.recipient, reading.relation) == (
        "birthday",
        "my brother",
        "brother",
    )
    assert reading.language == "en" and reading.places == []


def test_create_webhook_reaches_the_api(stack: Stack) -> None:
    """`--webhook` is the create's webhook_url: this stack has no WEBHOOK_SECRET to sign with,
    so the API refuses it with its reason, which the command prints."""
    result = postcards(stack, "create", "hello", "--webhook", "https://hooks.example/p")
    assert result.returncode == 1
    message = " ".join(result.stderr.split())
    assert "409" in message and "webhook_url needs WEBHOOK_SECRET" in message
