"""The local creative engine: concept, copy, illustration and page, all offline."""

from engine.basic import make_concept, render_illustration, render_page, write_content

__all__ = ["make_concept", "render_illustration", "render_page", "write_content"]
