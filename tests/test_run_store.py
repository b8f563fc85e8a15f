"""The run store (runs/store.py), the one writer of runs: steps, ends, creates, revisions, the
final-status guard and its change notifications, on SQLite and PostgreSQL."""

from __future__ import annotations

import threading
import uuid

import pytest

from core.db import make_engine, utcnow
from core.models import PostcardError, PostcardRequest, PostcardStatus, StepProgress, StepState
from runs.reads import PostcardView, RunReads
from runs.store import RevisionRefused, RunStore


class Changes:
    """Records the store's notifications."""

    def __init__(self) -> None:
        self.seen: list[str] = []

    def __call__(self, task_id: str) -> None:
        self.seen.append(task_id)


@pytest.fixture
def changes() -> Changes:
    return Changes()


@pytest.fixture
def store(database_url: str, changes: Changes) -> RunStore:
    return RunStore(make_engine(database_url), changes)


@pytest.fixture
def reads(store: RunStore) -> RunReads:
    return RunReads(store.engine)


def _request(prompt: str = "生日快乐 Mia", **fields: object) -> PostcardRequest:
    return PostcardRequest(
        task_id=f"t-{uuid.uuid4().hex[:12]}", user_input=prompt, created_at=utcnow(), **fields
    )


def _done(attempts: int = 1, provider: str = "local") -> StepProgress:
    return StepProgress(status=StepState.COMPLETED, attempts=attempts, provider=provider)


def _view(reads: RunReads, task_id: str) -> PostcardView:
    view = reads.get(task_id)
    assert view is not None
    return view


def _complete(store: RunStore, request: PostcardRequest, provider: str = "local") -> None:
    for step in ("concept", "content", "image", "frontend"):
        store.step_started(request, step, 1, provider, utcnow())
        results = {
            "concept": {"concept": {"theme": step}},
            "content": {"content": {"title": f"r{request.revision}"}},
            "image": {"image_url": f"u{request.revision}", "image_key": f"k{request.revision}"},
            "frontend": {"frontend_code": f"<html>r{request.revision}</html>"},
        }[step]
        store.step_finished(request, step, _done(provider=provider), results)


def test_steps_run_queue_their_dependents_and_complete_the_run(
    store: RunStore, reads: RunReads, changes: Changes
) -> None:
    request = _request()
    store.create_pending(request)
    assert _view(reads, request.task_id).status == "PENDING"
    store.step_started(request, "concept", 3, "local", utcnow())
    running = _view(reads, request.task_id).run
    assert running.status == "PROCESSING" and running.current_step == "concept"
    assert running.retry_count == 2
    store.step_finished(request, "concept", _done(3), {"concept": {"title": "Mia"}})
    steps = _view(reads, request.task_id).run.steps or {}
    assert [steps[s]["status"] for s in ("concept", "content", "image", "frontend")] == [
        "completed",
        "queued",
        "queued",
        "pending",
    ], "content and image need only the concept; the page waits for both"
    store.step_started(request, "content", 1, "local", utcnow())
    store.step_finished(request, "content", _done(), {"content": {"title": "t"}})
    assert (_view(reads, request.task_id).run.steps or {})["frontend"]["status"] == "pending"
    store.step_started(request, "image", 1, "local", utcnow())
    store.step_progress(request, "image", 40)
    assert (_view(reads, request.task_id).run.steps or {})["image"]["progress_pct"] == 40
    store.step_finished(request, "image", _done(), {"image_url": "u", "image_key": "k"})
    assert (_view(reads, request.task_id).run.steps or {})["frontend"]["status"] == "queued"
    store.step_started(request, "frontend", 1, "local", utcnow())
    store.step_finished(request, "frontend", _done(), {"frontend_code": "<html></html>"})
    run = _view(reads, request.task_id).run
    assert run.status == "COMPLETED" and run.current_step is None
    assert run.finished_at is not None and run.concept == {"title": "Mia"}
    assert changes.seen.count(request.task_id) == 9, "every step write is announced"


def test_parallel_steps_never_overwrite_each_other(store: RunStore, reads: RunReads) -> None:
    """content ∥ image write the same run at once; the row lock keeps both entries."""
    requests = [_request() for _ in range(5)]
    for request in requests:
        store.create_pending(request)
    barrier = threading.Barrier(len(requests) * 2)
    errors: list[BaseException] = []

    def write(request: PostcardRequest, step: str) -> None:
        try:
            barrier.wait()
            store.step_started(request, step, 1, "local", utcnow())
            store.step_finished(request, step, _done(), {})
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
        steps = _view(reads, request.task_id).run.steps or {}
        assert steps["content"]["status"] == "completed", steps
        assert steps["image"]["status"] == "completed", steps


