"""Reading the labelled wishes of `tests/data` with the local engine, and scoring the readings.

Used by the `wishes` scenario and by the tests, so that both count the same way.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from core.models import Concept, Content, PostcardRequest
from engine import make_concept, write_content
from engine.reading.segment import words
from engine.reading.wish import read_wish
from engine.styles.catalog import STYLES

DATA = Path(__file__).resolve().parent.parent / "tests" / "data"
WISHES_FILE = DATA / "wishes_labelled.jsonl"
CLAIMS_FILE = DATA / "travel_claims.txt"


@dataclass(frozen=True)
class Labelled:
    """One wish and what a fair reader takes from it."""

    wish: str
    occasions: tuple[str, ...]
    recipient: str | None
    relation: str | None
    places: tuple[tuple[str, str], ...]
    language: str
    split: str

    @property
    def says_sender_is_away(self) -> bool:
        """Whether the wish itself says the sender is travelling or writing from elsewhere."""
        return "travel" in self.occasions or any(role == "sender" for _, role in self.places)


@dataclass(frozen=True)
class Outcome:
    """How the engine read one labelled wish."""

    row: Labelled
    occasion: str
    runner_up: str | None
    recipient: str | None
    places: dict[str, str]
    cpu_ms: float

    @property
    def right(self) -> bool:
        """The occasion is one of the accepted labels."""
        return self.occasion in self.row.occasions

    @property
    def first_right(self) -> bool:
        """The occasion is the preferred label."""
        return self.occasion == self.row.occasions[0]

    @property
    def recipient_right(self) -> bool | None:
        """The recipient as labelled (None when the label names nobody)."""
        if not self.row.recipient:
            return None
        return _same_name(self.row.recipient, self.recipient)

    def place_roles_right(self) -> Iterator[bool]:
        """For each labelled place: found, with the labelled role."""
        for name, role in self.row.places:
            found = next((r for n, r in self.places.items() if _same_name(name, n)), None)
            yield found == role


def _same_name(label: str, found: str | None) -> bool:
    if not found:
        return False
    a, b = (s.lower().removeprefix("my ").strip() for s in (label, found))
    return a == b or a in b or b in a


def load_wishes(path: Path = WISHES_FILE) -> list[Labelled]:
    """The labelled wishes, in file order."""
    rows = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        data = json.loads(line)
        rows.append(
            Labelled(
                wish=data["wish"],
                occasions=tuple(data["occasions"]),
                recipient=data.get("recipient"),
                relation=data.get("relation"),
                places=tuple((p["name"], p["role"]) for p in data.get("places", [])),
                language=data["language"],
                split=data["split"],
            )
        )
    return rows


def load_claims(path: Path = CLAIMS_FILE) -> tuple[str, ...]:
    """Lower-cased phrases by which a card claims its sender is travelling."""
    lines = path.read_text(encoding="utf-8").splitlines()
    return tuple(s.strip().lower() for s in lines if s.strip() and not s.startswith("#"))


def request(wish: str, style: str | None = None, variation: int = 0) -> PostcardRequest:
    """A request as the API builds it."""
    return PostcardRequest(
        task_id="wish-eval",
        user_input=wish,
        style=style,
        variation=variation,
        created_at=datetime(2026, 1, 1, tzinfo=UTC),
    )


def card(wish: str, style: str | None = None, variation: int = 0) -> tuple[Concept, Content]:
    """The concept and copy the local engine makes for a wish."""
    asked = request(wish, style, variation)
    concept = make_concept(asked)
    return concept, write_content(asked, concept)


def read(row: Labelled) -> Outcome:
    """The engine's reading of one wish, with the CPU time of its concept and copy (as for a
    wish never read before: the per-wish caches of the reading are cleared first)."""
    read_wish.cache_clear()
    words.cache_clear()
    started = time.process_time()
    concept, _ = card(row.wish)
    cpu_ms = (time.process_time() - started) * 1000
    reading: Any = getattr(concept, "reading", None)
    places = {p.name: p.role for p in reading.places} if reading is not None else {}
    return Outcome(
        row=row,
        occasion=concept.occasion,
        runner_up=reading.runner_up if reading is not None else None,
        recipient=concept.recipient,
        places=places,
        cpu_ms=cpu_ms,
    )


def accuracy(outcomes: Iterable[Outcome], first: bool = False) -> float | None:
    """The share of outcomes read right (on the preferred label only with `first`)."""
    marks = [o.first_right if first else o.right for o in outcomes]
    return sum(marks) / len(marks) if marks else None


def claims_in(content: Content, claims: tuple[str, ...]) -> list[str]:
    """The travel claims a card's title, subtitle and body make."""
    words = " ".join((content.title, content.subtitle, content.body)).lower()
    return [claim for claim in claims if claim in words]


def travel_claim_misses(
    rows: Iterable[Labelled], claims: tuple[str, ...], variations: int
) -> list[tuple[str, str, int, list[str]]]:
    """(wish, style, variation, claims) for every card that says its sender is away
    when its wish does not, over every art style and `variations` variations."""
    misses = []
    for row in rows:
        if row.says_sender_is_away:
            continue
        for style in STYLES:
            for variation in range(variations):
                _, content = card(row.wish, style, variation)
                found = claims_in(content, claims)
                if found:
                    misses.append((row.wish, style, variation, found))
    return misses
