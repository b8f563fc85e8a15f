"""What every scenario receives: where to work, how big to run, how often to repeat."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

T = TypeVar("T")


@dataclass
class Context:
    """One invocation of `python -m bench`."""

    workdir: Path
    quick: bool = False
    repeat: int = 1

    def size(self, full: T, quick: T) -> T:
        """The full-size parameter, or the tiny one in quick mode."""
        return quick if self.quick else full

    def folder(self, *parts: str) -> Path:
        """A fresh sub-folder of the work dir."""
        path = self.workdir.joinpath(*parts)
        path.mkdir(parents=True, exist_ok=True)
        return path
