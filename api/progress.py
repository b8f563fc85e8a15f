"""What a running workflow says of its own steps, for the status page and the event stream.

Each answer of the `progress` query is shared for CACHE_S per task: a hundred tabs (status
polls or event streams) on one postcard cost one query per CACHE_S, and callers that ask while
a query is in flight wait for that one instead of sending their own.
"""

from __future__ import annotations

import asyncio
import enum
import logging
import weakref
from datetime import timedelta

from temporalio.client import Client, WorkflowQueryRejectedError
from temporalio.common import QueryRejectCondition

from api.services import Services
from api.shared_answers import SharedAnswers
from core.closed_runs import settle_closed_run
from core.db import Postcard
from core.models import PostcardStatus, Progress

log = logging.getLogger("postcards.api")
QUERY_TIMEOUT = timedelta(seconds=2)
FINAL = {PostcardStatus.COMPLETED.value, PostcardStatus.FAILED.value}
CACHE_S = 0.25


class Closed(enum.Enum):
    """The query was rejected: the run is no longer open."""

    RUN = "closed"


Answer = Progress | Closed | None


# Per client (one per app and event loop): task id → the latest or in-flight answer.
_answers: weakref.WeakKeyDictionary[Client, SharedAnswers[str, Answer]] = (
    weakref.WeakKeyDictionary()
)


async def _ask(client: Client, task_id: str) -> Answer:
    try:
        return await client.get_workflow_handle(task_id).query(
            "progress",
            result_type=Progress,
            reject_condition=QueryRejectCondition.NOT_OPEN,
            rpc_timeout=QUERY_TIMEOUT,
        )
    except WorkflowQueryRejectedError:
        return Closed.RUN
    except Exception as exc:  # any failure to ask: the row is always a valid answer
        log.info(
            "progress query failed; answering from the database",
            extra={"task_id": task_id, "error": f"{type(exc).__name__}: {exc}"[:200]},
        )
        return None


async def shared_answer(client: Client, task_id: str) -> Answer:
    """The `progress` query's answer for `task_id`, asked at most once per CACHE_S."""
    answers = _answers.get(client)
    if answers is None:
        answers = _answers[client] = SharedAnswers(CACHE_S)
    return await answers.get(task_id, lambda: _ask(client, task_id))


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
    live = await shared_answer(client, row.task_id)
    if live is Closed.RUN:
        return await _settled(services, row), None
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
