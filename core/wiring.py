"""Build the clients every process needs, from the one settings object."""

from __future__ import annotations

from temporalio.client import Client
from temporalio.contrib.pydantic import pydantic_data_converter

from core.db import make_engine
from core.repository import PostcardRepository
from core.settings import Settings
from core.storage import LocalBlobStore


def repository(settings: Settings) -> PostcardRepository:
    """The postcards table on the configured database."""
    return PostcardRepository(make_engine(settings.effective_database_url))


def blob_store(settings: Settings) -> LocalBlobStore:
    """The blob store under the data dir."""
    return LocalBlobStore(settings.blob_dir, settings.effective_public_base_url)


async def temporal_client(settings: Settings) -> Client:
    """A Temporal client with the pydantic data converter."""
    return await Client.connect(
        settings.temporal_address,
        namespace=settings.temporal_namespace,
        data_converter=pydantic_data_converter,
    )
