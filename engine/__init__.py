"""The local creative engine: concept, copy, illustration and page, all offline."""

from engine.concept import make_concept
from engine.copywriter import write_content
from engine.illustrate import render_illustration
from engine.page import render_page
from engine.segment import words


def warm_up() -> None:
    """Load what the first Chinese wish would otherwise load in the middle of a step: jieba's
    dictionary (about 1 s of CPU, once per process)."""
    words("预热")


__all__ = ["make_concept", "render_illustration", "render_page", "warm_up", "write_content"]
