"""The embedded redis-server gets its password from a 0600 config file, never its command line."""

from __future__ import annotations

import stat
from pathlib import Path
from urllib.parse import quote

import psutil
import pytest
import redis

from core.devserver import free_port, wait_for_port
from core.settings import Settings
from devstack.plan import build_plan
from devstack.process import spawn, stop_children

PASSWORD = 'pw with "quotes", \\backslash, #hash and spaces-0042'


def embedded_redis_settings(tmp_path: Path, port: int, **fields: str) -> Settings:
    return Settings(  # type: ignore[call-arg]
        _env_file=None,
        data_dir=tmp_path / "data",
        redis_url=f"redis://127.0.0.1:{port}/0",
        api_port=free_port(),
        temporal_address=f"127.0.0.1:{free_port()}",
        temporal_ui_port=free_port(),
        starter_metrics_port=0,
        worker_metrics_port=0,
        worker_app_metrics_port=0,
        **fields,  # type: ignore[arg-type]
    )


@pytest.mark.parametrize("where", ["REDIS_PASSWORD", "REDIS_URL"])
def test_the_password_is_in_a_0600_file_and_not_in_the_process_list(
    tmp_path: Path, where: str
) -> None:
    port = free_port()
    if where == "REDIS_PASSWORD":
        settings = embedded_redis_settings(tmp_path, port, redis_password=PASSWORD)
    else:
        settings = embedded_redis_settings(tmp_path, port)
        url = f"redis://:{quote(PASSWORD, safe='')}@127.0.0.1:{port}/0"
        settings = settings.model_copy(update={"redis_url": url})
    (component,) = [c for c in build_plan(settings).infra if c.name == "redis"]
    (settings.data_dir / "redis").mkdir(parents=True)
    process = spawn(component, tmp_path / "redis.log", {})
    try:
        wait_for_port("127.0.0.1", port, timeout_s=20)
        # What was exec'd (ps shows it until redis-server retitles itself) and what ps shows now.
        for argv in (list(process.args), psutil.Process(process.pid).cmdline()):  # type: ignore[arg-type]
            shown = " ".join(argv)
            assert "requirepass" not in shown and "quotes" not in shown, shown
        (config,) = component.secret_files
        assert stat.S_IMODE(config.stat().st_mode) == 0o600
        assert str(config) in list(process.args)  # type: ignore[arg-type]
        with pytest.raises(redis.AuthenticationError):
            redis.Redis(port=port).ping()
        with pytest.raises(redis.AuthenticationError):
            redis.Redis(port=port, password="wrong").ping()
        assert redis.Redis(port=port, password=PASSWORD).ping()
    finally:
        stop_children([process], 10)


def test_without_a_password_no_config_file_is_written(tmp_path: Path) -> None:
    (component,) = [
        c
        for c in build_plan(embedded_redis_settings(tmp_path, free_port())).infra
        if c.name == "redis"
    ]
    assert component.secret_files == {}
    assert not any(arg.endswith(".conf") for arg in component.argv)
