"""The local creative engine: concept, copy, illustration and page, all offline."""

from engine.concept import make_concept
from engine.copywriter import write_content
from engine.illustrate import render_illustration
from engine.page import render_page

__all__ = ["make_concept", "render_illustration", "render_page", "write_content"]