def test_a_step_of_an_unrecorded_task_records_it(store: RunStore, reads: RunReads) -> None:
    """A run started from outside the API (Temporal UI, CLI) still gets its postcard."""
    request = _request()
    store.step_started(request, "concept", 1, "local", utcnow())
    view = _view(reads, request.task_id)
    assert view.postcard.user_input == request.user_input
    assert view.status == PostcardStatus.PROCESSING.value


def test_fail_marks_the_failed_step_skips_the_rest_and_says_whether_it_changed(
    store: RunStore, reads: RunReads
) -> None:
    request = _request()
    store.create_pending(request)
    store.step_started(request, "concept", 1, "local", utcnow())
    store.step_finished(request, "concept", _done(), {"concept": {"t": 1}})
    store.step_started(request, "image", 4, "local", utcnow())
    error = PostcardError(step="image", type="SafetyBlocked", message="no", retryable=False)
    assert store.fail(request.task_id, 1, error) is True
    first = _view(reads, request.task_id).run
    assert store.fail(request.task_id, 1, error) is False, "it already ended: nothing changed"
    again = _view(reads, request.task_id).run
    steps = again.steps or {}
    assert again.status == "FAILED" and again.error_message == "image: SafetyBlocked: no"
    assert steps["image"]["status"] == "failed" and steps["image"]["error"] == "SafetyBlocked: no"
    assert steps["content"]["status"] == "skipped" and steps["frontend"]["status"] == "skipped"
    assert again.retry_count == 3
    assert again.finished_at == first.finished_at and again.updated_at == first.updated_at
    assert store.fail(f"missing-{uuid.uuid4().hex}", 1, error) is False, "no such run"


def test_a_final_status_never_changes(store: RunStore, reads: RunReads) -> None:
    """A late attempt's writes, a late failure and a second outcome leave a COMPLETED run
    exactly as it was."""
    request = _request()
    store.create_pending(request)
    _complete(store, request)
    done = _view(reads, request.task_id).run
    assert done.status == "COMPLETED"
    store.step_started(request, "frontend", 2, "local", utcnow())
    store.attempt_failed(request, "frontend", "ProviderError: late")
    store.step_finished(request, "frontend", _done(2), {"frontend_code": "x"})
    error = PostcardError(step="frontend", type="Terminated", message="late", retryable=True)
    assert store.fail(request.task_id, 1, error) is False
    after = _view(reads, request.task_id).run
    assert after.status == "COMPLETED" and after.error is None
    assert after.frontend_code == "<html>r1</html>"
    assert after.steps == done.steps and after.updated_at == done.updated_at


def test_a_refused_create_is_a_hidden_tombstone_unless_claimed_first(
    store: RunStore, reads: RunReads
) -> None:
    """The API's 503 path: a create's run becomes REFUSED only if nothing touched it since it
    was saved. A run the starter claimed goes ahead (that create answers 202)."""
    claimed, refused = _request(), _request()
    accepted = store.accept([claimed, refused])
    assert accepted.written == {claimed.task_id, refused.task_id} and not accepted.conflicts
    assert store.claim([claimed]) == {}
    assert store.refuse([claimed.task_id, refused.task_id], accepted.at) == {refused.task_id}

    assert reads.get(refused.task_id) is None, "users never see a tombstone"
    shown = {view.task_id for view in reads.list_for_user(None, 0, 10_000)[0]}
    assert claimed.task_id in shown and refused.task_id not in shown
    assert "REFUSED" not in reads.count_by_status()

    # The starter is told the create was refused; no run write brings the tombstone to life.
    assert store.claim([refused]) == {refused.task_id: "REFUSED"}
    store.step_started(refused, "concept", 1, "local", utcnow())
    error = PostcardError(step="ingest", type="Late", message="x", retryable=False)
    assert store.fail(refused.task_id, 1, error) is False
    assert reads.get(refused.task_id) is None

    # A retry with the same Idempotency-Key (same task id) makes the postcard after all.
    assert store.accept([refused]).written == {refused.task_id}
    assert _view(reads, refused.task_id).status == "PENDING"
    assert store.claim([refused]) == {}
    # Other runs are never replaced by a create.
    store.step_started(claimed, "concept", 1, "local", utcnow())
    assert store.accept([claimed]).written == set()
    assert _view(reads, claimed.task_id).status == "PROCESSING"


def test_an_idempotency_key_repeat_must_ask_for_the_same_postcard(store: RunStore) -> None:
    """Defect 5: the check is made where the row is written, in the same transaction, so two
    concurrent creates of one key with different bodies cannot both be accepted."""
    first = _request("生日快乐")
    other = first.model_copy(update={"user_input": "新年快乐"})
    styled = first.model_copy(update={"style": "ink"})
    batch = store.accept([first, other, first])  # one batch: the first one decides
    assert batch.written == {first.task_id}
    assert batch.conflicts == {1: ["prompt"]}
    later = store.accept([styled, first])  # a later batch: the saved request decides
    assert later.written == set() and later.conflicts == {0: ["style"]}


