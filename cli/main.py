"""`postcards`: create, watch, list and sample postcards, and explain a wish, from a terminal."""

from __future__ import annotations

import typer

from cli.postcards import cancel, create, delete, list_postcards, regenerate, status

app = typer.Typer(help="Postcard Studio command line.", no_args_is_help=True)
app.command(name="create")(create)
app.command(name="status")(status)
app.command(name="list")(list_postcards)
app.command(name="regenerate")(regenerate)
app.command(name="cancel")(cancel)
app.command(name="delete")(delete)


def _register() -> None:
    from cli.explain import explain
    from cli.sample import sample

    app.command(name="sample")(sample)
    app.command(name="explain")(explain)

    from cli.providers import providers_app

    app.add_typer(providers_app, name="providers")


_register()

if __name__ == "__main__":
    app()
