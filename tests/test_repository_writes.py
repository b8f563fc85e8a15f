"""The worker's writes to the postcards table: Core statements, concurrent steps, missing rows."""

from __future__ import annotations

import asyncio
import sqlite3
import threading
import uuid
from pathlib import Path

import pytest

from activities import PostcardActivities
from core.db import make_engine, utcnow
from core.migrate import migrate
from core.models import (
    PostcardError,
    PostcardRequest,
    PostcardStatus,
    StepProgress,
    StepState,
)
from core.repository import PostcardRepository
from core.settings import Settings
from core.storage import LocalBlobStore
from providers.factory import ProviderFactory


@pytest.fixture
def repo(database_url: str) -> PostcardRepository:
    return PostcardRepository(make_engine(database_url))


def _settings() -> Settings:
    return Settings(_env_file=None)  # type: ignore[call-arg]


def _request() -> PostcardRequest:
    return PostcardRequest(
        task_id=f"t-{uuid.uuid4().hex[:12]}", user_input="生日快乐 Mia", created_at=utcnow()
    )


def _state(status: StepState, attempts: int = 1) -> StepProgress:
    return StepProgress(status=status, attempts=attempts, provider="local")


def test_step_writes_keep_every_step_and_count_retries(repo: PostcardRepository) -> None:
    request = _request()
    repo.create_pending(request)
    repo.update_step(request, "concept", _state(StepState.RUNNING, 3))
    repo.update_step(
        request, "concept", _state(StepState.COMPLETED, 3), {"concept": {"title": "Mia"}}
    )
    repo.update_step(request, "image", _state(StepState.RUNNING, 2))
    row = repo.get(request.task_id)
    assert row is not None
    assert row.status == PostcardStatus.PROCESSING.value
    assert row.current_step == "image"
    assert row.concept == {"title": "Mia"}
    assert row.steps is not None
    assert row.steps["concept"]["status"] == "completed"
    assert row.steps["image"]["status"] == "running"
    assert row.steps["content"]["status"] == "pending"
    assert row.retry_count == 2 + 1


