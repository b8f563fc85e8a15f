"""The CLI's status view shows a running step's percent and who a fallback stood in for."""

from __future__ import annotations

from rich.console import Console

from cli.render import status_view


def test_status_view_shows_the_percent_and_the_fallback_reason() -> None:
    status = {
        "task_id": "t-1",
        "status": "PROCESSING",
        "steps": {
            "concept": {
                "status": "completed",
                "provider": "local",
                "fallback_from": "gemini",
                "fallback_reason": "SafetyBlocked: finishReason [SAFETY]",
            },
            "frontend": {"status": "running", "provider": "anthropic", "progress_pct": 40},
        },
    }
    console = Console(width=200, record=True)
    console.print(status_view(status))
    text = console.export_text()

    assert "running 40%" in text
    assert "local (instead of gemini: SafetyBlocked: finishReason [SAFETY])" in text
