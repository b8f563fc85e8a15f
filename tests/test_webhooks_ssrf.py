"""A webhook URL is user input: the client refuses loopback, private, link-local and metadata
addresses after resolving the name itself (the resolver is injected: no public DNS here),
connects only to the address it checked, and follows no redirect."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest
from temporalio.exceptions import ApplicationError
from temporalio.testing import ActivityEnvironment

from activities.webhook_http import UrlRefused, post
from activities.webhooks import WebhookActivities
from core.db import make_engine, utcnow
from core.models import PostcardRequest, StepProgress, StepState
from core.settings import Settings
from core.webhook_checks import check_url
from core.webhooks import AttemptInput, DeliveryPolicy, delivery_id
from runs.reads import RunReads
from runs.store import RunStore
from runs.webhooks import WebhookStore
from tests.fakes.server import FakeServer, Reply


@pytest.fixture
def receiver() -> Iterator[FakeServer]:
    server = FakeServer(lambda _: Reply(200, {"ok": True})).start()
    yield server
    server.stop()


def resolving_to(*addresses: str) -> tuple[list[str], object]:
    """A resolver answering `addresses` for any name, and the names it was asked."""
    asked: list[str] = []

    async def resolve(host: str, port: int) -> list[str]:
        asked.append(host)
        return list(addresses)

    return asked, resolve


async def _post(url: str, allow_private: bool = False, resolver: object = None) -> object:
    extra = {"resolver": resolver} if resolver else {}
    return await post(url, b"{}", {}, allow_private=allow_private, timeout_s=5, **extra)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("https://127.0.0.1/hook", "loopback"),
        ("https://[::1]:8443/hook", "loopback"),
        ("https://10.0.0.1/hook", "private"),
        ("https://192.168.1.20/hook", "private"),
        ("https://169.254.169.254/latest/meta-data/", "metadata"),
        ("https://[::ffff:169.254.169.254]/", "metadata"),
        ("https://[fd00:ec2::254]/", "metadata"),
        ("https://169.254.10.10/", "link-local"),
        ("https://0.0.0.0/", "unspecified"),
        ("https://localhost/hook", "loopback"),
        ("http://hooks.example/hook", "https"),
        ("https://user:pw@hooks.example/hook", "credentials"),
    ],
)
async def test_refused_addresses_and_forms_never_connect(url: str, reason: str) -> None:
    asked, resolver = resolving_to("93.184.216.34")
    with pytest.raises(UrlRefused, match=reason):
        await _post(url, resolver=resolver)
    assert asked == [], "an address literal or a refused form is never resolved"
    with pytest.raises(ValueError, match=reason):
        check_url(url, allow_private=False)


@pytest.mark.parametrize(
    ("answers", "reason"),
    [
        (["10.1.2.3"], "resolves to 10.1.2.3, a private address"),
        (["127.0.0.1"], "resolves to 127.0.0.1, a loopback address"),
        (["169.254.169.254"], "cloud metadata"),
        (["93.184.216.34", "192.168.0.9"], "resolves to 192.168.0.9, a private"),
    ],
)
async def test_a_name_resolving_to_a_refused_address_is_refused(
    answers: list[str], reason: str
) -> None:
    asked, resolver = resolving_to(*answers)
    with pytest.raises(UrlRefused, match=reason):
        await _post("https://hooks.example/postcards", resolver=resolver)
    assert asked == ["hooks.example"]


async def test_the_connection_goes_to_the_checked_address_with_the_urls_host(
    receiver: FakeServer,
) -> None:
    """The name resolves (through the injected resolver) to the receiver's loopback address,
    allowed only with WEBHOOK_ALLOW_PRIVATE; the request still names the URL's host."""
    port = receiver.url.rsplit(":", 1)[1]
    asked, resolver = resolving_to("127.0.0.1")
    answer = await _post(f"http://hooks.example:{port}/in", allow_private=True, resolver=resolver)
    assert answer.status_code == 200  # type: ignore[attr-defined]
    assert asked == ["hooks.example"]
    assert receiver.requests[0].headers["host"] == f"hooks.example:{port}"
    with pytest.raises(UrlRefused, match="loopback"):
        await _post(f"https://hooks.example:{port}/in", resolver=resolver)
    assert len(receiver.requests) == 1


async def test_a_redirect_is_not_followed(receiver: FakeServer) -> None:
    elsewhere = FakeServer(lambda _: Reply(200)).start()
    try:
        receiver.script(Reply(302, headers={"location": f"{elsewhere.url}/stolen"}))
        answer = await _post(f"{receiver.url}/hook", allow_private=True)
    finally:
        elsewhere.stop()
    assert answer.status_code == 302  # type: ignore[attr-defined]
    assert elsewhere.requests == []


async def test_a_huge_answer_is_cut_short(receiver: FakeServer) -> None:
    receiver.script(Reply(200, b"x" * 5_000_000))
    answer = await _post(f"{receiver.url}/hook", allow_private=True)
    assert answer.status_code == 200 and answer.latency_ms < 5000  # type: ignore[attr-defined]


async def test_a_delivery_to_a_refused_address_fails_without_retry_and_says_why(
    database_url: str, tmp_path: object
) -> None:
    """The delivery activity itself, with the resolver injected: a name that resolves to a
    private address is recorded as a refused attempt and raised as non-retryable."""
    store = RunStore(make_engine(database_url))
    request = PostcardRequest(
        task_id=f"t-{uuid.uuid4().hex[:12]}",
        user_input="thanks",
        created_at=utcnow(),
        webhook_url="https://hooks.example/in",
    )
    store.create_pending(request)
    store.step_started(request, "concept", 1, "local", utcnow())
    done = StepProgress(status=StepState.COMPLETED, attempts=1)
    for step in ("concept", "content", "image", "frontend"):
        store.step_finished(request, step, done, {})
    settings = Settings(
        _env_file=None,  # type: ignore[call-arg]
        data_dir=str(tmp_path),
        database_url=database_url,
        webhook_secret="whsec_" + "C" * 44,
    )
    asked, resolver = resolving_to("10.9.8.7")
    webhooks = WebhookStore(store.engine)
    activities = WebhookActivities(webhooks, RunReads(store.engine), settings, resolver)  # type: ignore[arg-type]
    delivery = delivery_id(request.task_id, 1, "completed")
    attempt = AttemptInput(delivery_id=delivery, task_id=request.task_id, policy=DeliveryPolicy())
    with pytest.raises(ApplicationError) as raised:
        await ActivityEnvironment().run(activities.deliver, attempt)
    assert raised.value.type == "WebhookUrlRefused" and raised.value.non_retryable
    assert asked == ["hooks.example"]
    (view,) = webhooks.of_task(request.task_id)
    assert [a.error for a in view.attempts] == [raised.value.message]
    assert "10.9.8.7, a private address" in str(raised.value)
    assert view.delivery.payload is not None, "the body was built before the connect"
    webhooks.mark_dispatched([delivery])  # no later dispatcher on this database delivers it
