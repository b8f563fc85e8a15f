"""The webhook outbox (runs/outbox.py): the store's writes that end a step or a run insert one
delivery per subscribed event, in the same transaction, once; on SQLite and PostgreSQL."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest
from temporalio.client import Client
from temporalio.contrib.pydantic import pydantic_data_converter

from core.db import make_engine, utcnow
from core.models import PostcardError, PostcardRequest, StepProgress, StepState
from runs.dispatcher import BATCH, Dispatcher
from runs.outbox import WebhookTargets
from runs.store import RunStore
from runs.webhooks import WebhookStore

HOOK = "https://hooks.example/postcards"
MADE: list[str] = []


def _request(**fields: object) -> PostcardRequest:
    request = PostcardRequest(
        task_id=f"t-{uuid.uuid4().hex[:12]}", user_input="生日快乐", created_at=utcnow(), **fields
    )
    MADE.append(request.task_id)
    return request


@pytest.fixture(autouse=True)
def undispatched_rows_stay_here(database_url: str) -> Iterator[None]:
    """After each test, its deliveries count as dispatched: a later test's dispatcher on the
    same database must not deliver them (nothing listens at hooks.example)."""
    yield
    webhooks = WebhookStore(make_engine(database_url))
    for task_id in MADE:
        webhooks.mark_dispatched([view.delivery.id for view in webhooks.of_task(task_id)])
    MADE.clear()
    webhooks.engine.dispose()


def _complete(store: RunStore, request: PostcardRequest) -> None:
    for step in ("concept", "content", "image", "frontend"):
        store.step_started(request, step, 1, "local", utcnow())
        done = StepProgress(status=StepState.COMPLETED, attempts=1, provider="local")
        store.step_finished(request, step, done, {})


def _deliveries(store: RunStore, task_id: str) -> dict[str, tuple[str, str | None]]:
    found = WebhookStore(store.engine).of_task(task_id)
    return {v.delivery.id: (v.delivery.url, v.delivery.signer) for v in found}


@pytest.fixture
def store(database_url: str) -> RunStore:
    return RunStore(make_engine(database_url))


def test_a_runs_own_webhook_gets_each_step_end_and_the_run_end_once(store: RunStore) -> None:
    request = _request(webhook_url=HOOK, webhook_events=["completed", "step"])
    store.create_pending(request)
    _complete(store, request)
    _complete(store, request)  # a retried activity's writes: the run is final, nothing changes
    error = PostcardError(step="frontend", type="Terminated", message="late")
    assert not store.fail(request.task_id, 1, error)
    t = request.task_id
    assert set(_deliveries(store, t)) == {
        f"webhook-{t}-r1-step-concept",
        f"webhook-{t}-r1-step-content",
        f"webhook-{t}-r1-step-image",
        f"webhook-{t}-r1-step-frontend",
        f"webhook-{t}-r1-completed",
    }
    assert {url for url, _ in _deliveries(store, t).values()} == {HOOK}
    row = WebhookStore(store.engine).delivery(f"webhook-{t}-r1-completed")
    assert row is not None and row.webhook_id.startswith("msg_") and row.payload is None
    assert row.dispatched_at is None and row.status == "pending"


def test_a_failed_run_makes_one_failed_event_and_its_failed_steps_event(store: RunStore) -> None:
    request = _request(webhook_url=HOOK, webhook_events=["failed", "step"])
    store.create_pending(request)
    store.step_started(request, "concept", 1, "local", utcnow())
    store.attempt_failed(request, "concept", "boom")  # an attempt failing ends nothing
    assert _deliveries(store, request.task_id) == {}
    error = PostcardError(step="concept", type="Terminated", message="by ops")
    assert store.fail(request.task_id, 1, error)
    assert not store.fail(request.task_id, 1, error)  # a second settler: no second event
    t = request.task_id
    assert set(_deliveries(store, t)) == {f"webhook-{t}-r1-failed", f"webhook-{t}-r1-step-concept"}


def test_keys_off_events_go_to_webhook_url_and_only_completed_and_failed(database_url: str) -> None:
    store = RunStore(make_engine(database_url), webhooks=WebhookTargets(default_url=HOOK))
    request = _request()
    store.create_pending(request)
    _complete(store, request)
    t = request.task_id
    assert _deliveries(store, t) == {f"webhook-{t}-r1-completed": (HOOK, None)}
    silent = _request()
    RunStore(store.engine).create_pending(silent)
    _complete(RunStore(store.engine), silent)
    assert _deliveries(store, silent.task_id) == {}, "no webhook anywhere: no rows"


def test_keys_on_events_go_to_the_owners_endpoint_until_it_is_disabled(database_url: str) -> None:
    store = RunStore(make_engine(database_url), webhooks=WebhookTargets(per_user=True))
    webhooks = WebhookStore(store.engine)
    user = f"u-{uuid.uuid4().hex[:8]}"
    _, secret = webhooks.put_endpoint(user, HOOK, ["completed"], rotate=False)
    assert secret is not None and secret.startswith("whsec_")
    first = _request(user_id=user)
    store.create_pending(first)
    _complete(store, first)
    assert _deliveries(store, first.task_id) == {
        f"webhook-{first.task_id}-r1-completed": (HOOK, user)
    }
    own = _request(user_id=user, webhook_url="https://own.example/h")
    store.create_pending(own)
    _complete(store, own)
    assert list(_deliveries(store, own.task_id).values()) == [("https://own.example/h", user)]
    assert webhooks.disable_endpoint(user, HOOK, "410 Gone")
    later = _request(user_id=user)
    store.create_pending(later)
    _complete(store, later)
    assert _deliveries(store, later.task_id) == {}


def test_a_revision_keeps_the_runs_webhook_unless_it_names_its_own(store: RunStore) -> None:
    request = _request(webhook_url=HOOK)
    store.create_pending(request)
    _complete(store, request)
    second = store.begin_revision(request.task_id, "content", "shorter")
    assert second.webhook_url == HOOK and second.webhook_events is None
    revised = request.model_copy(update={"revision": second.revision})
    for step in ("content", "frontend"):
        store.step_started(revised, step, 1, "local", utcnow())
        done = StepProgress(status=StepState.COMPLETED, attempts=1)
        store.step_finished(revised, step, done, {})
    third = store.begin_revision(
        request.task_id,
        "image",
        None,
        webhook_url="https://other.example/h",
        webhook_events=["step"],
    )
    assert (third.webhook_url, third.webhook_events) == ("https://other.example/h", ["step"])
    t = request.task_id
    assert set(_deliveries(store, t)) == {f"webhook-{t}-r1-completed", f"webhook-{t}-r2-completed"}


async def test_a_delivery_temporal_refuses_to_start_is_dead_lettered_not_retried_forever(
    store: RunStore, temporal_address: str, settings: object
) -> None:
    """A start that retrying cannot fix (here: a namespace Temporal does not know) must not
    block the deliveries behind it: it is dead-lettered with Temporal's reason."""
    request = _request(webhook_url=HOOK)
    store.create_pending(request)
    _complete(store, request)
    nowhere = await Client.connect(
        temporal_address, namespace="no-such-namespace", data_converter=pydantic_data_converter
    )
    webhooks = WebhookStore(store.engine)
    dispatcher = Dispatcher(nowhere, webhooks, settings)  # type: ignore[arg-type]
    while await dispatcher.dispatch() == BATCH:  # rows other tests left may come first
        pass
    row = webhooks.delivery(f"webhook-{request.task_id}-r1-completed")
    assert row is not None and row.status == "dead_lettered" and row.dispatched_at is not None
    assert row.error is not None and "Temporal refused to start the delivery" in row.error
    assert dispatcher.started == 0
