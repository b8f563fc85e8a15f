"""The receiver in docs/webhooks.md works: it accepts a body signed by the `standardwebhooks`
package, refuses a tampered one, and handles a repeated webhook-id once."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from standardwebhooks import Webhook

from core.webhook_checks import new_secret

DOC = Path(__file__).resolve().parent.parent / "docs" / "webhooks.md"


def test_the_documented_receiver_verifies_signatures(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    (source,) = re.findall(r"## A receiver\n\n```python\n(.*?)```", DOC.read_text(), re.S)
    secret = new_secret()
    monkeypatch.setenv("POSTCARD_WEBHOOK_SECRET", secret)
    namespace: dict[str, object] = {}
    exec(compile(source, str(DOC), "exec"), namespace)
    body = json.dumps(
        {"type": "postcard.completed", "data": {"task_id": "t1", "status": "COMPLETED"}}
    )
    now = datetime.now(UTC)
    headers = {
        "webhook-id": "msg_1",
        "webhook-timestamp": str(int(now.timestamp())),
        "webhook-signature": Webhook(secret).sign("msg_1", now, body),
    }
    with TestClient(namespace["app"]) as http:  # type: ignore[arg-type]
        assert http.post("/hooks/postcards", content=body, headers=headers).status_code == 200
        assert http.post("/hooks/postcards", content=body, headers=headers).status_code == 200
        tampered = body.replace("COMPLETED", "FAILED")
        assert http.post("/hooks/postcards", content=tampered, headers=headers).status_code == 400
    assert capsys.readouterr().out.splitlines() == ["postcard.completed t1 COMPLETED"]
