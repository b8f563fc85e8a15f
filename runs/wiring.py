"""The run store and reads on the configured database, for each process to build once."""

from __future__ import annotations

from core.db import make_engine
from core.settings import Settings
from runs.events import redis_notifier
from runs.outbox import WebhookTargets
from runs.reads import RunReads
from runs.store import RunStore


def run_store(settings: Settings) -> RunStore:
    """The run store, announcing its changes on the deployment's Redis."""
    return RunStore(
        make_engine(settings.effective_database_url),
        redis_notifier(settings),
        webhook_targets(settings),
    )


def webhook_targets(settings: Settings) -> WebhookTargets:
    """Where runs without a webhook of their own send events: the owner's endpoint with API
    keys on, WEBHOOK_URL with them off."""
    per_user = bool(settings.api_key_users)
    return WebhookTargets(per_user=per_user, default_url=None if per_user else settings.webhook_url)


def run_reads(settings: Settings, store: RunStore | None = None) -> RunReads:
    """Reads of postcards and their runs, on the store's engine when one is given."""
    return RunReads(store.engine if store else make_engine(settings.effective_database_url))
