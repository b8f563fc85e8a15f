"""The self-contained HTML page (step 4) from Jinja2 templates (flip card, envelope, poster,
parallax scroll) with its CSS animations and touch handling, and the one-image poster for
chat apps and print."""
