"""A webhook receiver on 127.0.0.1: answers each event's first `failures` attempts with
`status`, then 200, and verifies every request's signature with the `standardwebhooks` package."""

from __future__ import annotations

import json
import threading
from collections import Counter
from typing import Any

from standardwebhooks import Webhook, WebhookVerificationError

from tests.fakes.server import FakeServer, Recorded, Reply


class Receiver:
    """Counts requests per `webhook-id`; `bad_signatures` lists those that failed to verify."""

    def __init__(self, secret: str | None = None, failures: int = 0, status: int = 500) -> None:
        self.secret = secret
        self.failures = failures
        self.status = status
        self.seen: Counter[str] = Counter()
        self.bad_signatures: list[str] = []
        self._lock = threading.Lock()
        self.server = FakeServer(self._answer).start()

    @property
    def url(self) -> str:
        return f"{self.server.url}/hooks"

    @property
    def requests(self) -> list[Recorded]:
        return list(self.server.requests)

    def bodies(self, webhook_id: str) -> list[dict[str, Any]]:
        """The JSON bodies received under one webhook-id, in order."""
        return [json.loads(r.raw) for r in self.requests if r.headers["webhook-id"] == webhook_id]

    def stop(self) -> None:
        self.server.stop()

    def _answer(self, recorded: Recorded) -> Reply:
        message = recorded.headers.get("webhook-id", "")
        if self.secret is not None:
            try:
                Webhook(self.secret).verify(recorded.raw, recorded.headers)
            except WebhookVerificationError as exc:
                self.bad_signatures.append(f"{message}: {exc}")
        with self._lock:
            self.seen[message] += 1
            attempt = self.seen[message]
        if attempt <= self.failures:
            return Reply(self.status, {"error": "not now"})
        return Reply(200, {"ok": True})
