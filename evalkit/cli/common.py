"""What the commands share: help labels, choice parsing, the progress bar, option types and output lines.

Nothing heavy is imported at the top: ``evalkit --help`` loads every command module.
"""

from __future__ import annotations

import contextlib
import os
import sys
from enum import Enum
from typing import Annotated, Any, Callable, Iterator, Mapping, Optional, TypeVar

import typer
from typer.core import TyperArgument, TyperCommand, TyperGroup


class _HelpLabels:
    """--help names a value by what it is (FILE, N, the metavar given) and shows nothing after a flag.

    typer labels every parameter with its Python type instead (``<bool>`` after each flag and --help,
    ``<list[str]>`` after a repeatable option or an argument), which tells a user nothing.
    """

    def get_params(self, ctx):  # type: ignore[no-untyped-def]
        params = super().get_params(ctx)  # type: ignore[misc]
        for param in params:
            if getattr(param, "is_flag", False) and param.metavar is None:
                param.metavar = ""  # a flag takes no value
            elif isinstance(param, TyperArgument) and param.metavar is not None:
                param.display_type_rich = _no_type_label  # the name column already shows the metavar
        return params


def _no_type_label(ctx) -> None:  # type: ignore[no-untyped-def]
    return None


class Command(_HelpLabels, TyperCommand):
    """A command with :class:`_HelpLabels`."""


class Group(_HelpLabels, TyperGroup):
    """A command group with :class:`_HelpLabels`."""


def group(name: str, help: str) -> typer.Typer:
    """A typer app (the root or a command group) with evalkit's help settings."""
    return typer.Typer(
        name=name,
        help=help,
        no_args_is_help=True,
        cls=Group,
        pretty_exceptions_enable=False,
        # Markdown joins the wrapped lines of a docstring paragraph; typer's "rich" mode keeps every line
        # break, which leaves ragged half-empty lines in --help.
        rich_markup_mode="markdown",
    )


E = TypeVar("E", bound=Enum)


def choice(enum: type[E]) -> Callable[[Any], E]:
    """A typer ``parser`` for the values of ``enum``, whose error is one plain sentence.

    typer's own choice check reaches the user as "Value error, 'x' is not one of 'a', 'b'." (pydantic's
    wording of a ValueError); a :class:`typer.BadParameter` raised here is shown as it is.
    """

    def parse(value: Any) -> E:
        if isinstance(value, enum):
            return value
        try:
            return enum(value)
        except ValueError:
            raise typer.BadParameter(f"{value!r} is not one of {', '.join(m.value for m in enum)}") from None

    return parse


def choices(enum: type[Enum]) -> str:
    """``table, json, markdown or html``: the values of ``enum`` for a help text."""
    return or_list([m.value for m in enum])


def or_list(values: list[str]) -> str:
    """``a, b or c``."""
    return f"{', '.join(values[:-1])} or {values[-1]}" if len(values) > 1 else values[0]


def renamed(ctx: typer.Context, name: str, value: Any, old_name: str, old_value: Any) -> Any:
    """The value of an option given as ``name`` or under its old, hidden name ``old_name``.

    Both at once is a usage error (exit 2), whichever came last: the user should say one thing once.
    ``name``'s parameter is the option name in snake case (``--output``: ``output``), as typer makes it.
    """
    if old_value is None:
        return value
    source = ctx.get_parameter_source(name.lstrip("-").replace("-", "_"))
    if source is not None and source.name == "COMMANDLINE":
        ctx.fail(f"{old_name} is the old name of {name}: give only {name}")
    return old_value


ProgressOption = Annotated[
    Optional[bool],
    typer.Option(
        "--progress/--no-progress",
        help="Draw a progress bar on stderr. Default: on when stderr is a terminal and neither CI nor"
        " GITHUB_ACTIONS is set.",
        show_default=False,
    ),
]

ReferencesOption = Annotated[
    Optional[str],
    typer.Option(
        "--references",
        metavar="DIR",
        help="Reference translations directory (default: references/ next to the configuration file or in"
        " the working directory, or the configuration's 'references').",
        show_default=False,
    ),
]

NoReferencesOption = Annotated[
    bool, typer.Option("--no-references", help="Do not score against reference translations, even where some exist.")
]
QuietOption = Annotated[bool, typer.Option("--quiet", "-q", help="Do not list input errors on stderr.")]

JUDGE_PANEL = "LLM judge"


class JudgeScope(str, Enum):
    """Which entries the LLM judge reads (see evalkit.judges.stage)."""

    flagged = "flagged"
    cut = "cut"
    all = "all"


