"""What a running workflow says of its own steps, for the status page and the event stream."""

from __future__ import annotations

import logging
from datetime import timedelta

from api.services import Services
from core.models import Progress

log = logging.getLogger("postcards.api")
QUERY_TIMEOUT = timedelta(seconds=2)


async def live_progress(services: Services, task_id: str) -> Progress | None:
    """The running workflow's own view of its steps, or None when it can't be asked.

    Any failure to ask (Temporal unreachable, the run already closed, a query the workflow
    failed: `WorkflowQueryFailedError` is not an `RPCError`) falls back to the database row.
    """
    client = await services.temporal()
    if client is None:
        return None
    try:
        return await client.get_workflow_handle(task_id).query(
            "progress", result_type=Progress, rpc_timeout=QUERY_TIMEOUT
        )
    except Exception as exc:  # the row is always a valid answer
        log.info(
            "progress query failed; answering from the database",
            extra={"task_id": task_id, "error": f"{type(exc).__name__}: {exc}"[:200]},
        )
        return None
