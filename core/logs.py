"""Structured logs: JSON lines carrying task_id, workflow_id and step where they apply."""

from __future__ import annotations

import logging
import sys
from typing import Any, TextIO

from pythonjsonlogger.json import JsonFormatter
from temporalio import activity

SERVER_LOGGERS = ("uvicorn", "uvicorn.error", "uvicorn.access")


class TemporalContext(logging.Filter):
    """Adds workflow_id, task_id (the workflow id of a postcard) and step to Temporal-side records.

    Inside an activity they come from `activity.info()`; records of `workflow.logger` and
    `activity.logger` carry them in their `temporal_workflow`/`temporal_activity` extra.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        """Fill in what the record does not already say; never drops a record."""
        for key, value in _context(record).items():
            if getattr(record, key, None) is None:
                setattr(record, key, value)
        return True


def _context(record: logging.LogRecord) -> dict[str, Any]:
    if activity.in_activity():
        info = activity.info()
        return {
            "workflow_id": info.workflow_id,
            "task_id": info.workflow_id,
            "step": info.activity_type,
            "attempt": info.attempt,
        }
    for attribute in ("temporal_workflow", "temporal_activity"):
        found = getattr(record, attribute, None)
        if isinstance(found, dict) and found.get("workflow_id"):
            context = {"workflow_id": found["workflow_id"], "task_id": found["workflow_id"]}
            if found.get("activity_type"):
                context["step"] = found["activity_type"]
            return context
    return {}


def configure_logging(level: str = "INFO", fmt: str = "json", stream: TextIO | None = None) -> None:
    """Route every logger (uvicorn's too) to stderr, as JSON by default, at LOG_LEVEL."""
    handler = logging.StreamHandler(stream or sys.stderr)
    if fmt == "json":
        handler.setFormatter(
            JsonFormatter(
                "%(asctime)s %(levelname)s %(name)s %(message)s",
                rename_fields={"asctime": "ts", "levelname": "level", "name": "logger"},
            )
        )
    else:
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s %(message)s"))
    handler.addFilter(TemporalContext())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level.upper())
    for name in SERVER_LOGGERS:
        server_logger = logging.getLogger(name)
        server_logger.handlers[:] = []
        server_logger.propagate = True
    for noisy in ("httpx", "httpcore", "temporalio.bridge"):
        logging.getLogger(noisy).setLevel(max(logging.WARNING, root.level))
