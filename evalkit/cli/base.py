"""The root ``evalkit`` app and its own options (--version); the commands add themselves to :data:`app`."""

from __future__ import annotations

from typing import Annotated

import typer

from evalkit import __version__
from evalkit.cli.common import group, say
from evalkit.cli.exits import EXIT_OK

app = group("evalkit", "Measure the quality of machine-translated Chinese in arXiv digest files.")


def _version(value: bool) -> None:
    if value:
        say(f"evalkit {__version__}")
        raise typer.Exit(EXIT_OK)


@app.callback()
def main_callback(
    version: Annotated[
        bool, typer.Option("--version", "-V", callback=_version, is_eager=True, help="Print the version and exit.")
    ] = False,
) -> None:
    """Measure the quality of machine-translated Chinese in arXiv digest files."""
