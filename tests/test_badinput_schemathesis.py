"""Schemathesis against the app's own OpenAPI schema: no 5xx, and every 4xx says why.

Valid and deliberately invalid requests for every operation go over real HTTP to uvicorn,
backed by real Redis, Temporal and the test database (SQLite and PostgreSQL).
"""

from __future__ import annotations

import asyncio
from collections import Counter

import requests
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode
from schemathesis.schemas import APIOperation

from core.devserver import free_port
from core.settings import Settings
from tests.stack import RedisServer, serve_api, stack_settings

MIN_TOTAL_CASES = 1000


def judge(response: requests.Response) -> str | None:
    """What is wrong with an answer, if anything."""
    if response.status_code >= 500:
        return f"server error {response.status_code}: {response.text[:300]}"
    if response.status_code >= 400:
        try:
            detail = response.json().get("detail")
        except (ValueError, AttributeError):
            return f"{response.status_code} without a JSON body: {response.text[:200]!r}"
        if not detail:
            return f"{response.status_code} without a reason: {response.text[:200]!r}"
    return None


def takes_input(operation: APIOperation) -> bool:
    """Whether the operation has parameters or a body to fuzz (else one case says it all)."""
    return bool(list(operation.iter_parameters()) or operation.body)


def fuzz(operation: APIOperation, base_url: str, cases: int, counts: Counter[str]) -> str | None:
    """Run up to `cases` cases of the operation; the first problem found (shrunk), or None."""
    session = requests.Session()
    strategy = operation.as_strategy(GenerationMode.POSITIVE) | operation.as_strategy(
        GenerationMode.NEGATIVE
    )

    @settings(
        max_examples=cases,
        deadline=None,
        database=None,
        derandomize=True,
        suppress_health_check=list(HealthCheck),
    )
    @given(case=strategy)
    def check(case: schemathesis.Case) -> None:
        counts[operation.label] += 1
        response = case.call(base_url=base_url, session=session, timeout=15)
        problem = judge(response)
        assert problem is None, f"{problem}\n  {case.as_curl_command()}"

    try:
        check()
    except AssertionError as exc:
        return f"{operation.label}: {exc}"
    return None


async def test_fuzzed_requests_get_no_5xx_and_every_4xx_has_a_reason(
    settings: Settings, redis_server: RedisServer
) -> None:
    prepared = stack_settings(settings, redis_server.url, free_port()).model_copy(
        update={"create_rate_limit": "off", "stream_max_backlog": 1_000_000}
    )
    async with serve_api(prepared) as base_url:
        schema = await asyncio.to_thread(schemathesis.openapi.from_url, f"{base_url}/openapi.json")
        operations = [result.ok() for result in schema.get_all_operations()]
        assert {"POST /api/v1/postcards/create", "GET /preview/{task_id}"} <= {
            o.label for o in operations
        }
        fuzzable = [o for o in operations if takes_input(o)]
        # The full budget on PostgreSQL (the stricter store), a sixth of it on SQLite.
        share = 1 if "postgresql" in settings.effective_database_url else 6
        cases = (MIN_TOTAL_CASES // len(fuzzable) + 20) // share
        counts: Counter[str] = Counter()
        problems = []
        for operation in operations:
            budget = cases if operation in fuzzable else 5
            problem = await asyncio.to_thread(fuzz, operation, base_url, budget, counts)
            if problem:
                problems.append(problem)
    print(f"\nschemathesis cases: {sum(counts.values())} {dict(counts)}")
    assert problems == []
    assert sum(counts.values()) >= MIN_TOTAL_CASES // share