JudgeOption = Annotated[
    Optional[str],
    typer.Option(
        "--judge",
        metavar="MODEL",
        help="Ask an LLM on an OpenAI-compatible endpoint ($OPENAI_BASE_URL or [judge] base_url; key in"
        " $OPENAI_API_KEY) for MQM error spans; each verbatim span becomes a finding. Replaces [judge] model.",
        rich_help_panel=JUDGE_PANEL,
        show_default=False,
    ),
]
NoJudgeOption = Annotated[
    bool, typer.Option("--no-judge", help="Do not run the LLM judge, even if the configuration names a model.", rich_help_panel=JUDGE_PANEL)
]
RequireJudgeOption = Annotated[
    bool,
    typer.Option(
        "--require-judge",
        help="Fail (exit 2) when the judge cannot run (offline, no key, endpoint down) instead of a notice.",
        rich_help_panel=JUDGE_PANEL,
    ),
]
JudgeScopeOption = Annotated[
    Optional[JudgeScope],
    typer.Option(
        "--judge-scope",
        metavar="SCOPE",
        parser=choice(JudgeScope),
        help="flagged (default): entries the rules did not already fail; cut: entries whose English was cut; all.",
        rich_help_panel=JUDGE_PANEL,
        show_default=False,
    ),
]
JudgeBudgetOption = Annotated[
    Optional[int],
    typer.Option(
        "--judge-budget",
        metavar="TOKENS",
        min=1,
        help="Stop sending once this run's requests would pass TOKENS tokens (prompt + answer); the rest stay unjudged.",
        rich_help_panel=JUDGE_PANEL,
        show_default=False,
    ),
]
JudgeBaseUrlOption = Annotated[
    Optional[str],
    typer.Option(
        "--judge-base-url",
        metavar="URL",
        help="The endpoint's base URL, e.g. http://localhost:8000/v1 (default: [judge] base_url, $OPENAI_BASE_URL, OpenAI).",
        rich_help_panel=JUDGE_PANEL,
        show_default=False,
    ),
]


def judge_notice(runs, quiet: bool) -> None:  # type: ignore[no-untyped-def]
    """One stderr line per judge: why it was not computed (always shown), or what it did and cost."""
    for info in runs:
        if not info.computed_ok:
            say(f"evalkit: notice: LLM judge not computed: {info.reason}", err=True)
        elif not quiet:
            # What failed, ran over budget or was dropped is in the run's own notices, printed below.
            say(
                f"evalkit: LLM judge {info.model} ({info.prompt}) read {info.judged} of {info.entries} entries in scope"
                f" {info.scope} ({info.cached} from cache), {info.findings} finding(s);"
                f" {info.tokens_in + info.tokens_out:,} tokens",
                err=True,
            )
        if not quiet:
            for notice in info.notices:
                if notice != f"LLM judge not computed: {info.reason}":  # said above; once is enough
                    say(f"evalkit: notice: {notice}", err=True)


def want_progress(flag: bool | None, stream: Any, environ: Mapping[str, str]) -> bool:
    """Whether to draw progress on ``stream``: as ``--progress/--no-progress`` say, else only on a
    terminal outside CI (a CI log would fill with redrawn bars)."""
    if flag is not None:
        return flag
    if any(environ.get(name, "").strip().lower() not in ("", "0", "false") for name in ("CI", "GITHUB_ACTIONS")):
        return False
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty())


@contextlib.contextmanager
def progress_bar(flag: bool | None) -> Iterator[Callable[[int, int, str], None] | None]:
    """A rich progress bar on stderr, as a :data:`evalkit.pipeline.Progress` callback (``None``: no bar).

    On a terminal the bar is redrawn as inputs finish and erased at the end; elsewhere (``--progress``
    into a log) only its final state is written, once.
    """
    if not want_progress(flag, sys.stderr, os.environ):
        yield None
        return
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn, TimeRemainingColumn

    console = Console(stderr=True)
    columns = (TextColumn("scoring"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(), TimeRemainingColumn())
    with Progress(*columns, console=console, transient=console.is_terminal) as bar:
        task = bar.add_task("scoring", total=None)

        def advance(done: int, total: int, path: str) -> None:
            bar.update(task, completed=done, total=total)

        yield advance


def say(message: str, err: bool = False) -> None:
    """Print one line that may hold file names or digest text (on stderr with ``err``), as
    :func:`~evalkit.text.safe.log_line` makes it: control characters shown as escapes, no workflow command."""
    from evalkit.text.safe import log_line

    typer.echo(log_line(message), err=err)


def first_line(doc: str | None) -> str:
    """The first line of a docstring (``""`` for none)."""
    return (doc or "").strip().splitlines()[0] if doc and doc.strip() else ""


def print_input_errors(errors) -> None:  # type: ignore[no-untyped-def]
    """One stderr line per input that could not be read or parsed: ``evalkit: PATH:LINE: message``."""
    for problem in errors:
        where = f"{problem.path}:{problem.line}" if problem.line else problem.path
        say(f"evalkit: {where}: {problem.message}", err=True)


def comet_notice(info, quiet: bool) -> None:  # type: ignore[no-untyped-def]
    """One stderr line on what COMET did: why it was not computed (always shown), or what it cost."""
    if info is None:
        return
    if not info.computed_ok:
        say(f"evalkit: notice: COMET not computed: {info.reason}", err=True)
    elif not quiet:
        cropped = f", {info.cropped} cropped at the encoder's limit" if info.cropped else ""
        say(
            f"evalkit: COMET scored {info.segments} segment(s) ({info.cached} from cache{cropped}) with "
            + ", ".join(f"{key}={name}" for key, name in sorted(info.models.items())),
            err=True,
        )
    if not quiet:
        for notice in info.notices:
            say(f"evalkit: notice: {notice}", err=True)
