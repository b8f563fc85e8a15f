"""Turn stored rows and live workflow progress into response bodies."""

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
from core.db import Postcard, PostcardRevision, as_utc
from core.models import STEPS, PostcardError, PostcardStatus, Progress, StepProgress, StepState
from core.settings import Settings


def _steps(row: Postcard, live: Progress | None) -> dict[str, StepProgress]:
    stored = {
        name: StepProgress.model_validate((row.steps or {}).get(name) or {}) for name in STEPS
    }
    if live is None:
        return stored
    merged = {}
    for name in STEPS:
        step = live.steps[name].model_copy()
        db = stored[name]
        # The activity records each attempt as it starts; the workflow learns it at the end.
        step.attempts = max(step.attempts, db.attempts)
        if step.status is StepState.QUEUED and db.status is StepState.RUNNING:
            step.status = StepState.RUNNING  # the workflow scheduled it; a worker now runs it
        if step.status.value == "running" and db.error:
            step.error = db.error
        step.provider = step.provider or db.provider
        # Who a fallback stood in for, and the running step's percent, only the step's own
        # database entry knows: the workflow's progress carries neither.
        if db.fallback_from and step.provider == db.provider:
            step.fallback_from, step.fallback_reason = db.fallback_from, db.fallback_reason
        if step.status.value == "running" and db.status.value == "running":
            step.progress_pct = db.progress_pct
        merged[name] = step
    return merged


def status_body(
    row: Postcard,
    live: Progress | None,
    settings: Settings,
    revisions: Sequence[PostcardRevision] = (),
) -> PostcardStatusOut:
    """The status endpoint's answer."""
    status = PostcardStatus(row.status)
    data = _data(row, row.task_id, settings) if status is PostcardStatus.COMPLETED else None
    error = PostcardError.model_validate(row.error) if row.error else None
    current = row.current_step
    if live is not None and status is PostcardStatus.PROCESSING:
        current = live.current_step or current
    created = as_utc(row.created_at)
    updated = as_utc(row.updated_at)
    assert created is not None and updated is not None
    return PostcardStatusOut(
        task_id=row.task_id,
        status=status,
        prompt=row.user_input,
        style=row.style,
        theme=row.theme,
        language=row.language,
        current_step=None if status is PostcardStatus.COMPLETED else current,
        steps=_steps(row, live),
        data=data,
        error=error if status is PostcardStatus.FAILED else None,
        created_at=created,
        updated_at=updated,
        completed_at=as_utc(row.completed_at),
        retry_count=row.retry_count,
        temporal_url=(
            f"{settings.effective_temporal_ui_url}/namespaces/"
            f"{settings.temporal_namespace}/workflows/{row.task_id}"
        ),
        revision=max((r.revision for r in revisions), default=row.revision),
        revisions=[revision_out(r) for r in revisions],
    )


def _data(results: Postcard | PostcardRevision, task_id: str, settings: Settings) -> PostcardData:
    """The results of a postcard or one of its revisions, with share links when keys are on."""
    base = settings.effective_public_base_url
    html_url = f"{base}/files/{results.page_key}" if results.page_key else None
    return PostcardData(
        concept=results.concept,
        content=results.content,
        image_url=shared(settings, results.image_url, task_id),
        preview_url=shared(settings, results.preview_url, task_id),
        html_url=shared(settings, html_url, task_id),
    )


def revision_out(revision: PostcardRevision) -> RevisionOut:
    """One line of a postcard's revisions, with its steps."""
    status = PostcardStatus(revision.status)
    created = as_utc(revision.created_at)
    assert created is not None
    return RevisionOut(
        revision=revision.revision,
        step=revision.step,
        instruction=revision.instruction,
        status=status,
        created_at=created,
        finished_at=as_utc(revision.finished_at),
        error=PostcardError.model_validate(revision.error) if revision.error else None,
        steps={n: StepProgress.model_validate((revision.steps or {}).get(n) or {}) for n in STEPS},
    )


def revision_detail(revision: PostcardRevision, settings: Settings) -> RevisionDetail:
    """One revision with its results, once it completed."""
    completed = revision.status == PostcardStatus.COMPLETED.value
    return RevisionDetail(
        **revision_out(revision).model_dump(),
        data=_data(revision, revision.task_id, settings) if completed else None,
    )


def summary(row: Postcard, settings: Settings) -> PostcardSummary:
    """A gallery line."""
    created = as_utc(row.created_at)
    assert created is not None
    return PostcardSummary(
        task_id=row.task_id,
        status=PostcardStatus(row.status),
        prompt=row.user_input[:200],
        title=(row.content or {}).get("title"),
        image_url=shared(settings, row.image_url, row.task_id),
        preview_url=shared(settings, row.preview_url, row.task_id),
        created_at=created,
        completed_at=as_utc(row.completed_at),
    )
