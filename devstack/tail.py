"""`logs`: print the end of each component's log, then follow them, prefixed by name."""

from __future__ import annotations

import time
from pathlib import Path

from rich.console import Console
from rich.text import Text

COLOURS = ("cyan", "magenta", "green", "yellow", "blue", "bright_red", "bright_cyan")


def log_files(folder: Path, names: list[str]) -> dict[str, Path]:
    """The log of each named component (every log in the folder when no name is given)."""
    if not names:
        return {path.stem: path for path in sorted(folder.glob("*.log"))}
    missing = [name for name in names if not (folder / f"{name}.log").exists()]
    if missing:
        raise FileNotFoundError(f"no log for {', '.join(missing)} in {folder}")
    return {name: folder / f"{name}.log" for name in names}


def _emit(console: Console, name: str, colour: str, width: int, chunk: str) -> None:
    for line in chunk.splitlines():
        console.print(Text(f"{name:<{width}} | ", style=colour) + Text(line), soft_wrap=True)


def follow(console: Console, files: dict[str, Path], lines: int, keep_following: bool) -> None:
    """Print the last `lines` of each file, then (optionally) new lines as they arrive."""
    width = max((len(name) for name in files), default=0)
    colours = {name: COLOURS[i % len(COLOURS)] for i, name in enumerate(files)}
    offsets: dict[str, int] = {}
    for name, path in files.items():
        data = path.read_bytes() if path.exists() else b""
        offsets[name] = len(data)
        tail = data.decode(errors="replace").splitlines()[-lines:] if lines else []
        _emit(console, name, colours[name], width, "\n".join(tail))
    while keep_following:
        for name, path in files.items():
            size = path.stat().st_size if path.exists() else 0
            if size < offsets[name]:
                offsets[name] = 0
            if size == offsets[name]:
                continue
            with path.open("rb") as handle:
                handle.seek(offsets[name])
                data = handle.read()
            complete = data.rfind(b"\n") + 1
            offsets[name] += complete
            _emit(console, name, colours[name], width, data[:complete].decode(errors="replace"))
        time.sleep(0.3)
