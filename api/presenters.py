"""Turn stored rows and live workflow progress into response bodies."""

from __future__ import annotations

from api.schemas import PostcardData, PostcardStatusOut, PostcardSummary
from api.sharing import shared
from core.db import Postcard, as_utc
from core.models import STEPS, PostcardError, PostcardStatus, Progress, StepProgress
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


def status_body(row: Postcard, live: Progress | None, settings: Settings) -> PostcardStatusOut:
    """The status endpoint's answer."""
    status = PostcardStatus(row.status)
    data = None
    if status is PostcardStatus.COMPLETED:
        html_url = (
            f"{settings.effective_public_base_url}/files/{row.page_key}" if row.page_key else None
        )
        data = PostcardData(
            concept=row.concept,
            content=row.content,
            image_url=shared(settings, row.image_url, row.task_id),
            preview_url=shared(settings, row.preview_url, row.task_id),
            html_url=shared(settings, html_url, row.task_id),
        )
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
