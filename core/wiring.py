"""Build the clients every process needs, from the one settings object."""

from __future__ import annotations

import redis.asyncio as aioredis
from redis.asyncio.retry import Retry
from redis.backoff import ExponentialBackoff
from redis.exceptions import AuthenticationError, AuthorizationError
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError
from temporalio.client import Client
from temporalio.contrib.pydantic import pydantic_data_converter
from temporalio.service import TLSConfig

from core.settings import Settings
from core.storage import LocalBlobStore


def blob_store(settings: Settings) -> LocalBlobStore:
    """The blob store under the data dir."""
    return LocalBlobStore(settings.blob_dir, settings.effective_public_base_url)


def temporal_tls(settings: Settings) -> TLSConfig | bool:
    """TLS for the Temporal connection: a client certificate (mTLS), plain TLS, or none."""
    if settings.temporal_tls_cert and settings.temporal_tls_key:
        return TLSConfig(
            client_cert=settings.temporal_tls_cert.read_bytes(),
            client_private_key=settings.temporal_tls_key.read_bytes(),
        )
    return settings.temporal_tls or settings.temporal_api_key is not None


async def temporal_client(settings: Settings) -> Client:
    """A Temporal client with the pydantic data converter (and Cloud's API key or mTLS)."""
    api_key = settings.temporal_api_key
    return await Client.connect(
        settings.temporal_address,
        namespace=settings.temporal_namespace,
        data_converter=pydantic_data_converter,
        api_key=api_key.get_secret_value() if api_key else None,
        tls=temporal_tls(settings),
    )


REDIS_MAX_CONNECTIONS = 100


def worth_retrying(error: Exception) -> bool:
    """redis-py counts a refused password or command as a connection error; another try cannot
    fix either, and retrying them (per connection and per command) kept a wrong password
    waiting ~7 s before anyone was told."""
    return not isinstance(error, (AuthenticationError, AuthorizationError))


def redis_client(settings: Settings) -> aioredis.Redis:
    """An asyncio Redis client that retries briefly and checks idle connections.

    A burst that uses every pooled connection waits up to 5 s for one to come back (a blocking
    pool) instead of failing at once with "Too many connections"."""
    password = settings.redis_password.get_secret_value() if settings.redis_password else None
    pool = aioredis.BlockingConnectionPool.from_url(
        settings.redis_url,
        max_connections=REDIS_MAX_CONNECTIONS,
        timeout=5,
        password=password,
        socket_connect_timeout=3,
        socket_timeout=settings.stream_block_ms / 1000 + 5,
        health_check_interval=15,
        retry=Retry(ExponentialBackoff(cap=2, base=0.1), retries=3, is_retryable=worth_retrying),
        retry_on_error=[RedisConnectionError, RedisTimeoutError],
    )
    client = aioredis.Redis(connection_pool=pool)
    client.auto_close_connection_pool = True  # aclose() also closes the pool
    return client
