"""`postcards create | status | list | regenerate | cancel | delete`: the API from a terminal."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

import typer
from rich.console import Console

from cli.client import ApiError, PostcardClient
from cli.poster import PosterOption, PosterPathOption, save_poster
from cli.render import list_table, print_result, status_view
from cli.watch import WaitTimeout, revision_entry, wait_for
from core.settings import get_settings

console = Console()


class StepName(StrEnum):
    """The four steps, as `regenerate --step` takes them."""

    concept = "concept"
    content = "content"
    image = "image"
    frontend = "frontend"


errors = Console(stderr=True)

ApiOption = Annotated[
    str | None,
    typer.Option("--api", help="API base URL [default: http://127.0.0.1:$API_PORT]"),
]


WaitOption = Annotated[bool, typer.Option("--wait", help="Show progress until it is done")]
TimeoutOption = Annotated[float, typer.Option(help="Seconds to wait with --wait")]


def _client(api: str | None) -> PostcardClient:
    return PostcardClient(api or f"http://127.0.0.1:{get_settings().api_port}")


def _fail(message: str, code: int = 1) -> typer.Exit:
    errors.print(f"[bold red]error:[/] {message}", highlight=False, soft_wrap=True)
    return typer.Exit(code=code)


def create(
    prompt: Annotated[str, typer.Argument(help="The wish, e.g. 'a calm thank-you card'")],
    style: Annotated[str | None, typer.Option(help="Visual style, e.g. watercolor")] = None,
    theme: Annotated[str | None, typer.Option(help="Occasion, e.g. birthday")] = None,
    language: Annotated[str | None, typer.Option(help="Language of the copy, e.g. zh")] = None,
    webhook: Annotated[
        str | None,
        typer.Option("--webhook", help="https URL that gets this postcard's signed events"),
    ] = None,
    webhook_event: Annotated[
        list[str] | None,
        typer.Option(
            "--webhook-event", help="completed, failed or step (repeatable; default: the first two)"
        ),
    ] = None,
    wait: WaitOption = False,
    timeout: TimeoutOption = 300.0,
    poster: PosterOption = False,
    poster_path: PosterPathOption = None,
    api: ApiOption = None,
) -> None:
    """Ask for a postcard; with --wait, follow its four steps and print where it is."""
    poster = poster or poster_path is not None
    wait = wait or poster  # a poster exists once the postcard is finished
    with _client(api) as client:
        try:
            created = client.create(
                prompt,
                style=style,
                theme=theme,
                language=language,
                webhook_url=webhook,
                webhook_events=webhook_event or None,
            )
            task_id = created["task_id"]
            console.print(f"task [bold]{task_id}[/] {created.get('status', 'PENDING')}")
            if not wait:
                console.print(f"  status   {created.get('status_url', '')}", highlight=False)
                console.print(f"  preview  {created.get('preview_url', '')}", highlight=False)
                return
            final = wait_for(client, task_id, console, timeout_s=timeout)
            print_result(console, final, get_settings().blob_dir.resolve())
            if final.get("status") != "COMPLETED":
                raise typer.Exit(code=1)
            if poster:
                save_poster(client, console, task_id, poster_path)
        except ApiError as exc:
            raise _fail(str(exc)) from exc
        except WaitTimeout as exc:
            raise _fail(str(exc), code=2) from exc


def status(
    task_id: Annotated[str, typer.Argument(help="The task id `create` printed")],
    poster: PosterOption = False,
    poster_path: PosterPathOption = None,
    api: ApiOption = None,
) -> None:
    """Show where a postcard stands, step by step; --poster saves its poster once finished."""
    with _client(api) as client:
        try:
            answer = client.status(task_id)
            console.print(status_view(answer))
            if poster or poster_path is not None:
                save_poster(client, console, task_id, poster_path)
        except ApiError as exc:
            raise _fail(str(exc)) from exc


def list_postcards(
    page: Annotated[int, typer.Option(min=1, help="Page number")] = 1,
    page_size: Annotated[int, typer.Option(min=1, max=100, help="Postcards per page")] = 20,
    api: ApiOption = None,
) -> None:
    """List postcards, newest first."""
    with _client(api) as client:
        try:
            answer = client.list(page=page, page_size=page_size)
        except ApiError as exc:
            raise _fail(str(exc)) from exc
    console.print(list_table(answer, client.base_url))


def regenerate(
    task_id: Annotated[str, typer.Argument(help="The postcard's task id")],
    step: Annotated[
        StepName, typer.Option(help="The step to make again; the steps after it follow")
    ],
    instruction: Annotated[
        str | None, typer.Option(help="What to change, e.g. '更幽默一点' or 'shorter'")
    ] = None,
    wait: WaitOption = False,
    timeout: TimeoutOption = 300.0,
    poster: PosterOption = False,
    poster_path: PosterPathOption = None,
    api: ApiOption = None,
) -> None:
    """Make one step of a finished postcard again, keeping the rest; with --wait, follow it."""
    poster = poster or poster_path is not None
    with _client(api) as client:
        try:
            started = client.regenerate(task_id, step.value, instruction)
            revision = int(started["revision"])
            console.print(f"task [bold]{task_id}[/] revision {revision} of {step.value} started")
            if not (wait or poster):
                return
            final = wait_for(client, task_id, console, timeout_s=timeout, revision=revision)
            entry = revision_entry(final, revision)
            if entry.get("status") != "COMPLETED":
                error = entry.get("error") or {}
                raise _fail(f"revision {revision} failed: {error.get('message', entry)}")
            print_result(console, final, get_settings().blob_dir.resolve())
            if poster:
                save_poster(client, console, task_id, poster_path)
        except ApiError as exc:
            raise _fail(str(exc)) from exc
        except WaitTimeout as exc:
            raise _fail(str(exc), code=2) from exc


def cancel(
    task_id: Annotated[str, typer.Argument(help="The postcard's task id")],
    api: ApiOption = None,
) -> None:
    """Cancel a queued or running postcard, or its running revision: it ends FAILED
    (Cancelled), and a cancelled revision leaves the last completed one."""
    with _client(api) as client:
        try:
            answer = client.cancel(task_id)
        except ApiError as exc:
            raise _fail(str(exc)) from exc
    console.print(f"task [bold]{task_id}[/] revision {answer['revision']}: cancel accepted")


def delete(
    task_id: Annotated[str, typer.Argument(help="The postcard's task id")],
    api: ApiOption = None,
) -> None:
    """Delete a postcard now, with its files and revisions (a running one is cancelled)."""
    with _client(api) as client:
        try:
            client.delete(task_id)
        except ApiError as exc:
            raise _fail(str(exc)) from exc
    console.print(f"task [bold]{task_id}[/] deleted")