def test_claim_saves_postcards_of_entries_other_producers_added(
    store: RunStore, reads: RunReads
) -> None:
    request = _request()
    assert store.claim([request]) == {}
    view = _view(reads, request.task_id)
    assert view.status == "PENDING" and view.postcard.user_input == request.user_input


def test_a_completed_revision_becomes_what_the_postcard_shows_without_mixing_runs(
    store: RunStore, reads: RunReads
) -> None:
    """Defect 2: the postcard points at its current run, so its steps, providers and retries
    are that run's, never the first run's beside a revision's results."""
    request = _request()
    store.create_pending(request)
    with pytest.raises(RevisionRefused, match="PENDING"):
        store.begin_revision(request.task_id, "content", None)
    store.step_started(request, "concept", 2, "gemini", utcnow())
    store.step_finished(request, "concept", _done(2, "gemini"), {"concept": {"theme": "c1"}})
    for step in ("content", "image", "frontend"):
        store.step_started(request, step, 1, "gemini", utcnow())
        store.step_finished(request, step, _done(provider="gemini"), {})
    run = store.begin_revision(request.task_id, "image", "more snow")
    assert run.revision == 2 and run.concept == {"theme": "c1"}, "it keeps the concept"
    with pytest.raises(RevisionRefused, match="still running"):
        store.begin_revision(request.task_id, "content", None)
    assert _view(reads, request.task_id).run.revision == 1, "the first run is still shown"
    second = request.model_copy(update={"revision": 2})
    for step in ("image", "frontend"):
        store.step_started(second, step, 1, "local", utcnow())
        store.step_finished(second, step, _done(provider="local"), {"image_url": "u2"})
    view = _view(reads, request.task_id)
    steps = view.run.steps or {}
    assert view.postcard.revision == 2 and view.run.revision == 2
    assert view.run.status == "COMPLETED" and view.run.image_url == "u2"
    assert steps["concept"]["status"] == "kept" and steps["image"]["provider"] == "local"
    assert view.run.retry_count == 0, "the revision's own retries, not the first run's"
    assert [r.revision for r in reads.runs(request.task_id)] == [1, 2]


def test_a_failed_revision_leaves_the_postcard_showing_its_last_completed_run(
    store: RunStore, reads: RunReads
) -> None:
    request = _request()
    store.create_pending(request)
    _complete(store, request)
    run = store.begin_revision(request.task_id, "frontend", None)
    error = PostcardError(step="frontend", type="NotStarted", message="no", retryable=True)
    assert store.fail(request.task_id, run.revision, error) is True
    view = _view(reads, request.task_id)
    assert view.run.revision == 1 and view.status == "COMPLETED"
    assert store.begin_revision(request.task_id, "frontend", None).revision == 3


def test_a_cancel_before_the_start_ends_only_a_pending_run_and_claim_says_so(
    store: RunStore, reads: RunReads
) -> None:
    pending, running = _request(), _request()
    for request in (pending, running):
        store.create_pending(request)
    store.step_started(running, "concept", 1, "local", utcnow())
    cancelled = PostcardError(step="concept", type="Cancelled", message="by its owner")
    assert store.fail(pending.task_id, 1, cancelled, only_if_pending=True) is True
    assert store.fail(running.task_id, 1, cancelled, only_if_pending=True) is False
    assert _view(reads, running.task_id).status == "PROCESSING", "its workflow records its end"
    assert store.claim([pending, running]) == {pending.task_id: "FAILED"}, "not to be started"
    assert store.step_started(pending, "concept", 1, "local", utcnow()) is False


def test_delete_leaves_a_tombstone_that_nothing_brings_back(
    store: RunStore, reads: RunReads
) -> None:
    request = _request()
    store.create_pending(request)
    _complete(store, request)
    store.begin_revision(request.task_id, "image", None)
    removed = store.delete(request.task_id)
    assert removed.blob_keys == ["k1"] and removed.revisions == [1, 2]
    assert removed.open_runs == [f"{request.task_id}-r2"]
    assert reads.get(request.task_id) is None and reads.runs(request.task_id) == []
    # The cancelled run's late writes, and a redelivered stream entry, change nothing.
    assert store.step_started(request, "concept", 2, "local", utcnow()) is False
    error = PostcardError(step="concept", type="Cancelled", message="late")
    assert store.fail(request.task_id, 1, error, request) is False
    assert store.claim([request]) == {request.task_id: "DELETED"}
    assert reads.get(request.task_id) is None
    with pytest.raises(RevisionRefused, match="deleted"):
        store.begin_revision(request.task_id, "image", None)
    tombstone = reads.postcards([request.task_id])[request.task_id]
    assert tombstone.user_input == "" and tombstone.deleted_at is not None, "no wish is kept"
