"""`postcards explain "<wish>"`: how the local engine reads a wish, without a server."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

import typer

from core.models import Reading


def _lines(reading: Reading) -> list[tuple[str, str]]:
    runner_up = (
        f"runner-up {reading.runner_up} {reading.runner_up_score}"
        if reading.runner_up
        else "no runner-up"
    )
    recipient = reading.recipient or "–"
    if reading.relation and reading.relation != reading.recipient:
        recipient += f" ({reading.relation})"
    places = [
        f"{p.name}: {p.role}" + (f" (draws {p.place})" if p.place else "") for p in reading.places
    ]
    return [
        ("occasion", f"{reading.occasion} (score {reading.score}; {runner_up})"),
        ("recipient", recipient),
        ("sender", reading.sender or "–"),
        ("voice", {"i": "I (one sender)", "we": "we (a group)"}[reading.voice]),
        ("places", "; ".join(places) or "–"),
        ("language", reading.language),
        ("tone", reading.tone),
    ]


def explain(
    wish: Annotated[str, typer.Argument(help="The wish, e.g. '给在成都读大学的妹妹寄张加油卡'")],
    theme: Annotated[str | None, typer.Option(help="Occasion hint, as create takes it")] = None,
    language: Annotated[str | None, typer.Option(help="Language of the copy, e.g. zh")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the reading as JSON")] = False,
) -> None:
    """Print how the local engine reads a wish: occasion, recipient, places, language, tone."""
    from core.models import PostcardRequest
    from engine import make_concept

    request = PostcardRequest(
        task_id="explain",
        user_input=wish,
        theme=theme,
        language=language,
        created_at=datetime.now(UTC),
    )
    reading = make_concept(request).reading
    if reading is None:  # the local engine always records one
        raise typer.Exit(code=1)
    if as_json:
        typer.echo(reading.model_dump_json(indent=2))
        return
    for label, value in _lines(reading):
        typer.echo(f"{label:<10} {value}")
