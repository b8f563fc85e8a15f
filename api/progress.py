"""What a running workflow says of its own steps, for the status page and the event stream."""

from __future__ import annotations

import asyncio
import logging
from datetime import timedelta

from temporalio.client import WorkflowQueryRejectedError
from temporalio.common import QueryRejectCondition

from api.services import Services
from core.closed_runs import settle_closed_run
from core.db import Postcard
from core.models import PostcardStatus, Progress

log = logging.getLogger("postcards.api")
QUERY_TIMEOUT = timedelta(seconds=2)
FINAL = {PostcardStatus.COMPLETED.value, PostcardStatus.FAILED.value}


async def current_state(services: Services, row: Postcard) -> tuple[Postcard, Progress | None]:
    """The row, and the running workflow's own view of its steps when it can be asked.

    A row that is not final whose run has closed (terminated, timed out) is settled first from
    Temporal's record of the run, so the answer is final and says why.
    """
    if row.status in FINAL:
        return row, None
    client = await services.temporal()
    if client is None:
        return row, None
    try:
        live = await client.get_workflow_handle(row.task_id).query(
            "progress",
            result_type=Progress,
            reject_condition=QueryRejectCondition.NOT_OPEN,
            rpc_timeout=QUERY_TIMEOUT,
        )
    except WorkflowQueryRejectedError:
        return await _settled(services, row), None
    except Exception as exc:  # any failure to ask: the row is always a valid answer
        log.info(
            "progress query failed; answering from the database",
            extra={"task_id": row.task_id, "error": f"{type(exc).__name__}: {exc}"[:200]},
        )
        return row, None
    return row, live if row.status == PostcardStatus.PROCESSING.value else None


async def _settled(services: Services, row: Postcard) -> Postcard:
    client = await services.temporal()
    try:
        if client is None or not await settle_closed_run(client, services.repository, row.task_id):
            return row
    except Exception as exc:  # the sweep settles it later; answer from the row now
        log.info("settling a closed run failed", extra={"task_id": row.task_id, "error": str(exc)})
        return row
    return await asyncio.to_thread(services.repository.get, row.task_id) or row
