"""Turn stored rows into response bodies (rows only: nothing here asks Temporal)."""

from __future__ import annotations

from collections.abc import Sequence

from api.schemas import (
    PostcardData,
    PostcardStatusOut,
    PostcardSummary,
    RevisionDetail,
    RevisionOut,
)
from api.sharing import shared
from core.db import PostcardRun, as_utc
from core.models import STEPS, PostcardError, PostcardStatus, StepProgress
from core.settings import Settings
from runs.reads import PostcardView


def _steps(run: PostcardRun) -> dict[str, StepProgress]:
    return {name: StepProgress.model_validate((run.steps or {}).get(name) or {}) for name in STEPS}


REVISIONS_SHOWN = 5
"""Revisions a status answer lists (the newest); the rest are a page of GET …/revisions away."""


def status_body(
    view: PostcardView, settings: Settings, runs: Sequence[PostcardRun] = (), total: int = 1
) -> PostcardStatusOut:
    """The status endpoint's answer: the postcard with the run it shows, and, once it has been
    regenerated, its newest runs (`runs`, oldest first, of `total`)."""
    postcard = view.postcard
    completed = [r for r in runs if r.status == PostcardStatus.COMPLETED.value]
    # The newest completed run is the one shown: read from the same rows as `revisions`, it
    # agrees with them even when a revision completed after the postcard itself was read.
    # None completed among the newest: the postcard's own pointer is older than all of them.
    run = completed[-1] if completed else view.run
    base = settings.effective_public_base_url
    status = PostcardStatus(run.status)
    created = as_utc(postcard.created_at)
    updated = as_utc(run.updated_at)
    assert created is not None and updated is not None
    return PostcardStatusOut(
        task_id=postcard.task_id,
        status=status,
        prompt=postcard.user_input,
        style=postcard.style,
        theme=postcard.theme,
        language=postcard.language,
        current_step=None if status is PostcardStatus.COMPLETED else run.current_step,
        steps=_steps(run),
        data=_data(run, settings) if status is PostcardStatus.COMPLETED else None,
        error=_error(run) if status is PostcardStatus.FAILED else None,
        created_at=created,
        updated_at=updated,
        completed_at=as_utc(run.finished_at),
        retry_count=run.retry_count,
        deadline_at=as_utc(run.deadline_at),
        temporal_url=(
            f"{settings.effective_temporal_ui_url}/namespaces/"
            f"{settings.temporal_namespace}/workflows/{run.run_id}"
        ),
        revision=max((r.revision for r in runs), default=run.revision),
        revisions=[revision_out(r) for r in runs] if total > 1 else [],
        revisions_total=max(total, len(runs), 1),
        revisions_url=f"{base}/api/v1/postcards/{postcard.task_id}/revisions",
    )


def _error(run: PostcardRun) -> PostcardError | None:
    return PostcardError.model_validate(run.error) if run.error else None


def _data(run: PostcardRun, settings: Settings) -> PostcardData:
    """The results of a run, with share links when keys are on."""
    base = settings.effective_public_base_url
    html_url = f"{base}/files/{run.page_key}" if run.page_key else None
    task_id = run.task_id
    return PostcardData(
        revision=run.revision,
        concept=run.concept,
        content=run.content,
        image_url=shared(settings, run.image_url, task_id),
        preview_url=shared(settings, run.preview_url, task_id),
        html_url=shared(settings, html_url, task_id),
    )


def revision_out(run: PostcardRun) -> RevisionOut:
    """One line of a postcard's revisions, with its steps."""
    created = as_utc(run.created_at)
    assert created is not None
    return RevisionOut(
        revision=run.revision,
        step=run.step,
        instruction=run.instruction,
        status=PostcardStatus(run.status),
        created_at=created,
        finished_at=as_utc(run.finished_at),
        error=_error(run),
        steps=_steps(run),
    )


def revision_detail(run: PostcardRun, settings: Settings) -> RevisionDetail:
    """One revision with its results, once it completed."""
    completed = run.status == PostcardStatus.COMPLETED.value
    return RevisionDetail(
        **revision_out(run).model_dump(),
        data=_data(run, settings) if completed else None,
    )


def summary(view: PostcardView, settings: Settings) -> PostcardSummary:
    """A gallery line."""
    postcard, run = view.postcard, view.run
    created = as_utc(postcard.created_at)
    assert created is not None
    return PostcardSummary(
        task_id=postcard.task_id,
        status=PostcardStatus(run.status),
        prompt=postcard.user_input[:200],
        title=(run.content or {}).get("title"),
        image_url=shared(settings, run.image_url, postcard.task_id),
        preview_url=shared(settings, run.preview_url, postcard.task_id),
        created_at=created,
        completed_at=as_utc(run.finished_at),
    )
