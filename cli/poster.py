"""`--poster`: save a finished postcard's poster PNG next to the person running the CLI."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Annotated

import typer
from PIL import Image
from rich.console import Console

from cli.client import PostcardClient

PosterOption = Annotated[
    bool, typer.Option("--poster", help="Save the poster PNG (as poster-<task_id>.png)")
]
PosterPathOption = Annotated[
    Path | None,
    typer.Option("--poster-path", help="Where to save the poster PNG (implies --poster)"),
]


def save_poster(
    client: PostcardClient, console: Console, task_id: str, path: Path | None = None
) -> Path:
    """Fetch the poster and write it to `path` (`./poster-<task_id>.png` by default)."""
    png = client.poster(task_id)
    target = path or Path(f"poster-{task_id}.png")
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(png)
    width, height = Image.open(io.BytesIO(png)).size
    console.print(f"  poster   {target} ({width}×{height})", highlight=False, soft_wrap=True)
    return target
