"""Reading a wish as a person would: who it is for, from whom, why, and where each place fits.

The reading is made once per wish and process (it is cached) and recorded in the concept, so
that the copy, the picture and `postcards explain` all work from the same understanding.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from core.models import PlaceReading, Reading
from engine.reading import moods
from engine.reading.occasions import OccasionReading, read_occasion
from engine.reading.people import People, find_people
from engine.reading.place_roles import SENDER, PlaceMention, read_places
from engine.text import detect_language, normalise, safe_fragment

# A sender place is evidence of a travel card only as strong as a weak word: it decides a wish
# with no other occasion ("从大理寄给你的明信片") and never outweighs one.
_SENDER_PLACE_TRAVEL = 1
_WE = re.compile(
    r"\b(?:from\s+(?:all\s+(?:\w+\s+)?of\s+us|us\s+all|the\s+(?:whole\s+)?(?:team|family|kids|"
    r"grandkids|\w+\s+team)|our\s+\w+|the\s+kids)|all\s+of\s+us|we\s+all)\b"
    r"|(?:我们|全家|大家|部门|全体|我们全家)(?:一起|都)?(?:送|祝|写|寄)",
    re.I,
)


@dataclass(frozen=True)
class WishReading:
    """Everything the engine understood from one wish."""

    occasion: OccasionReading
    people: People
    places: tuple[PlaceMention, ...]
    language: str
    tone: str | None
    voice: str

    @property
    def sender_place(self) -> PlaceMention | None:
        """The place the sender writes from, if the wish names one."""
        return next((p for p in self.places if p.role == SENDER), None)

    @property
    def picture_place(self) -> PlaceMention | None:
        """The place whose landmark the picture shows: the sender's, else one the engine knows."""
        drawable = [p for p in self.places if p.place]
        return next((p for p in drawable if p.role == SENDER), drawable[0] if drawable else None)


def _name_spans(text: str, people: People) -> list[tuple[int, int]]:
    """Where the recipient's and sender's own names stand ("Noel" is not Christmas here)."""
    spans = []
    for name in (people.recipient, people.sender):
        if name and name != people.relation and not name.startswith(("my ", "the ")):
            spans += [(m.start(), m.end()) for m in re.finditer(re.escape(name.lower()), text)]
    return spans


@functools.lru_cache(maxsize=256)
def read_wish(wish: str, hint: str | None = None, language: str | None = None) -> WishReading:
    """The reading of a wish (and the request's theme as a hint and its language, if given)."""
    text = normalise(wish)
    lowered = text.lower()
    places = tuple(read_places(text))
    people = find_people(text, frozenset(p.name for p in places))
    masked = _name_spans(lowered, people) + [(p.start, p.end) for p in places]
    extra = {"travel": _SENDER_PLACE_TRAVEL} if any(p.role == SENDER for p in places) else {}
    occasion = read_occasion(lowered, hint, masked, extra)
    return WishReading(
        occasion=occasion,
        people=people,
        places=places,
        language=detect_language(text, language),
        tone=moods.find_tone(lowered),
        voice="we" if _WE.search(text) else "i",
    )


def as_model(reading: WishReading, tone: str) -> Reading:
    """The reading as the concept records it (names cut to safe fragments)."""
    people = reading.people
    return Reading(
        occasion=reading.occasion.occasion,
        score=reading.occasion.score,
        runner_up=reading.occasion.runner_up,
        runner_up_score=reading.occasion.runner_up_score,
        recipient=safe_fragment(people.recipient or "", 60) or None,
        relation=safe_fragment(people.relation or "", 40) or None,
        sender=safe_fragment(people.sender or "", 60) or None,
        voice="we" if reading.voice == "we" else "i",
        places=[
            PlaceReading(
                name=safe_fragment(p.name, 40) or p.name[:40],
                role=p.role,
                place=p.place.key if p.place else None,
            )
            for p in reading.places[:8]
        ],
        language=reading.language,
        tone=tone,
    )
