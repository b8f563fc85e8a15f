"""The run store and reads on the configured database, for each process to build once."""

from __future__ import annotations

from core.db import make_engine
from core.settings import Settings
from runs.events import redis_notifier
from runs.reads import RunReads
from runs.store import RunStore


def run_store(settings: Settings) -> RunStore:
    """The run store, announcing its changes on the deployment's Redis."""
    return RunStore(make_engine(settings.effective_database_url), redis_notifier(settings))


def run_reads(settings: Settings, store: RunStore | None = None) -> RunReads:
    """Reads of postcards and their runs, on the store's engine when one is given."""
    return RunReads(store.engine if store else make_engine(settings.effective_database_url))
