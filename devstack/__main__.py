"""`python -m devstack up|down|ps|logs` (what `scripts/dev.sh` runs)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from core.logs import configure_logging
from core.settings import get_settings
from devstack.control import (
    DetachError,
    leftover_children,
    running_state,
    start_detached,
    stop_stack,
)
from devstack.plan import PlanError, build_plan
from devstack.report import component_alive, print_banner, ps_table
from devstack.state import load_state, logs_dir
from devstack.supervisor import StackLocked, Supervisor, acquire_lock
from devstack.tail import follow, log_files

app = typer.Typer(help="Run the whole Postcard Studio stack locally.", no_args_is_help=True)
console = Console()
errors = Console(stderr=True)


def _fail(message: str) -> typer.Exit:
    errors.print(f"[bold red]error:[/] {message}", highlight=False)
    return typer.Exit(code=1)


def _up_detached(data_dir: Path, ready_timeout: float, workers: int, starters: int) -> None:
    running = running_state(data_dir)
    if running:
        raise _fail(f"a stack already runs from {data_dir} (pid {running.supervisor_pid})")
    try:
        state = start_detached(data_dir, ready_timeout, workers, starters)
    except DetachError as exc:
        raise _fail(str(exc)) from exc
    print_banner(console, state.urls, state.data_dir)


@app.command()
def up(
    detach: Annotated[
        bool, typer.Option("--detach", "-d", help="Start in the background, return once ready")
    ] = False,
    ready_timeout: Annotated[
        float, typer.Option(help="Seconds to wait for /ready before giving up (detached)")
    ] = 240.0,
    workers: Annotated[
        int, typer.Option("--workers", min=1, help="Worker processes (each polls every queue)")
    ] = 1,
    starters: Annotated[
        int, typer.Option("--starters", min=1, help="Starter processes (one consumer group)")
    ] = 1,
) -> None:
    """Start Temporal, Redis, the database, worker, starter and API; Ctrl-C stops them."""
    settings = get_settings()
    configure_logging(settings.log_level, settings.log_format)
    data_dir = settings.data_dir.resolve()
    if detach:
        _up_detached(data_dir, ready_timeout, workers, starters)
        return
    try:
        lock = acquire_lock(data_dir)
    except StackLocked as exc:
        raise _fail(str(exc)) from exc
    with lock:
        leftovers = leftover_children(data_dir)
        if leftovers:
            raise _fail(
                f"processes of an earlier stack still run ({', '.join(leftovers)}); "
                "stop them with `scripts/dev.sh down` first"
            )
        try:
            plan = build_plan(settings, workers, starters)
        except PlanError as exc:
            raise _fail(str(exc)) from exc
        supervisor = Supervisor(
            settings, plan, ready_timeout, lambda urls: print_banner(console, urls, str(data_dir))
        )
        code = supervisor.run()
    raise typer.Exit(code=code)


@app.command()
def down() -> None:
    """Stop the stack that `up` started with this data dir."""
    data_dir = get_settings().data_dir.resolve()
    stopped = stop_stack(data_dir)
    if stopped:
        console.print(f"stopped: {', '.join(stopped)}")
    else:
        console.print(f"no stack is running from {data_dir}")


@app.command()
def ps(
    as_json: Annotated[bool, typer.Option("--json", help="Print machine-readable JSON")] = False,
) -> None:
    """Show each component and whether it is alive (exit 1 when no stack runs)."""
    data_dir = get_settings().data_dir.resolve()
    state = load_state(data_dir)
    supervisor = running_state(data_dir) is not None
    if state is None:
        if as_json:
            console.print_json(json.dumps({"running": False, "components": {}}))
        else:
            console.print(f"no stack is running from {data_dir}")
        raise typer.Exit(code=1)
    if as_json:
        components = {
            name: record.model_dump() | {"alive": component_alive(record)}
            for name, record in state.components.items()
        }
        payload = {"running": supervisor, "ready": state.ready, "urls": state.urls}
        console.print_json(json.dumps(payload | {"components": components}))
    else:
        console.print(ps_table(state, supervisor))
    if not supervisor:
        raise typer.Exit(code=1)


@app.command()
def logs(
    names: Annotated[list[str] | None, typer.Argument(help="Components (default: all)")] = None,
    follow_: Annotated[
        bool, typer.Option("--follow/--no-follow", "-f", help="Keep printing new lines")
    ] = True,
    lines: Annotated[int, typer.Option("--lines", "-n", help="Lines of history per log")] = 50,
) -> None:
    """Print and follow the logs of the stack's components."""
    folder = logs_dir(get_settings().data_dir.resolve())
    try:
        files = log_files(folder, names or [])
    except FileNotFoundError as exc:
        raise _fail(str(exc)) from exc
    if not files:
        raise _fail(f"no logs in {folder}")
    try:
        follow(console, files, lines, follow_)
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    app()
