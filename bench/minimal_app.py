"""The yardstick for the create endpoint: the least a FastAPI 202 with a validated body costs.

`uvicorn bench.minimal_app:app` with the same flags as the product API. It parses and validates
the same request body and answers the same shape, but saves nothing and enqueues nothing.
"""

from __future__ import annotations

import uuid

from fastapi import FastAPI, status

from api.schemas import Created, CreatePostcard

app = FastAPI(title="minimal create")


@app.post("/api/v1/postcards/create", status_code=status.HTTP_202_ACCEPTED, response_model=Created)
async def create(body: CreatePostcard) -> Created:
    """Validate the body and answer 202 with a fresh task id."""
    task_id = uuid.uuid4().hex
    return Created(
        task_id=task_id,
        status_url=f"http://127.0.0.1/api/v1/postcards/status/{task_id}",
        preview_url=f"http://127.0.0.1/preview/{task_id}",
    )
