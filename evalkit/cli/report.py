"""``evalkit report``: an index with trends across score reports, gate reports and histories, and a page per issue."""

from __future__ import annotations

from typing import Annotated, Optional

import typer

from evalkit.cli.base import app
from evalkit.cli.common import Command, renamed, say
from evalkit.cli.exits import EXIT_ERROR, user_errors

#: Where ``evalkit report`` writes without --output.
DEFAULT_SITE = "reports"


@app.command("report", cls=Command)
def report_index(
    ctx: typer.Context,
    inputs: Annotated[
        list[str],
        typer.Argument(
            metavar="DIR_OR_REPORT",
            help="Score or gate reports (JSON), gate histories (SQLite), or directories searched for *.json and *.sqlite.",
            show_default=False,
        ),
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

    Inputs are score reports (evalkit score --format json), gate reports (evalkit gate --output) and gate
    histories (reports/history.sqlite), or directories searched for them; an issue found in several
    counts once. The index lists every issue (50 rows a page, sortable, filterable by channel, source,
    status and text) and charts, by week or month, for every issue, a channel or a source: findings per
    100 entries, failing entries, invented endings, leaks, English cut, scores where references gave
    them, and findings per 100 entries by category, each point entry-weighted with a 95% interval.
    Paths are shown relative to the inputs' shared folder. An unreadable input is reported (exit 2) and
    the others are still published. Every page is one self-contained file that works offline from file://.
    """
    from evalkit.errors import InputError
    from evalkit.report.index import NOTHING_FOUND, DateRules, write_site
    from evalkit.report.index_inputs import read_inputs

    directory = renamed(ctx, "--output", output, "--out", out)
    with user_errors(writing=directory, malformed_report=""):
        rules = DateRules.parse(date or ())
        found = read_inputs(inputs)
        if not found.loaded:
            raise found.problems[0] if len(found.problems) == 1 else InputError(", ".join(inputs) or ".", NOTHING_FOUND)
        reports = [(x.path, dict(x.data)) for x in found.loaded]
        site = write_site(reports, directory, rules=rules, title=title, problems=found.problems)
    if not quiet:
        for note in found.notes + site.notes:
            say(f"evalkit: note: {note}", err=True)
    for problem in found.problems:
        say(f"evalkit: error: {problem}", err=True)
    say(f"wrote {site.index} and {len(site.pages)} issue page(s) from {len(reports)} input(s)")
    if found.problems:
        raise typer.Exit(EXIT_ERROR)
