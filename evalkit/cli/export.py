"""``evalkit export``: a report's tables as Parquet and a Hugging Face dataset (the data extra)."""

from __future__ import annotations

from typing import Annotated, Optional

import typer

from evalkit.cli.base import app
from evalkit.cli.common import Command, renamed, say
from evalkit.cli.exits import user_errors


@app.command(cls=Command)
def export(
    ctx: typer.Context,
    report: Annotated[str, typer.Argument(metavar="REPORT.json", help="A JSON report written by evalkit score --format json.")],
    output: Annotated[
        Optional[str],
        typer.Option(
            "--output",
            "-o",
            metavar="DIR",
            help="Directory for entries.parquet, pairs.parquet and dataset/ (required).",
            show_default=False,
        ),
    ] = None,
    to: Annotated[Optional[str], typer.Option("--to", metavar="DIR", hidden=True, help="The old name of --output.")] = None,
) -> None:
    """Export a report's entry, sentence-pair and finding tables as Parquet and a Hugging Face dataset (the data extra)."""
    # Not required=True in typer: the old name --to must be able to stand in for it.
    directory = renamed(ctx, "--output", output, "--to", to)
    if directory is None:
        ctx.fail("Missing option '--output' / '-o'.")
    with user_errors(needs_extra="export needs the data extra (pandas, pyarrow, datasets): pip install 'evalkit[data]'"):
        from evalkit.export import export_report

        counts = export_report(report, directory)
    say(f"wrote {counts['entries']} entries, {counts['pairs']} pairs and {counts['findings']} findings to {directory}")
