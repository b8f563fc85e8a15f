"""RetentionWorkflow: delete the files of postcards older than the retention window.

A Temporal Schedule (runs/retention.py) starts it every RETENTION_INTERVAL_H; each run works
through the expired postcards a page at a time, one activity per page.
"""

from __future__ import annotations

from datetime import timedelta

from temporalio import workflow
from temporalio.common import RetryPolicy

with workflow.unsafe.imports_passed_through():
    from core.models import ExpireBatch, RetentionInput

PAGE = 200


@workflow.defn(name="RetentionWorkflow")
class RetentionWorkflow:
    """One pass of retention over every postcard created before the window."""

    @workflow.run
    async def run(self, retention: RetentionInput) -> int:
        """The number of postcards whose files this pass deleted."""
        before = workflow.now() - timedelta(days=retention.days)
        expired = 0
        while True:
            done: int = await workflow.execute_activity(
                "expire_results",
                ExpireBatch(created_before=before, limit=PAGE),
                result_type=int,
                start_to_close_timeout=timedelta(minutes=5),
                retry_policy=RetryPolicy(maximum_interval=timedelta(minutes=1)),
            )
            expired += done
            if done < PAGE:
                return expired
