"""The `postcard_tasks` stream message: encoding, and strict decoding with a reason on failure."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from pydantic import ValidationError

from core.models import PostcardRequest
from core.webhook_checks import check_url
from core.webhooks import EVENTS

TASK_TYPE = "postcard_generation"
MAX_FIELD_BYTES = 16_384


class InvalidEntry(ValueError):
    """A stream entry that can never become a workflow; the message says why."""


FIELDS = (
    "task_id",
    "task_type",
    "user_input",
    "style",
    "theme",
    "language",
    "user_id",
    "created_at",
    "metadata",
    "deadline_at",
    "webhook_url",
    "webhook_events",
)
"""The stream fields of a request, in `encode`'s order (the webhook fields are optional:
`webhook_url`, and `webhook_events` as a comma list of completed, failed, step)."""


def encode(request: PostcardRequest) -> dict[str, str]:
    """The stream fields for a request (the shape other producers may XADD too)."""
    return dict(zip(FIELDS, encode_values(request), strict=True))


def encode_values(request: PostcardRequest) -> list[str]:
    """The values of `encode(request)`, in the order of FIELDS (no dict per entry)."""
    metadata = request.metadata
    return [
        request.task_id,
        TASK_TYPE,
        request.user_input,
        request.style or "",
        request.theme or "",
        request.language or "",
        request.user_id,
        request.created_at.isoformat(),
        json.dumps(metadata, ensure_ascii=False) if metadata else "{}",
        request.deadline_at.isoformat() if request.deadline_at else "",
        request.webhook_url or "",
        ",".join(request.webhook_events or ()),
    ]


def _text(fields: dict[bytes, bytes], name: str, required: bool = False) -> str | None:
    raw = fields.get(name.encode())
    if raw is None or raw == b"":
        if required:
            raise InvalidEntry(f"missing field {name!r}")
        return None
    if len(raw) > MAX_FIELD_BYTES:
        raise InvalidEntry(f"field {name!r} is {len(raw)} bytes, over {MAX_FIELD_BYTES}")
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InvalidEntry(f"field {name!r} is not valid UTF-8: {exc.reason}") from exc


def task_id_of(fields: dict[bytes, bytes]) -> str | None:
    """The task id of an entry, when it has a readable one."""
    try:
        return _text(fields, "task_id")
    except InvalidEntry:
        return None


def decode(fields: dict[bytes, bytes]) -> PostcardRequest:
    """A validated request from raw stream fields, or InvalidEntry with the reason."""
    task_type = _text(fields, "task_type") or TASK_TYPE
    if task_type != TASK_TYPE:
        raise InvalidEntry(f"unknown task_type {task_type!r}")
    metadata_text = _text(fields, "metadata")
    try:
        metadata = json.loads(metadata_text) if metadata_text else {}
    except json.JSONDecodeError as exc:
        raise InvalidEntry(f"metadata is not JSON: {exc.msg}") from exc
    if not isinstance(metadata, dict):
        raise InvalidEntry("metadata is not a JSON object")
    created_text = _text(fields, "created_at")
    try:
        created_at = datetime.fromisoformat(created_text) if created_text else datetime.now(UTC)
    except ValueError as exc:
        raise InvalidEntry(f"created_at is not an ISO timestamp: {created_text!r}") from exc
    if created_at.tzinfo is None:
        created_at = created_at.replace(tzinfo=UTC)
    deadline_text = _text(fields, "deadline_at")
    try:
        deadline_at = datetime.fromisoformat(deadline_text) if deadline_text else None
    except ValueError as exc:
        raise InvalidEntry(f"deadline_at is not an ISO timestamp: {deadline_text!r}") from exc
    if deadline_at is not None and deadline_at.tzinfo is None:
        deadline_at = deadline_at.replace(tzinfo=UTC)
    user_input = (_text(fields, "user_input", required=True) or "").strip()
    webhook_url, webhook_events = _webhook(fields)
    try:
        return PostcardRequest(
            task_id=_text(fields, "task_id", required=True) or "",
            user_input=user_input,
            style=_text(fields, "style"),
            theme=_text(fields, "theme"),
            language=_text(fields, "language"),
            user_id=_text(fields, "user_id") or "local",
            created_at=created_at,
            metadata={str(k): str(v) for k, v in metadata.items()},
            deadline_at=deadline_at,
            webhook_url=webhook_url,
            webhook_events=webhook_events,
        )
    except ValidationError as exc:
        reasons = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors())
        raise InvalidEntry(f"invalid request: {reasons}") from exc


def _webhook(fields: dict[bytes, bytes]) -> tuple[str | None, list[str] | None]:
    """The entry's webhook URL (its form checked; its addresses are checked at delivery) and
    events."""
    url = _text(fields, "webhook_url")
    events_text = _text(fields, "webhook_events")
    if url is not None:
        try:
            url = check_url(url, allow_private=True)
        except ValueError as exc:
            raise InvalidEntry(f"webhook_url {exc}") from None
    if events_text is None:
        return url, None
    events = list(dict.fromkeys(e.strip() for e in events_text.split(",") if e.strip()))
    unknown = [e for e in events if e not in EVENTS]
    if unknown or not events:
        raise InvalidEntry(f"webhook_events must be a comma list of {', '.join(EVENTS)}")
    return url, events
