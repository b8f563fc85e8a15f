"""Providers that only wait: `instant` for orchestration benchmarks, `sleepy` for latency runs.

Both return fixed, valid outputs without rendering anything, after a wait per step that can
be spread by a jitter (real providers never answer in exactly 40 s); each call can be appended to a
log file so tests and benchmarks can count provider calls across process crashes.
"""

from __future__ import annotations

import asyncio
import json
import os
import random
import struct
import time
import zlib
from pathlib import Path

from core.models import Concept, Content, PostcardRequest, VisualStyle
from providers.base import Picture, Usage

REALISTIC_DELAYS = {"concept": 3.0, "content": 3.0, "image": 20.0, "frontend": 40.0}


def _tiny_png() -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data))
            + kind
            + data
            + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
        )

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\x00\xff\xcc\xdd"))
        + chunk(b"IEND", b"")
    )


PNG_1PX = _tiny_png()


class SimulatedProvider:
    """Fixed outputs after a configurable wait per step."""

    def __init__(
        self,
        name: str,
        delays: dict[str, float],
        call_log: Path | None = None,
        jitter: float = 0.0,
    ) -> None:
        self.name = name
        self._delays = delays
        self._call_log = call_log
        self._jitter = jitter

    def wait_for(self, step: str) -> float:
        """The step's wait, drawn uniformly from (1 ± jitter) × its delay."""
        delay = self._delays.get(step, 0.0)
        if self._jitter and delay > 0:
            delay *= random.uniform(1 - self._jitter, 1 + self._jitter)
        return delay

    async def _call(self, step: str, request: PostcardRequest) -> None:
        if self._call_log is not None:
            line = json.dumps(
                {"task_id": request.task_id, "step": step, "pid": os.getpid(), "at": time.time()}
            )
            with self._call_log.open("a", encoding="utf-8") as handle:
                handle.write(line + "\n")
        delay = self.wait_for(step)
        if delay > 0:
            await asyncio.sleep(delay)

    async def concept(self, request: PostcardRequest) -> tuple[Concept, Usage]:
        await self._call("concept", request)
        concept = Concept(
            theme="greeting",
            occasion="greeting",
            emotion="warm",
            tone="warm",
            visual_style=VisualStyle(
                palette=["#FFFFFF", "#000000"], composition="plain", art_style="none"
            ),
            copy_direction="plain",
            audience="anyone",
            language=request.language or "en",
        )
        return concept, Usage(model=self.name)

    async def content(self, request: PostcardRequest, concept: Concept) -> tuple[Content, Usage]:
        await self._call("content", request)
        return Content(
            title="Hello", body="A simulated postcard.", language=concept.language
        ), Usage(model=self.name)

    async def illustrate(
        self, request: PostcardRequest, concept: Concept, content: Content | None
    ) -> Picture:
        await self._call("image", request)
        return Picture(PNG_1PX, "image/png", 1, 1, Usage(model=self.name))

    async def page(
        self, request: PostcardRequest, concept: Concept, content: Content, image_url: str
    ) -> tuple[str, Usage]:
        await self._call("frontend", request)
        page = (
            f'<!doctype html><html><head><meta charset="utf-8"><title>{content.title}'
            f'</title></head><body><img src="{image_url}" alt=""></body></html>'
        )
        return page, Usage(model=self.name)


def parse_delays(spec: str | None, default: dict[str, float]) -> dict[str, float]:
    """`image=20,frontend=40` over a default map."""
    delays = dict(default)
    for part in (spec or "").split(","):
        if "=" in part:
            key, value = part.split("=", 1)
            delays[key.strip()] = float(value)
    return delays
