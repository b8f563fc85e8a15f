"""A small HTTP client for the Postcard Studio API, with errors that say what went wrong."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

import httpx

TERMINAL = ("COMPLETED", "FAILED")


class ApiError(RuntimeError):
    """The API could not be reached or refused the request; the message is for people."""


def _reason(response: httpx.Response) -> str:
    try:
        body = response.json()
    except ValueError:
        return response.text.strip()[:500] or response.reason_phrase
    detail = body.get("detail", body) if isinstance(body, dict) else body
    if isinstance(detail, list):
        parts = []
        for item in detail:
            if isinstance(item, dict):
                where = ".".join(str(p) for p in item.get("loc", []) if p != "body")
                parts.append(f"{where}: {item.get('msg', item)}" if where else str(item.get("msg")))
            else:
                parts.append(str(item))
        return "; ".join(parts)
    if isinstance(detail, dict):
        return str(detail.get("message") or detail)
    return str(detail)


class PostcardClient:
    """Create postcards and read their status over HTTP."""

    def __init__(self, base_url: str, timeout_s: float = 15.0) -> None:
        self.base_url = base_url.rstrip("/")
        self._http = httpx.Client(base_url=self.base_url, timeout=timeout_s)

    def __enter__(self) -> PostcardClient:
        return self

    def __exit__(self, *_: object) -> None:
        self._http.close()

    def _call(self, method: str, path: str, **kwargs: Any) -> Any:
        return self._send(method, path, **kwargs).json()

    def _send(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        try:
            response = self._http.request(method, path, **kwargs)
        except httpx.ConnectError as exc:
            raise ApiError(
                f"cannot reach the Postcard Studio API at {self.base_url} ({exc}); "
                "is the stack running? Start it with `scripts/dev.sh up`, or pass --api"
            ) from exc
        except httpx.TimeoutException as exc:
            raise ApiError(f"the API at {self.base_url} did not answer in time ({exc})") from exc
        except httpx.HTTPError as exc:
            raise ApiError(f"request to {self.base_url}{path} failed: {exc}") from exc
        if response.is_error:
            raise ApiError(
                f"the API answered {response.status_code} {response.reason_phrase} "
                f"to {method} {path}: {_reason(response)}"
            )
        return response

    def create(
        self,
        prompt: str,
        style: str | None = None,
        theme: str | None = None,
        language: str | None = None,
        webhook_url: str | None = None,
        webhook_events: list[str] | None = None,
    ) -> dict[str, Any]:
        """Ask for a postcard; the answer carries its task id."""
        body = {
            "prompt": prompt,
            "style": style,
            "theme": theme,
            "language": language,
            "webhook_url": webhook_url,
            "webhook_events": webhook_events,
        }
        payload = {key: value for key, value in body.items() if value is not None}
        result: dict[str, Any] = self._call("POST", "/api/v1/postcards/create", json=payload)
        return result

    def status(self, task_id: str) -> dict[str, Any]:
        """Where one postcard stands."""
        result: dict[str, Any] = self._call(
            "GET", f"/api/v1/postcards/status/{quote(task_id, safe='')}"
        )
        return result

    def regenerate(self, task_id: str, step: str, instruction: str | None = None) -> dict[str, Any]:
        """Make one step of a finished postcard again (and what depends on it)."""
        body = {"step": step, "instruction": instruction}
        path = f"/api/v1/postcards/{quote(task_id, safe='')}/regenerate"
        result: dict[str, Any] = self._call("POST", path, json=body)
        return result

    def cancel(self, task_id: str) -> dict[str, Any]:
        """Cancel a queued or running postcard (or its running revision)."""
        path = f"/api/v1/postcards/{quote(task_id, safe='')}/cancel"
        result: dict[str, Any] = self._call("POST", path)
        return result

    def delete(self, task_id: str) -> None:
        """Delete a postcard with its files and revisions."""
        self._send("DELETE", f"/api/v1/postcards/{quote(task_id, safe='')}")

    def poster(self, task_id: str, revision: int | None = None) -> bytes:
        """The PNG poster of a finished postcard (the latest revision by default)."""
        params = {"revision": revision} if revision is not None else {}
        path = f"/api/v1/postcards/{quote(task_id, safe='')}/poster.png"
        return self._send("GET", path, params=params, timeout=60).content

    def list(self, page: int = 1, page_size: int = 20) -> dict[str, Any]:
        """A page of postcards, newest first."""
        params = {"page": page, "page_size": page_size}
        result: dict[str, Any] = self._call("GET", "/api/v1/postcards", params=params)
        return result
