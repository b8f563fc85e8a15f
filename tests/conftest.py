"""Real parts for every test: a Temporal dev server, SQLite and PostgreSQL databases."""

from __future__ import annotations

import asyncio
import os
import uuid
import weakref
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import psycopg
import pytest
from playwright.async_api import Browser
from sqlalchemy import Connection, Engine, event
from temporalio.client import Client
from temporalio.contrib.pydantic import pydantic_data_converter

from core.devserver import dev_server_command, start_dev_server, stop_dev_server
from core.migrate import migrate
from core.settings import Settings
from tests.fakes.anthropic import fake_anthropic
from tests.fakes.gemini import fake_gemini
from tests.fakes.server import FakeServer
from tests.stack import RedisServer

POSTGRES_ADMIN_URL = os.environ.get(
    "TEST_POSTGRES_ADMIN_URL", "postgresql://postgres@127.0.0.1:5432/postgres"
)
REPO = Path(__file__).resolve().parent.parent


# Every engine a test makes (its own, the in-process API's and worker's) keeps up to ten idle
# PostgreSQL connections until it is garbage-collected, which may be many tests later: over the
# whole suite they reached the server's max_connections (100) on CI. Each test closes them.
ENGINES: weakref.WeakSet[Engine] = weakref.WeakSet()


@event.listens_for(Engine, "engine_connect")
def _seen(connection: Connection) -> None:
    ENGINES.add(connection.engine)


@pytest.fixture(autouse=True)
def close_idle_postgres_connections() -> Iterator[None]:
    """After each test, close the idle pooled PostgreSQL connections of the engines it used."""
    yield
    for engine in list(ENGINES):
        if engine.dialect.name == "postgresql":
            engine.dispose()


@pytest.fixture(scope="session")
def temporal_address(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A real Temporal dev server, durable on SQLite, for the whole session."""
    folder = tmp_path_factory.mktemp("temporal")
    process, port = start_dev_server(
        lambda port: dev_server_command(port, folder / "temporal.db"), folder / "server.log"
    )
    try:
        yield f"127.0.0.1:{port}"
    finally:
        stop_dev_server(process)


@pytest.fixture(scope="session")
async def client(temporal_address: str) -> Client:
    """A client with the pydantic data converter, once the server answers."""
    for _ in range(100):
        try:
            return await Client.connect(temporal_address, data_converter=pydantic_data_converter)
        except RuntimeError:
            await asyncio.sleep(0.2)
    raise RuntimeError(f"Temporal at {temporal_address} never answered")


def _postgres_database() -> Iterator[str]:
    name = f"postcards_test_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(POSTGRES_ADMIN_URL, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    base = POSTGRES_ADMIN_URL.rsplit("/", 1)[0]
    try:
        yield f"{base}/{name}"
    finally:
        with psycopg.connect(POSTGRES_ADMIN_URL, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(scope="session", params=["sqlite", "postgres"])
def database_url(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    """A migrated database: SQLite in a temp dir, or a fresh PostgreSQL database."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path_factory.mktemp('sqlite') / 'postcards.db'}"
        migrate(url)
        yield url
        return
    generator = _postgres_database()
    url = next(generator)
    migrate(url)
    yield url
    generator.close()


@pytest.fixture
def settings(database_url: str, temporal_address: str, tmp_path: Path) -> Settings:
    """Settings for one test: its own data dir, the session's database and Temporal."""
    return Settings(
        _env_file=None,  # type: ignore[call-arg]
        data_dir=tmp_path / "data",
        database_url=database_url,
        temporal_address=temporal_address,
        text_provider="local",
        image_provider="local",
        code_provider="local",
        log_format="console",
        # The machine's Redis outlives a test run: a step cache there would leak between tests.
        provider_cache_enabled=False,
    )


@pytest.fixture
def redis_server(tmp_path: Path) -> Iterator[RedisServer]:
    """A redis-server of the test's own, which the test may stop and start again."""
    server = RedisServer(tmp_path / "redis")
    server.start()
    yield server
    server.stop()


@pytest.fixture(scope="module")
async def browser() -> AsyncIterator[Browser]:
    """Debian's Chromium, one per test module."""
    from tests.test_studio_support import chromium

    async with chromium() as launched:
        yield launched


@pytest.fixture(scope="module")
def redis_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A redis-server shared by one test module."""
    server = RedisServer(tmp_path_factory.mktemp("module-redis"))
    server.start()
    yield server.url
    server.stop()


@pytest.fixture
def servers() -> Iterator[tuple[FakeServer, FakeServer]]:
    """Local Gemini and Claude servers speaking each provider's wire protocol."""
    gemini, claude = fake_gemini(), fake_anthropic()
    yield gemini, claude
    gemini.stop()
    claude.stop()
