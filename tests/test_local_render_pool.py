"""The local engine renders in a process pool when the worker starts one, and in-process without."""

from __future__ import annotations

import asyncio
import os
import signal
import time
from collections.abc import Iterator
from concurrent.futures.process import BrokenProcessPool

import pytest

from core.settings import Settings
from providers import local
from providers.local import LocalProvider, start_render_pool, stop_render_pool
from tests.harness import make_request
from worker import renders_locally


@pytest.fixture
def pool() -> Iterator[None]:
    start_render_pool(1)
    yield
    stop_render_pool()


JPEG = b"\xff\xd8\xff"  # the engine paints JPEG (PNG only for pixel art)


async def _postcard_parts(provider: LocalProvider) -> tuple[bytes, str]:
    request = make_request("中秋节给远方父母的明信片，月亮、灯笼和月饼", variation=3)
    concept, _ = await provider.concept(request)
    content, _ = await provider.content(request, concept)
    picture = await provider.illustrate(request, concept, content)
    page, _ = await provider.page(request, concept, content, "https://example.test/i.png")
    return picture.data, page


async def test_pool_renders_the_same_postcard_as_in_process(pool: None) -> None:
    in_pool = await _postcard_parts(LocalProvider(image_size=(320, 320)))
    stop_render_pool()
    in_process = await _postcard_parts(LocalProvider(image_size=(320, 320)))

    assert in_pool[0].startswith(JPEG) and in_pool == in_process


async def test_the_event_loop_keeps_ticking_while_the_pool_renders(pool: None) -> None:
    provider = LocalProvider()
    request = make_request("a birthday card for Anna, playful and colourful")
    concept, _ = await provider.concept(request)
    content, _ = await provider.content(request, concept)
    gaps: list[float] = []
    rendering = asyncio.gather(*(provider.illustrate(request, concept, content) for _ in range(4)))
    last = time.perf_counter()
    while not rendering.done():
        await asyncio.sleep(0.005)
        now = time.perf_counter()
        gaps.append(now - last)
        last = now
    pictures = await rendering

    assert all(p.data.startswith(JPEG) for p in pictures)
    # Four 1024×1024 illustrations are ~0.2-0.7 s of CPU; the loop never waits for one.
    assert len(gaps) > 10 and max(gaps) < 0.15


def _die() -> None:
    os.kill(os.getpid(), signal.SIGKILL)


async def test_a_dead_render_process_fails_one_attempt_and_the_pool_is_replaced(
    pool: None,
) -> None:
    first = local._pool
    assert first is not None
    with pytest.raises(BrokenProcessPool):  # a render process killed, as the OOM killer would
        await asyncio.get_running_loop().run_in_executor(first, _die)
    provider = LocalProvider(image_size=(64, 64))
    request = make_request("get well soon, Sam")
    concept, _ = await provider.concept(request)

    with pytest.raises(BrokenProcessPool):  # the attempt in flight fails and Temporal retries
        await provider.illustrate(request, concept, None)
    assert local._pool is not None and local._pool is not first
    picture = await provider.illustrate(request, concept, None)
    assert picture.data.startswith(JPEG)


def test_zero_processes_means_no_pool() -> None:
    assert start_render_pool(0) is None and local._pool is None


def test_the_worker_starts_a_pool_only_when_the_local_engine_draws() -> None:
    sleepy = {"_env_file": None, "image_provider": "sleepy", "code_provider": "sleepy"}

    assert not renders_locally(Settings(**sleepy))  # type: ignore[arg-type]
    assert renders_locally(Settings(**sleepy | {"code_provider_fallbacks": "local"}))  # type: ignore[arg-type]
    assert renders_locally(Settings(_env_file=None))  # type: ignore[call-arg]


def test_the_pool_leaves_with_a_sigkilled_worker() -> None:
    """A worker killed with SIGKILL cannot stop its pool: the pool's processes must notice and
    exit on their own, not live on orphaned (each restart of a killed worker would add more)."""
    import subprocess
    import sys

    code = (
        "import os, sys, time\n"
        "from providers.local import start_render_pool, _warm\n"
        "pool = start_render_pool(2)\n"
        "print(' '.join(str(p) for p in {pool.submit(_warm).result() for _ in range(8)}))\n"
        "sys.stdout.flush(); time.sleep(120)\n"
    )
    worker = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True)
    try:
        assert worker.stdout is not None
        children = [int(pid) for pid in worker.stdout.readline().split()]
        assert children and all(_alive(pid) for pid in children)
    finally:
        worker.kill()
        worker.wait(timeout=10)
    deadline = time.monotonic() + 10
    while any(_alive(pid) for pid in children) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not any(_alive(pid) for pid in children), "orphaned render processes"


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    with open(f"/proc/{pid}/stat") as stat:  # a zombie is gone, it only waits to be reaped
        return stat.read().split(")")[-1].split()[0] != "Z"
