"""Debian's Chromium for browser tests (never a downloaded browser build)."""

from __future__ import annotations

CHROMIUM_PATH = "/usr/bin/chromium"
# Without the background-networking flags Chromium keeps dialling out on this closed network.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
