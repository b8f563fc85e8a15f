"""What `up` and `ps` print: the URLs of a ready stack and a table of its parts."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

from rich.console import Console
from rich.table import Table

from core.devserver import port_open
from devstack.plan import split_address
from devstack.process import is_alive
from devstack.state import ComponentRecord, StackState

DEFAULT_PORTS = {"redis": 6379, "database": 5432}


def reachable(record: ComponentRecord) -> bool:
    """Whether an external service answers (a SQLite database: its file exists)."""
    address = record.address or ""
    if record.name == "temporal":
        return port_open(*split_address(address, 7233))
    if address.startswith("sqlite:///"):
        return Path(address.removeprefix("sqlite:///")).exists()
    parts = urlsplit(address)
    if parts.scheme == "unix" or not parts.hostname:
        return Path(parts.path).exists()
    return port_open(parts.hostname, parts.port or DEFAULT_PORTS.get(record.name, 0))


def component_alive(record: ComponentRecord) -> bool:
    """Whether a component is up: our child is running, or the external service answers."""
    return is_alive(record.pid, record.create_time) if record.managed else reachable(record)


def print_banner(console: Console, urls: dict[str, str], data_dir: str) -> None:
    """The URLs to open once the stack is ready."""
    console.print("[bold green]Postcard Studio is ready[/]")
    console.print(f"  app          {urls['app']}")
    console.print(f"  API docs     {urls['docs']}")
    console.print(f"  Temporal UI  {urls['temporal_ui']}")
    console.print(f"  data         {data_dir}")
    console.print("  stop with    scripts/dev.sh down   (logs: scripts/dev.sh logs)")


def ps_table(state: StackState, supervisor_alive: bool) -> Table:
    """One row per component: how it runs, whether it is alive, where it listens."""
    table = Table(
        title=f"stack in {state.data_dir}",
        title_justify="left",
        caption="logs: $DATA_DIR/logs/<component>.log (scripts/dev.sh logs)",
        caption_justify="left",
    )
    for column in ("component", "kind", "pid", "alive", "restarts"):
        table.add_column(column, no_wrap=True)
    table.add_column("address", overflow="fold")
    table.add_row(
        "supervisor",
        "up",
        str(state.supervisor_pid),
        _yes(supervisor_alive),
        "",
        "ready" if state.ready else "starting",
    )
    for record in state.components.values():
        table.add_row(
            record.name,
            "child" if record.managed else "external",
            str(record.pid or ""),
            _yes(component_alive(record)),
            str(record.restarts) if record.managed else "",
            (record.address or "").replace(f"{state.data_dir}/", "$DATA_DIR/"),
        )
    return table


def _yes(flag: bool) -> str:
    return "[green]yes[/]" if flag else "[red]no[/]"