def test_parallel_steps_never_overwrite_each_other(repo: PostcardRepository) -> None:
    """content ∥ image write the same row at once; each keeps its own entry (optimistic check)."""
    requests = [_request() for _ in range(5)]
    for request in requests:
        repo.create_pending(request)
    barrier = threading.Barrier(len(requests) * 2)
    errors: list[BaseException] = []

    def write(request: PostcardRequest, step: str) -> None:
        try:
            barrier.wait()
            for state in (StepState.RUNNING, StepState.COMPLETED):
                repo.update_step(request, step, _state(state))
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [
        threading.Thread(target=write, args=(request, step))
        for request in requests
        for step in ("content", "image")
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert errors == []
    for request in requests:
        row = repo.get(request.task_id)
        assert row is not None and row.steps is not None
        assert row.steps["content"]["status"] == "completed", row.steps
        assert row.steps["image"]["status"] == "completed", row.steps


def test_a_step_of_an_unrecorded_task_records_it(repo: PostcardRepository) -> None:
    """A run started from outside the API (Temporal UI, CLI) still gets its row."""
    request = _request()
    repo.update_step(request, "concept", _state(StepState.RUNNING))
    row = repo.get(request.task_id)
    assert row is not None
    assert row.user_input == request.user_input
    assert row.status == PostcardStatus.PROCESSING.value


def test_finish_is_one_idempotent_update(repo: PostcardRepository) -> None:
    request = _request()
    repo.create_pending(request)
    steps = {
        "concept": _state(StepState.COMPLETED, 2),
        "content": _state(StepState.COMPLETED),
        "image": _state(StepState.FAILED, 4),
        "frontend": StepProgress(status=StepState.SKIPPED),
    }
    error = PostcardError(step="image", type="SafetyBlocked", message="no", retryable=False)
    repo.update_step(request, "image", _state(StepState.RUNNING, 4))
    repo.finish(request, PostcardStatus.FAILED, steps, error)
    first = repo.get(request.task_id)
    repo.finish(request, PostcardStatus.FAILED, steps, error)
    again = repo.get(request.task_id)
    assert first is not None and again is not None
    assert again.status == PostcardStatus.FAILED.value
    assert again.error_message == "image: SafetyBlocked: no"
    assert again.current_step == "image"  # a failure keeps the step it failed at
    assert again.retry_count == 1 + 3
    assert again.completed_at == first.completed_at  # the first finish's time is kept
    assert again.steps is not None and again.steps["frontend"]["status"] == "skipped"


def test_finish_of_an_unrecorded_task_records_it(repo: PostcardRepository) -> None:
    request = _request()
    steps = {name: _state(StepState.COMPLETED) for name in ("concept", "content", "image")}
    repo.finish(request, PostcardStatus.COMPLETED, steps, None)
    row = repo.get(request.task_id)
    assert row is not None
    assert row.status == PostcardStatus.COMPLETED.value
    assert row.current_step is None and row.completed_at is not None


def test_the_last_step_can_record_completion_unless_the_run_already_ended(
    repo: PostcardRepository,
) -> None:
    request, late = _request(), _request()
    for r in (request, late):
        repo.create_pending(r)
    repo.update_step(request, "frontend", _state(StepState.COMPLETED), completes=True)
    row = repo.get(request.task_id)
    assert row is not None
    assert row.status == PostcardStatus.COMPLETED.value
    assert row.current_step is None and row.completed_at is not None
    # The run already failed (say, its overall timeout fired): a late write does not revive it.
    error = PostcardError(step="frontend", type="WorkflowTimeout", message="late", retryable=True)
    repo.finish(late, PostcardStatus.FAILED, {"frontend": _state(StepState.FAILED)}, error)
    repo.update_step(late, "frontend", _state(StepState.COMPLETED), completes=True)
    row = repo.get(late.task_id)
    assert row is not None and row.status == PostcardStatus.FAILED.value


async def test_a_step_write_made_inline_waits_in_a_thread_while_sqlite_is_locked(
    tmp_path: Path,
) -> None:
    """The worker writes SQLite inline on its event loop on a connection that never waits;
    when another writer holds the lock it must wait in a thread instead, and still save."""
    url = f"sqlite:///{tmp_path / 'postcards.db'}"
    migrate(url)
    repo = PostcardRepository(make_engine(url))
    activities = PostcardActivities(
        repo,
        LocalBlobStore(tmp_path / "blobs", "http://x"),
        ProviderFactory(_settings()),
        "http://x",
    )
    assert activities._inline is not None, "SQLite gets the inline path"
    request = _request()
    repo.create_pending(request)
    await activities._update_step(request, "concept", _state(StepState.RUNNING))
    holder = sqlite3.connect(tmp_path / "postcards.db", isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")  # another writer holds the lock
    try:
        write = asyncio.create_task(
            activities._update_step(request, "concept", _state(StepState.COMPLETED))
        )
        await asyncio.sleep(0.5)
        assert not write.done(), "the write waits for the lock (in a thread)"
        row = repo.get(request.task_id)
        assert row is not None and row.steps is not None
        assert row.steps["concept"]["status"] == "running"
    finally:
        holder.execute("COMMIT")
        holder.close()
    await asyncio.wait_for(write, 30)
    row = repo.get(request.task_id)
    assert row is not None and row.steps is not None
    assert row.steps["concept"]["status"] == "completed"


async def test_other_databases_write_steps_in_a_thread(database_url: str) -> None:
    repo = PostcardRepository(make_engine(database_url))
    activities = PostcardActivities(
        repo,
        LocalBlobStore(Path("/nonexistent"), "http://x"),
        ProviderFactory(_settings()),
        "http://x",
    )
    assert (activities._inline is None) == database_url.startswith("postgresql")


def test_a_final_status_never_changes(repo: PostcardRepository) -> None:
    """The frontend step wrote COMPLETED; a retried attempt of it that then fails, a late
    FAILED outcome and an operator's mark_failed leave the postcard exactly as it was."""
    request = _request()
    repo.create_pending(request)
    repo.update_step(
        request,
        "frontend",
        _state(StepState.COMPLETED),
        {"frontend_code": "<html>done</html>"},
        completes=True,
    )
    done = repo.get(request.task_id)
    assert done is not None and done.status == PostcardStatus.COMPLETED.value

    repo.update_step(request, "frontend", _state(StepState.FAILED, 2), {"frontend_code": "x"})
    error = PostcardError(step="frontend", type="ProviderError", message="late", retryable=True)
    failed_steps = {"frontend": _state(StepState.FAILED, 2)}
    repo.finish(request, PostcardStatus.FAILED, failed_steps, error)
    assert repo.mark_failed(request.task_id, error) is True, "the row exists"

    after = repo.get(request.task_id)
    assert after is not None
    assert after.status == PostcardStatus.COMPLETED.value
    assert after.error is None and after.error_message is None
    assert after.frontend_code == "<html>done</html>"
    assert after.steps == done.steps and after.retry_count == done.retry_count
    assert after.updated_at == done.updated_at and after.completed_at == done.completed_at


def test_mark_failed_fails_an_open_run_and_tells_whether_the_row_exists(
    repo: PostcardRepository,
) -> None:
    request = _request()
    repo.create_pending(request)
    repo.update_step(request, "concept", _state(StepState.RUNNING))
    error = PostcardError(step="concept", type="Terminated", message="by ops", retryable=False)
    assert repo.mark_failed(request.task_id, error) is True
    row = repo.get(request.task_id)
    assert row is not None and row.status == PostcardStatus.FAILED.value
    assert row.error_message == "concept: Terminated: by ops"
    assert repo.mark_failed(f"missing-{uuid.uuid4().hex}", error) is False


def test_a_refused_create_is_a_hidden_tombstone_unless_claimed_first(
    repo: PostcardRepository,
) -> None:
    """The API's 503 path: a create's row becomes REFUSED only if nothing touched it since its
    insert. A row the starter claimed for its run goes ahead (that create answers 202)."""
    claimed, refused = _request(), _request()
    written, saved_at = repo.insert_creates([claimed, refused])
    assert written == {claimed.task_id, refused.task_id}
    assert repo.claim([claimed]) == set()
    assert repo.refuse([claimed.task_id, refused.task_id], saved_at) == {refused.task_id}

    assert repo.get(refused.task_id) is None, "users never see a tombstone"
    tombstone = repo.get_for_create(refused.task_id)
    assert tombstone is not None and tombstone.status == "REFUSED"
    shown = {row.task_id for row in repo.list_for_user(None, 0, 10_000)[0]}
    assert claimed.task_id in shown and refused.task_id not in shown
    assert "REFUSED" not in repo.count_by_status()
    assert repo.get(claimed.task_id) is not None

    # The starter is told the create was refused; no run write brings the tombstone to life.
    assert repo.claim([refused]) == {refused.task_id}
    repo.update_step(refused, "concept", _state(StepState.RUNNING))
    error = PostcardError(step="ingest", type="Late", message="x", retryable=False)
    repo.finish(refused, PostcardStatus.FAILED, {"concept": _state(StepState.FAILED)}, error)
    repo.mark_failed(refused.task_id, error)
    still = repo.get_for_create(refused.task_id)
    assert still is not None and still.status == "REFUSED" and still.error is None

    # A retry with the same Idempotency-Key (same task id) makes the postcard after all.
    written, _ = repo.insert_creates([refused])
    assert written == {refused.task_id}
    revived = repo.get(refused.task_id)
    assert revived is not None and revived.status == PostcardStatus.PENDING.value
    assert repo.claim([refused]) == set()
    # Other rows are never replaced by a create.
    repo.update_step(claimed, "concept", _state(StepState.RUNNING))
    assert repo.insert_creates([claimed])[0] == set()
    row = repo.get(claimed.task_id)
    assert row is not None and row.status == PostcardStatus.PROCESSING.value


def test_claim_saves_rows_of_entries_other_producers_added(repo: PostcardRepository) -> None:
    request = _request()
    assert repo.claim([request]) == set()
    row = repo.get(request.task_id)
    assert row is not None and row.status == PostcardStatus.PENDING.value
    assert row.user_input == request.user_input
