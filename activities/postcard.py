"""The four postcard steps as activities; each saves its result when it completes."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

from temporalio import activity
from temporalio.exceptions import ApplicationError

from activities.failures import to_application_error
from activities.heartbeat import with_heartbeat
from activities.metrics import measured
from core.db import utcnow
from core.models import (
    ConceptInput,
    ConceptOutput,
    ContentInput,
    ContentOutput,
    FailedRun,
    FrontendInput,
    FrontendOutput,
    ImageInput,
    ImageOutput,
    PostcardRequest,
    StepProgress,
    StepState,
    Usage,
)
from core.storage import BlobStore
from providers.factory import ProviderFactory
from runs.store import RunStore

log = logging.getLogger("postcards.activities")
RUN_ENDED = "RunEnded"
"""The error type of a step whose run ended before it began."""
T = TypeVar("T")


class PostcardActivities:
    """Activities as methods, so the clients they need are injected once. Each step records
    itself in the run store: started (with its attempt), its progress, finished with its
    results; the workflow's `save_failure` records a failed run."""

    def __init__(
        self,
        store: RunStore,
        blobs: BlobStore,
        providers: ProviderFactory,
        public_base_url: str,
    ) -> None:
        self._runs = store
        self._blobs = blobs
        self._providers = providers
        self._public_base_url = public_base_url.rstrip("/")

    async def _record(self, write: Callable[..., T], *args: Any) -> T:
        """One store write, in a thread: the database must never stall the event loop that
        heartbeats every running step."""
        return await asyncio.to_thread(write, *args)

    async def _run_step(
        self,
        request: PostcardRequest,
        step: str,
        provider_name: str,
        call: Callable[[], Awaitable[tuple[T, Usage]]],
        save: Callable[[T], dict[str, Any]],
    ) -> tuple[T, StepProgress]:
        """Record the step started, call the provider with heartbeats, record it finished
        with its results (or the attempt's failure, then raise it for Temporal to retry)."""
        attempt = activity.info().attempt
        extra = {"task_id": request.task_id, "step": step, "attempt": attempt}
        started = utcnow()
        accepted = await self._record(
            self._runs.step_started, request, step, attempt, provider_name, started
        )
        if not accepted:
            # Cancelled, past its deadline or deleted before this step began: no provider call.
            log.info("step not started: the run has ended", extra=extra)
            raise ApplicationError(
                f"{step} not started: the run has already ended", type=RUN_ENDED, non_retryable=True
            )
        log.info("step started", extra=extra | {"provider": provider_name})
        clock = time.perf_counter()
        try:
            value, usage = await with_heartbeat(
                measured(step, provider_name, call()),
                step,
                lambda pct: self._record(self._runs.step_progress, request, step, pct),
            )
            results = save(value)
        except Exception as exc:
            error = f"{type(exc).__name__}: {exc}"
            await self._record(self._runs.attempt_failed, request, step, error)
            log.warning("step attempt failed", extra=extra | {"error": error[:500]})
            raise to_application_error(exc, attempt) from exc
        state = StepProgress.model_validate(
            usage.model_dump()
            | {
                "provider": usage.provider or provider_name,
                "status": StepState.COMPLETED,
                "attempts": attempt,
                "started_at": started,
                "finished_at": utcnow(),
                "latency_ms": round((time.perf_counter() - clock) * 1000, 2),
            }
        )
        completed = await self._record(self._runs.step_finished, request, step, state, results)
        log.info("step completed", extra=extra | {"latency_ms": state.latency_ms})
        if completed:
            log.info("postcard finished", extra=extra | {"status": "COMPLETED"})
        return value, state

    @activity.defn(name="concept")
    async def concept(self, data: ConceptInput) -> ConceptOutput:
        """Step 1: the creative concept."""
        provider = self._providers.text()
        concept, state = await self._run_step(
            data.request,
            "concept",
            provider.name,
            lambda: provider.concept(data.request),
            lambda value: {"concept": value.model_dump(mode="json")},
        )
        return ConceptOutput(concept=concept, step=state)

    @activity.defn(name="content")
    async def content(self, data: ContentInput) -> ContentOutput:
        """Step 2: the copy."""
        provider = self._providers.text()
        content, state = await self._run_step(
            data.request,
            "content",
            provider.name,
            lambda: provider.content(data.request, data.concept),
            lambda value: {"content": value.model_dump(mode="json")},
        )
        return ContentOutput(content=content, step=state)

    @activity.defn(name="image")
    async def image(self, data: ImageInput) -> ImageOutput:
        """Step 3: the illustration, stored as a blob."""
        provider = self._providers.image()
        key = f"images/{data.request.run_id}.png"

        async def paint() -> tuple[Any, Usage]:
            picture = await provider.illustrate(data.request, data.concept, data.content)
            # The store names and types the image by its bytes (png, jpg or webp).
            ref = await asyncio.to_thread(self._blobs.put, key, picture.data, picture.content_type)
            ref = ref.model_copy(update={"width": picture.width, "height": picture.height})
            return ref, picture.usage

        ref, state = await self._run_step(
            data.request,
            "image",
            provider.name,
            paint,
            lambda value: {"image_url": value.url, "image_key": value.key},
        )
        return ImageOutput(image=ref, step=state)

    @activity.defn(name="frontend")
    async def frontend(self, data: FrontendInput) -> FrontendOutput:
        """Step 4: the self-contained HTML page, stored as a blob."""
        provider = self._providers.code()
        preview_url = f"{self._public_base_url}/preview/{data.request.task_id}"

        async def write() -> tuple[Any, Usage]:
            html, usage = await provider.page(
                data.request, data.concept, data.content, data.image.url
            )
            ref = await asyncio.to_thread(
                self._blobs.put,
                f"pages/{data.request.run_id}.html",
                html.encode("utf-8"),
                "text/html; charset=utf-8",
            )
            return (ref, html), usage

        (ref, _html), state = await self._run_step(
            data.request,
            "frontend",
            provider.name,
            write,
            lambda value: {
                "frontend_code": value[1],
                "page_key": value[0].key,
                "preview_url": preview_url,
            },
        )
        return FrontendOutput(page=ref, preview_url=preview_url, step=state)

    @activity.defn(name="save_failure")
    async def save_failure(self, run: FailedRun) -> None:
        """Record why a run failed (a success is recorded by its last step's own write); a
        failed revision leaves the postcard showing its latest completed run."""
        request = run.request
        await self._record(self._runs.fail, request.task_id, request.revision, run.error, request)
        log.info(
            "postcard finished",
            extra={"task_id": request.task_id, "status": "FAILED", "revision": request.revision},
        )

    def all(self) -> list[Callable[..., Any]]:
        """Every activity, for the worker to register."""
        return [self.concept, self.content, self.image, self.frontend, self.save_failure]
