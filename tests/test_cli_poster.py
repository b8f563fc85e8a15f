"""`postcards create --poster` and `postcards status <id> --poster` save the poster PNG."""

from __future__ import annotations

import asyncio
import re
import sys
import uuid
from datetime import UTC, datetime
from pathlib import Path

import pytest
from PIL import Image
from temporalio.client import Client

from core.models import PostcardRequest
from core.settings import Settings
from runs.wiring import run_store
from tests.conftest import REPO
from tests.stack import RedisServer, running_stack

pytestmark = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)


async def postcards(api: str, cwd: Path, *args: str) -> tuple[int, str, str]:
    """Run the command line in a subprocess, so this event loop keeps serving the API."""
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "cli.main",
        *args,
        "--api",
        api,
        cwd=cwd,
        env={"PYTHONPATH": str(REPO), "COLUMNS": "200", "PATH": "/usr/bin:/bin"},
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await asyncio.wait_for(process.communicate(), 180)
    assert process.returncode is not None
    return process.returncode, out.decode(), err.decode()


def assert_poster(path: Path) -> None:
    with Image.open(path) as poster:
        assert poster.format == "PNG" and poster.width == 1080 and poster.height > 1080


async def test_create_and_status_save_the_poster(
    client: Client, settings: Settings, redis_server: RedisServer, tmp_path: Path
) -> None:
    async with running_stack(settings, client, redis_server.url) as stack:
        target = tmp_path / "out" / "card.png"
        code, out, err = await postcards(
            stack.base_url, tmp_path, "create", "祝小王三十岁生日快乐", "--poster-path", str(target)
        )
        assert code == 0, f"{out}\n{err}"
        assert "Postcard ready" in out and f"poster   {target} (1080×" in out
        assert_poster(target)
        task_id = re.search(r"^task (\S+) PENDING", out, re.MULTILINE).group(1)  # type: ignore[union-attr]

        code, out, err = await postcards(stack.base_url, tmp_path, "status", task_id, "--poster")
        assert code == 0, f"{out}\n{err}"
        saved = tmp_path / f"poster-{task_id}.png"
        assert_poster(saved)
        assert saved.read_bytes() == target.read_bytes(), "the cached poster comes back"

        waiting = PostcardRequest(
            task_id=uuid.uuid4().hex, user_input="a wish", created_at=datetime.now(UTC)
        )
        run_store(stack.settings).create_pending(waiting)
        code, out, err = await postcards(
            stack.base_url, tmp_path, "status", waiting.task_id, "--poster"
        )
        assert code == 1
        assert "409" in err and "is PENDING" in err
        assert not (tmp_path / f"poster-{waiting.task_id}.png").exists()
