"""A status answer does not grow with a postcard's revisions: it lists the newest few, read with
one LIMITed query that leaves every page's HTML in the database, and the rest are paged at
GET …/revisions. Real API and Redis, SQLite and PostgreSQL; the runs are written through the
run store as the worker and the regenerate route write them."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import httpx
import pytest
import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.engine import Engine

from core.devserver import free_port
from core.settings import Settings
from runs.wiring import run_reads
from tests.harness import make_request, record_completed, record_revisions
from tests.stack import RedisServer, serve_api, stack_settings


@pytest.fixture
def api_settings(settings: Settings, redis_server: RedisServer) -> Settings:
    return stack_settings(settings, redis_server.url, free_port())


def postcard_with_revisions(settings: Settings, completed: set[int], last: int) -> str:
    request = make_request("a wedding card for Mia and Sam")
    record_completed(settings, request, {"frontend_code": "<html>r1</html>"})
    record_revisions(settings, request, completed, last)
    return request.task_id


@contextmanager
def statements() -> Iterator[list[str]]:
    """The SQL every engine of this process runs meanwhile."""
    seen: list[str] = []

    def note(_conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        seen.append(statement)

    event.listen(Engine, "before_cursor_execute", note)
    try:
        yield seen
    finally:
        event.remove(Engine, "before_cursor_execute", note)


async def test_status_lists_the_newest_revisions_and_pages_the_rest(
    api_settings: Settings,
) -> None:
    # Revision 3 is the newest that completed; 8-12 failed: the postcard shows revision 3.
    task_id = postcard_with_revisions(api_settings, completed={3}, last=12)
    few = postcard_with_revisions(api_settings, completed={2}, last=2)
    url = f"/api/v1/postcards/{task_id}/revisions"
    async with (
        serve_api(api_settings) as base,
        httpx.AsyncClient(base_url=base, timeout=30) as http,
    ):
        with statements() as seen:
            status = (await http.get(f"/api/v1/postcards/status/{task_id}")).json()
        pages = [
            (await http.get(url, params={"page": n, "page_size": 5})).json() for n in (1, 3, 4)
        ]
        bad = await http.get(url, params={"page_size": 1000})
        small = (await http.get(f"/api/v1/postcards/status/{few}")).json()

    assert status["status"] == "COMPLETED" and status["revision"] == 12
    assert [r["revision"] for r in status["revisions"]] == [8, 9, 10, 11, 12]
    assert {r["status"] for r in status["revisions"]} == {"FAILED"}
    assert status["revisions_total"] == 12
    assert status["revisions_url"].endswith(url)
    assert status["data"]["revision"] == 3, "the newest completed revision, outside the list"
    listed = [s for s in seen if "FROM postcard_runs" in s and "ORDER BY" in s]
    assert len(listed) == 1, seen
    assert "LIMIT" in listed[0] and "frontend_code" not in listed[0], listed[0]

    assert [[r["revision"] for r in page["items"]] for page in pages] == [
        [1, 2, 3, 4, 5],
        [11, 12],
        [],
    ]
    assert all(page["total"] == 12 and page["page_size"] == 5 for page in pages)
    assert pages[0]["items"][2]["status"] == "COMPLETED" and pages[0]["items"][2]["step"]
    assert bad.status_code == 422 and "page_size" in bad.json()["detail"]

    # Small counts keep the shape clients already read.
    assert [(r["revision"], r["status"]) for r in small["revisions"]] == [
        (1, "COMPLETED"),
        (2, "COMPLETED"),
    ]
    assert small["revisions_total"] == 2 and small["data"]["revision"] == 2


def test_a_listed_run_never_carries_its_page(api_settings: Settings) -> None:
    task_id = postcard_with_revisions(api_settings, completed={2}, last=3)
    reads = run_reads(api_settings)
    try:
        runs, total = reads.run_page(task_id, 0, 2, newest=True)
        assert ([r.revision for r in runs], total) == ([2, 3], 3)
        assert all("frontend_code" not in vars(run) for run in runs), "never loaded"
        with pytest.raises(sa.exc.SQLAlchemyError):
            _ = runs[0].frontend_code
        page = reads.run(task_id, 2)  # one revision read on its own keeps its page
        assert page is not None and page.frontend_code and "r2" in page.frontend_code
    finally:
        reads.engine.dispose()
