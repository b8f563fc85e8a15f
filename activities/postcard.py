"""The four postcard steps as activities; each saves its result when it completes."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

from temporalio import activity

from activities.failures import to_application_error
from activities.heartbeat import with_heartbeat
from activities.metrics import measured
from core.db import inline_or_thread, no_wait_engine, utcnow
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
    StepMeta,
    StepProgress,
    StepState,
)
from core.repository import PostcardRepository
from core.revisions import RevisionRepository
from core.storage import BlobStore
from providers.base import Usage
from providers.factory import ProviderFactory

log = logging.getLogger("postcards.activities")
T = TypeVar("T")


class PostcardActivities:
    """Activities as methods, so the clients they need are injected once."""

    def __init__(
        self,
        repository: PostcardRepository,
        store: BlobStore,
        providers: ProviderFactory,
        public_base_url: str,
    ) -> None:
        self._repo = repository
        self._revisions = RevisionRepository(repository.engine)
        inline = no_wait_engine(repository.engine)
        self._inline = PostcardRepository(inline) if inline is not None else None
        self._store = store
        self._providers = providers
        self._public_base_url = public_base_url.rstrip("/")

    async def _update_step(
        self,
        request: PostcardRequest,
        step: str,
        progress: StepProgress,
        results: dict[str, Any] | None = None,
        completes: bool = False,
    ) -> None:
        """Save a step's state: a revision's into its own row (in a thread); the first run's
        inline on SQLite, else (or while another writer holds the lock) in a thread."""
        if request.revision > 1:
            await asyncio.to_thread(
                self._revisions.update_step,
                request.task_id,
                request.revision,
                step,
                progress,
                results,
                completes,
            )
            return
        await inline_or_thread(
            lambda repo: repo.update_step(request, step, progress, results, completes),
            self._inline,
            self._repo,
        )

    async def _run_step(
        self,
        request: PostcardRequest,
        step: str,
        provider_name: str,
        call: Callable[[], Awaitable[tuple[T, Usage]]],
        save: Callable[[T], dict[str, Any]],
        completes: bool = False,
    ) -> tuple[T, StepMeta]:
        """Mark the step running, call the provider with heartbeats, save, mark it completed."""
        attempt = activity.info().attempt
        extra = {"task_id": request.task_id, "step": step, "attempt": attempt}
        started = utcnow()
        running = StepProgress(
            status=StepState.RUNNING, attempts=attempt, provider=provider_name, started_at=started
        )
        await self._update_step(request, step, running)
        log.info("step started", extra=extra | {"provider": provider_name})
        clock = time.perf_counter()
        try:
            value, usage = await with_heartbeat(
                measured(step, provider_name, call()),
                step,
                lambda pct: self._update_step(
                    request, step, running.model_copy(update={"progress_pct": pct})
                ),
            )
            results = save(value)
        except Exception as exc:
            failed = running.model_copy(update={"error": f"{type(exc).__name__}: {exc}"[:500]})
            await self._update_step(request, step, failed)
            log.warning("step attempt failed", extra=extra | {"error": str(exc)[:500]})
            raise to_application_error(exc, attempt) from exc
        meta = StepMeta(
            provider=usage.provider or provider_name,
            model=usage.model,
            attempt=attempt,
            latency_ms=round((time.perf_counter() - clock) * 1000, 2),
            input_tokens=usage.input_tokens,
            output_tokens=usage.output_tokens,
            cost_usd=usage.cost_usd,
            cache_hit=usage.cache_hit,
            fallback_from=usage.fallback_from,
            fallback_reason=usage.fallback_reason,
        )
        done = StepProgress(
            status=StepState.COMPLETED,
            attempts=attempt,
            provider=meta.provider,
            model=meta.model,
            started_at=started,
            finished_at=utcnow(),
            latency_ms=meta.latency_ms,
            input_tokens=meta.input_tokens,
            output_tokens=meta.output_tokens,
            cost_usd=meta.cost_usd,
            cache_hit=meta.cache_hit,
            fallback_from=meta.fallback_from,
            fallback_reason=meta.fallback_reason,
        )
        await self._update_step(request, step, done, results, completes)
        log.info("step completed", extra=extra | {"latency_ms": meta.latency_ms})
        if completes:
            log.info("postcard finished", extra=extra | {"status": "COMPLETED"})
        return value, meta

    @activity.defn(name="concept")
    async def concept(self, data: ConceptInput) -> ConceptOutput:
        """Step 1: the creative concept."""
        provider = self._providers.text()
        concept, meta = await self._run_step(
            data.request,
            "concept",
            provider.name,
            lambda: provider.concept(data.request),
            lambda value: {"concept": value.model_dump(mode="json")},
        )
        return ConceptOutput(concept=concept, meta=meta)

    @activity.defn(name="content")
    async def content(self, data: ContentInput) -> ContentOutput:
        """Step 2: the copy."""
        provider = self._providers.text()
        content, meta = await self._run_step(
            data.request,
            "content",
            provider.name,
            lambda: provider.content(data.request, data.concept),
            lambda value: {"content": value.model_dump(mode="json")},
        )
        return ContentOutput(content=content, meta=meta)

    @activity.defn(name="image")
    async def image(self, data: ImageInput) -> ImageOutput:
        """Step 3: the illustration, stored as a blob."""
        provider = self._providers.image()
        key = f"images/{data.request.run_id}.png"

        async def paint() -> tuple[Any, Usage]:
            picture = await provider.illustrate(data.request, data.concept, data.content)
            # The store names and types the image by its bytes (png, jpg or webp).
            ref = await asyncio.to_thread(self._store.put, key, picture.data, picture.content_type)
            ref = ref.model_copy(update={"width": picture.width, "height": picture.height})
            return ref, picture.usage

        ref, meta = await self._run_step(
            data.request,
            "image",
            provider.name,
            paint,
            lambda value: {"image_url": value.url, "image_key": value.key},
        )
        return ImageOutput(image=ref, meta=meta)

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
                self._store.put,
                f"pages/{data.request.run_id}.html",
                html.encode("utf-8"),
                "text/html; charset=utf-8",
            )
            return (ref, html), usage

        (ref, _html), meta = await self._run_step(
            data.request,
            "frontend",
            provider.name,
            write,
            lambda value: {
                "frontend_code": value[1],
                "page_key": value[0].key,
                "preview_url": preview_url,
            },
            completes=True,
        )
        return FrontendOutput(page=ref, preview_url=preview_url, meta=meta)

    @activity.defn(name="save_failure")
    async def save_failure(self, run: FailedRun) -> None:
        """Save why a run failed (a success is saved by the frontend step's own write); a
        failed revision leaves the postcard with its latest completed results."""
        if run.request.revision > 1 and run.error is not None:
            await asyncio.to_thread(
                self._revisions.fail,
                run.task_id,
                run.request.revision,
                run.error,
                run.progress.steps,
            )
        else:
            await asyncio.to_thread(
                self._repo.finish, run.request, run.status, run.progress.steps, run.error
            )
        log.info("postcard finished", extra={"task_id": run.task_id, "status": run.status.value})

    def all(self) -> list[Callable[..., Any]]:
        """Every activity, for the worker to register."""
        return [self.concept, self.content, self.image, self.frontend, self.save_failure]
