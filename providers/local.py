"""The embedded default: the local creative engine, offline and keyless.

Rendering an illustration is pure-Python/Pillow CPU work. Run on the worker's event loop (or in
a thread, which still holds the GIL for most of it), it delays the heartbeats and writes of
every other activity in flight. So the worker starts a process pool once (`start_render_pool`)
and the illustration and page are rendered there; with no pool (tests, tools, or
LOCAL_RENDER_PROCESSES=0) they run in this process as before.
"""

from __future__ import annotations

import asyncio
import logging
import multiprocessing
import os
import threading
import time
from collections.abc import Callable
from concurrent.futures import Executor, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from functools import partial
from typing import TypeVar

from core.models import Concept, Content, PostcardRequest
from core.storage import CONTENT_TYPES, image_extension
from engine import render_illustration, render_page
from engine.revise.steps import concept_for, content_for, image_for, page_for
from providers.base import Picture, Usage

LOCAL_MODEL = "local-engine"
T = TypeVar("T")
log = logging.getLogger("postcards.providers.local")

_pool: ProcessPoolExecutor | None = None
_size = 0


def _warm() -> int:
    """Run in each pool process at start: the engine is imported, the process exists."""
    return os.getpid()


def _exit_with(parent: int) -> None:
    """Each pool process's initializer: leave as soon as the worker that started it is gone.

    A SIGKILLed worker cannot shut its pool down, and the pool's processes would otherwise live
    on, orphaned, holding their memory (~180 MB each), and each restart would add more."""

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(1.0)
        os._exit(0)

    threading.Thread(target=watch, name="exit-with-worker", daemon=True).start()


def start_render_pool(processes: int | None) -> Executor | None:
    """Start this process's render pool: `processes` children (None: one a core; 0: none).

    spawn, not fork: the worker runs the Temporal SDK's threads, and forking a threaded process
    can deadlock the child; and not forkserver, whose server outlives a SIGKILLed worker. Each
    child is the worker's own and exits when the worker is gone. The children are started now,
    so the first postcard does not pay for them.
    """
    global _pool, _size
    count = (os.cpu_count() or 1) if processes is None else processes
    if count <= 0 or _pool is not None:
        return _pool
    context = multiprocessing.get_context("spawn")
    _pool = ProcessPoolExecutor(
        max_workers=count, mp_context=context, initializer=_exit_with, initargs=(os.getpid(),)
    )
    _size = count
    for _ in range(count):
        _pool.submit(_warm)
    log.info("render pool started", extra={"processes": count})
    return _pool


def stop_render_pool() -> None:
    """Shut the pool down (the worker calls this once its activities have finished)."""
    global _pool
    if _pool is not None:
        _pool.shutdown(wait=True, cancel_futures=True)
        _pool = None


async def _render(work: Callable[[], T], in_thread: bool) -> T:
    """`work` in the pool when there is one, else in a thread or on the loop as before."""
    global _pool
    pool = _pool
    if pool is not None:
        try:
            return await asyncio.get_running_loop().run_in_executor(pool, work)
        except BrokenProcessPool:
            # A child died (OOM killer, a crash): the pool is unusable from now on. Replace it
            # and let the activity fail this attempt; Temporal retries it on the new pool.
            if _pool is pool:
                _pool = None
                start_render_pool(_size)
            raise
    return await asyncio.to_thread(work) if in_thread else work()


class LocalProvider:
    """Concept, copy, illustration and page from `engine`, with no network."""

    name = "local"

    def __init__(self, image_size: tuple[int, int] = (1024, 1024)) -> None:
        self._image_size = image_size

    async def concept(self, request: PostcardRequest) -> tuple[Concept, Usage]:
        return concept_for(request), Usage(model=LOCAL_MODEL)

    async def content(self, request: PostcardRequest, concept: Concept) -> tuple[Content, Usage]:
        return content_for(request, concept), Usage(model=LOCAL_MODEL)

    async def illustrate(
        self, request: PostcardRequest, concept: Concept, content: Content | None
    ) -> Picture:
        width, height = self._image_size
        concept, seed = image_for(request, concept)
        work = partial(render_illustration, concept, content, width=width, height=height, seed=seed)
        data = await _render(work, in_thread=True)
        kind = CONTENT_TYPES[image_extension(data) or "png"]
        return Picture(data, kind, width, height, Usage(model=LOCAL_MODEL))

    async def page(
        self, request: PostcardRequest, concept: Concept, content: Content, image_url: str
    ) -> tuple[str, Usage]:
        concept = page_for(request, concept)
        page = await _render(partial(render_page, concept, content, image_url), in_thread=False)
        return page, Usage(model=LOCAL_MODEL)
