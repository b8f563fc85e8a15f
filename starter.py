"""The ingest bridge: `python starter.py` turns `postcard_tasks` entries into workflows."""

from __future__ import annotations

import asyncio
import logging
import os
import signal
import socket

from core.logs import configure_logging
from core.migrate import migrate
from core.settings import get_settings
from core.wiring import redis_client, temporal_client
from ingest.starter import Starter, connect_with_backoff
from ops.health import health_endpoint
from runs.wiring import run_store

log = logging.getLogger("postcards.starter")


async def main() -> None:
    """Run one consumer until SIGTERM/SIGINT; several may run at once."""
    settings = get_settings()
    configure_logging(settings.log_level, settings.log_format)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    migrate(settings.effective_database_url)
    client = await connect_with_backoff(lambda: temporal_client(settings), stop, "temporal")
    if client is None:
        return
    consumer = settings.consumer_name or f"{socket.gethostname()}-{os.getpid()}"
    redis = redis_client(settings)
    starter = Starter(redis, client, run_store(settings), settings, consumer)
    log.info("starter running", extra={"consumer": consumer, "stream": settings.stream_name})
    try:
        async with health_endpoint(
            settings.metrics_host, settings.starter_metrics_port, starter.liveness
        ):
            await starter.run(stop)
    finally:
        await redis.aclose()
        log.info(
            "starter stopped",
            extra={"started": starter.started, "dead_lettered": starter.dead_lettered},
        )


if __name__ == "__main__":
    asyncio.run(main())
