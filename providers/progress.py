"""How far a long provider call has got, reported without threading a callback through every
provider: the activity installs a reporter for the call's task, a provider reports into it."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar

_reporter: ContextVar[Callable[[int], None] | None] = ContextVar("step_progress", default=None)


def report_progress(percent: float) -> None:
    """Report the running call's estimated percent done (0–99); a no-op with no reporter."""
    reporter = _reporter.get()
    if reporter is not None:
        reporter(max(0, min(99, int(percent))))


@contextmanager
def reporting_to(reporter: Callable[[int], None]) -> Iterator[None]:
    """Send reports to `reporter` from tasks created inside this block (they copy the context)."""
    token = _reporter.set(reporter)
    try:
        yield
    finally:
        _reporter.reset(token)
