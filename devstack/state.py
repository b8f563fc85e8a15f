"""The state file `up` writes under the data dir, so `down`, `ps` and `logs` find the stack."""

from __future__ import annotations

import json
import os
import tempfile
from datetime import datetime
from pathlib import Path

from pydantic import BaseModel, Field


class ComponentRecord(BaseModel):
    """One part of the stack: a child process of `up`, or an external service it uses."""

    name: str
    managed: bool
    address: str | None = None
    pid: int | None = None
    create_time: float | None = None
    log: str | None = None
    restarts: int = 0


class StackState(BaseModel):
    """What a running `up` publishes about itself."""

    supervisor_pid: int
    supervisor_create_time: float
    data_dir: str
    started_at: datetime
    ready: bool = False
    urls: dict[str, str] = Field(default_factory=dict)
    components: dict[str, ComponentRecord] = Field(default_factory=dict)


def stack_dir(data_dir: Path) -> Path:
    """Where the supervisor keeps its state and lock."""
    return data_dir / "devstack"


def state_path(data_dir: Path) -> Path:
    """The state file of the stack using this data dir."""
    return stack_dir(data_dir) / "state.json"


def logs_dir(data_dir: Path) -> Path:
    """Where every component writes its log."""
    return data_dir / "logs"


def save_state(data_dir: Path, state: StackState) -> None:
    """Write the state atomically, so a reader never sees half a file."""
    path = state_path(data_dir)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".state-")
    with os.fdopen(fd, "w") as handle:
        handle.write(state.model_dump_json(indent=2))
    os.replace(tmp, path)


def load_state(data_dir: Path) -> StackState | None:
    """The published state, or None when no stack has written one."""
    try:
        return StackState.model_validate(json.loads(state_path(data_dir).read_text()))
    except (FileNotFoundError, json.JSONDecodeError, ValueError):
        return None


def clear_state(data_dir: Path) -> None:
    """Forget the stack (it has stopped)."""
    state_path(data_dir).unlink(missing_ok=True)
