"""`postcards sample`: render contact sheets of local-engine postcards (see engine)."""

from __future__ import annotations

from pathlib import Path

import typer


def sample(
    out: Path = typer.Option(Path("samples"), "--out", help="Output folder"),
    styles: bool = typer.Option(
        False, "--styles", help="Every art style on three occasions: OUT/styles.png"
    ),
    places: bool = typer.Option(
        False, "--places", help="A dozen places with their landmarks: OUT/places.png"
    ),
) -> None:
    """Render sample postcards (HTML + PNG) and contact sheets; by default across occasions."""
    from engine.samples.cards import SAMPLE_WISHES, build_samples
    from engine.samples.sheets import build_place_sheet, build_style_sheet

    if styles:
        typer.echo(f"styles sheet: {build_style_sheet(out)}")
    if places:
        typer.echo(f"places sheet: {build_place_sheet(out)}")
    if not (styles or places):
        sheet = build_samples(out)
        typer.echo(f"{len(SAMPLE_WISHES)} postcards (HTML + PNG) in {out}")
        typer.echo(f"contact sheet: {sheet}")
