"""`postcards providers check`: are the keys, models and steps of the real providers usable?"""

from __future__ import annotations

import asyncio

import typer
from rich.console import Console

from core.settings import Settings, get_settings
from providers.check import CheckLine, check_providers

providers_app = typer.Typer(help="Model providers.", no_args_is_help=True)
console = Console(highlight=False)


def _line(line: CheckLine) -> str:
    mark = "[green]ok[/]  " if line.ok else "[bold red]FAIL[/]"
    text = f"{mark} {line.provider:<9} {line.step:<13} {line.model:<46} {line.latency_ms:>8.0f} ms"
    if line.error is not None:
        text += f"\n     {line.error.type}: {line.error.message}"
    return text


async def run_check(settings: Settings) -> int:
    """Print one line per checked step; 0 when all pass, 1 at the first failure."""
    checked = 0
    async for line in check_providers(settings):
        checked += 1
        console.print(_line(line), soft_wrap=True)
        if not line.ok:
            return 1
    if not checked:
        console.print("every step uses the local engine: no keys or models to check")
    return 0


@providers_app.command(name="check")
def check() -> None:
    """Check each configured key, model and step with one minimal call each."""
    raise typer.Exit(code=asyncio.run(run_check(get_settings())))
