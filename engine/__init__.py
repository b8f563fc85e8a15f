"""The local creative engine: concept, copy, illustration and page, all offline.

Its public entry points are here; the subpackages are its parts (docs/engine.md maps them):
`reading` (what a wish says), `concept` (the creative direction), `copy` (the words),
`scene`, `motifs`, `landmarks` and `styles` (the picture), `page` (the HTML page and the
poster), `revise` (a regenerate's new take) and `samples` (the sample sheets).
"""

from engine.concept.make import make_concept
from engine.copy.linebreak import clean as plain_text
from engine.copy.writer import write_content
from engine.page.poster import render_poster
from engine.page.poster_fonts import PosterFontMissing
from engine.page.render import render_page
from engine.reading.segment import words
from engine.scene.illustrate import render_illustration
from engine.text import detect_language


def warm_up() -> None:
    """Load what the first Chinese wish would otherwise load in the middle of a step: jieba's
    dictionary (about 1 s of CPU, once per process)."""
    words("预热")


__all__ = [
    "PosterFontMissing",
    "detect_language",
    "make_concept",
    "plain_text",
    "render_illustration",
    "render_page",
    "render_poster",
    "warm_up",
    "write_content",
]
