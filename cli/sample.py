"""`postcards sample`: render a contact sheet of local-engine postcards (see engine)."""

from __future__ import annotations

from pathlib import Path

import typer


def sample(out: Path = typer.Option(Path("samples"), "--out", help="Output folder")) -> None:
    """Render sample postcards across occasions and languages, plus a contact sheet."""
    from engine.sample import SAMPLE_WISHES, build_samples

    sheet = build_samples(out)
    typer.echo(f"{len(SAMPLE_WISHES)} postcards (HTML + PNG) in {out}")
    typer.echo(f"contact sheet: {sheet}")
