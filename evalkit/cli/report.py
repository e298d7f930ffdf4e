"""``evalkit report``: an index with trends across JSON reports, and a page per issue."""

from __future__ import annotations

from typing import Annotated, Optional

import typer

from evalkit.cli.base import app
from evalkit.cli.common import Command, renamed, say
from evalkit.cli.exits import user_errors

#: Where ``evalkit report`` writes without --output.
DEFAULT_SITE = "reports"


@app.command("report", cls=Command)
def report_index(
    ctx: typer.Context,
    inputs: Annotated[
        list[str],
        typer.Argument(metavar="DIR_OR_REPORT", help="JSON reports, or directories searched for *.json reports.", show_default=False),
    ],
    output: Annotated[str, typer.Option("--output", "-o", metavar="DIR", help="Directory for index.html and the issue pages.")] = DEFAULT_SITE,
    out: Annotated[Optional[str], typer.Option("--out", metavar="DIR", hidden=True, help="The old name of --output.")] = None,
    date: Annotated[
        Optional[list[str]],
        typer.Option(
            "--date",
            metavar="[NAME=]DATE",
            help="Date of an issue as YYYY-MM-DD. NAME=DATE sets it for the issue (id, digest path or name) or"
            " report (path, name) NAME; a bare DATE is used for issues whose date is otherwise unknown."
            " Otherwise dates come from the report (the digest's file name) or the report's file name.",
            show_default=False,
        ),
    ] = None,
    title: Annotated[Optional[str], typer.Option("--title", metavar="TEXT", help="Heading of the index page.", show_default=False)] = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Do not list skipped files and other notes on stderr.")] = False,
) -> None:
    """Write an index across issues, with trends over time, and one HTML page per issue.

    The index lists every issue with its date, figures and status and charts, over the issues' dates,
    the scores, the findings per category, the share of entries whose English was cut and the share of
    failing entries. Every page is one self-contained file that works offline from file://.
    """
    from evalkit.report.index import DateRules, find_reports, write_site

    directory = renamed(ctx, "--output", output, "--out", out)
    with user_errors(writing=directory, malformed_report=""):
        rules = DateRules.parse(date or ())
        reports, notes = find_reports(inputs)
        site = write_site(reports, directory, rules=rules, title=title)
    if not quiet:
        for note in notes + site.notes:
            say(f"evalkit: note: {note}", err=True)
    say(f"wrote {site.index} and {len(site.pages)} issue page(s) from {len(reports)} report(s)")
