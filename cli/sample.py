"""`postcards sample`: render a contact sheet of local-engine postcards (see engine)."""

from __future__ import annotations

from pathlib import Path

import typer


def sample(out: Path = typer.Option(Path("samples"), "--out", help="Output folder")) -> None:
    """Render sample postcards across occasions and languages, plus a contact sheet."""
    raise typer.Exit(code=2)
