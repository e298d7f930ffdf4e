"""The ``evalkit`` command line: a thin typer layer over the library.

Exit codes for every command: 0 success, 1 gate failed, 2 usage, configuration or input error.
Library errors (:mod:`evalkit.errors`) become one-line messages here; no traceback reaches the user.
"""

from __future__ import annotations

import contextlib
import os
import sys
from enum import Enum
from typing import Annotated, Any, Callable, Iterator, Mapping, Optional

import typer
from typer.core import TyperArgument, TyperCommand, TyperGroup

from evalkit import __version__
from evalkit.limits import MAX_BOOTSTRAP, MAX_JOBS

EXIT_OK, EXIT_GATE_FAILED, EXIT_ERROR = 0, 1, 2
#: The help panel of the sacrebleu options of BLEU, chrF++ and TER (see evalkit.config.SacrebleuSettings).
SACREBLEU_PANEL = "Metrics (sacrebleu options)"


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


class _Command(_HelpLabels, TyperCommand):
    """A command with :class:`_HelpLabels`."""


class _Group(_HelpLabels, TyperGroup):
    """A command group with :class:`_HelpLabels`."""


def _choice(enum: type[Enum]) -> Callable[[Any], Enum]:
    """A typer ``parser`` for the values of ``enum``, whose error is one plain sentence.

    typer's own choice check reaches the user as "Value error, 'x' is not one of 'a', 'b'." (pydantic's
    wording of a ValueError); a :class:`typer.BadParameter` raised here is shown as it is.
    """

    def parse(value: Any) -> Enum:
        if isinstance(value, enum):
            return value
        try:
            return enum(value)
        except ValueError:
            raise typer.BadParameter(f"{value!r} is not one of {', '.join(m.value for m in enum)}") from None

    return parse


def _choices(enum: type[Enum]) -> str:
    """``table, json, markdown or html``: the values of ``enum`` for a help text."""
    values = [m.value for m in enum]
    return f"{', '.join(values[:-1])} or {values[-1]}" if len(values) > 1 else values[0]


ProgressOption = Annotated[
    Optional[bool],
    typer.Option(
        "--progress/--no-progress",
        help="Draw a progress bar on stderr. Default: on when stderr is a terminal and neither CI nor"
        " GITHUB_ACTIONS is set.",
        show_default=False,
    ),
]


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
def _progress_bar(flag: bool | None) -> Iterator[Callable[[int, int, str], None] | None]:
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


app = typer.Typer(
    name="evalkit",
    help="Measure the quality of machine-translated Chinese in arXiv digest files.",
    no_args_is_help=True,
    cls=_Group,
    pretty_exceptions_enable=False,
    # Markdown joins the wrapped lines of a docstring paragraph; typer's "rich" mode keeps every line
    # break, which leaves ragged half-empty lines in --help.
    rich_markup_mode="markdown",
)


class OutputFormat(str, Enum):
    """Formats of ``evalkit score``."""

    table = "table"
    json = "json"
    markdown = "markdown"
    html = "html"


class CometMode(str, Enum):
    """What COMET scores: aligned sentence pairs or whole abstracts."""

    pairs = "pairs"
    abstract = "abstract"


class CometPrecision(str, Enum):
    """Floating-point precision of COMET inference."""

    fp32 = "fp32"
    fp16 = "fp16"


class CometDevice(str, Enum):
    """Where COMET runs."""

    cpu = "cpu"
    cuda = "cuda"


class ListWhat(str, Enum):
    """What ``evalkit list`` lists."""

    checks = "checks"
    metrics = "metrics"


def _version(value: bool) -> None:
    if value:
        _say(f"evalkit {__version__}")
        raise typer.Exit(EXIT_OK)


@app.callback()
def main_callback(
    version: Annotated[
        bool, typer.Option("--version", "-V", callback=_version, is_eager=True, help="Print the version and exit.")
    ] = False,
) -> None:
    """Measure the quality of machine-translated Chinese in arXiv digest files."""


refs_app = typer.Typer(
    name="refs",
    cls=_Group,
    help="Manage reference translations: import post-edited digests, list and check them.",
    no_args_is_help=True,
    rich_markup_mode="markdown",
)
app.add_typer(refs_app, name="refs")

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


@app.command(cls=_Command)
def score(
    paths: Annotated[
        Optional[list[str]],
        typer.Argument(
            metavar="PATH", help="Digest files, directories (searched for .md/.txt), globs, or - for stdin.", show_default=False
        ),
    ] = None,
    format: Annotated[
        OutputFormat,
        typer.Option("--format", "-f", metavar="FORMAT", parser=_choice(OutputFormat), help=f"Output format: {_choices(OutputFormat)}."),
    ] = OutputFormat.table,
    output: Annotated[
        Optional[str],
        typer.Option(
            "--output",
            "-o",
            metavar="FILE",
            help="Write the report to FILE (- for stdout). HTML of several inputs: a directory for a page per"
            " issue and index.html.",
        ),
    ] = None,
    disable: Annotated[
        Optional[list[str]], typer.Option("--disable", metavar="NAME", help="Switch off a check, code or category (repeatable).")
    ] = None,
    severity: Annotated[
        Optional[list[str]],
        typer.Option("--severity", metavar="CODE=LEVEL", help="Override a code's severity: CODE=info|warning|error (repeatable)."),
    ] = None,
    max_file_size: Annotated[
        Optional[str],
        typer.Option(
            "--max-file-size",
            metavar="SIZE",
            help="Refuse inputs larger than this (bytes, or with KB/MB). Default 20MB.",
            show_default=False,
        ),
    ] = None,
    config_file: Annotated[
        Optional[str],
        typer.Option(
            "--config",
            metavar="FILE",
            help="Read settings from FILE (an evalkit.toml, or a pyproject.toml with a tool.evalkit table)"
            " instead of searching for one.",
        ),
    ] = None,
    no_config: Annotated[
        bool, typer.Option("--no-config", help="Ignore configuration files: defaults and flags only.")
    ] = False,
    no_align: Annotated[
        bool,
        typer.Option(
            "--no-align",
            help="Skip sentence alignment and the checks that need it (coverage, alignment, title, summary,"
            " fabricated endings, terminology): a fast structural run.",
        ),
    ] = False,
    jobs: Annotated[
        int,
        typer.Option(
            "--jobs",
            "-j",
            min=0,
            max=MAX_JOBS,
            metavar="N",
            help="Worker processes (0: one per CPU core). The report is the same for any value.",
        ),
    ] = 0,
    progress: ProgressOption = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Do not list input errors on stderr.")] = False,
    references: ReferencesOption = None,
    no_references: Annotated[
        bool,
        typer.Option("--no-references", help="Do not score against reference translations, even where some exist."),
    ] = False,
    triples: Annotated[
        Optional[str],
        typer.Option(
            "--triples",
            metavar="FILE",
            help="Score generic parallel data instead of digests: a .jsonl, .csv, .tsv or .parquet file with"
            " src, mt and ref columns.",
            show_default=False,
        ),
    ] = None,
    metric: Annotated[
        Optional[list[str]],
        typer.Option("--metric", "-m", metavar="NAME", help="Reference-based metric to compute (repeatable; default: bleu, chrf, chrf++, ter)."),
    ] = None,
    bootstrap: Annotated[
        Optional[int],
        typer.Option(
            "--bootstrap",
            metavar="N",
            min=0,
            max=MAX_BOOTSTRAP,
            help="Bootstrap resamples behind each confidence interval (0: no intervals). Default 1000.",
            show_default=False,
        ),
    ] = None,
    bleu_tokenize: Annotated[
        Optional[str],
        typer.Option("--bleu-tokenize", metavar="NAME", help="BLEU's sacrebleu tokenizer (default zh).", rich_help_panel=SACREBLEU_PANEL, show_default=False),
    ] = None,
    bleu_lowercase: Annotated[
        Optional[bool],
        typer.Option("--bleu-lowercase/--no-bleu-lowercase", help="Lowercase before BLEU (default: no).", rich_help_panel=SACREBLEU_PANEL, show_default=False),
    ] = None,
    chrf_word_order: Annotated[
        Optional[int],
        typer.Option("--chrf-word-order", metavar="N", help="Word n-gram order of chrf++ (default 2).", rich_help_panel=SACREBLEU_PANEL, show_default=False),
    ] = None,
    chrf_lowercase: Annotated[
        Optional[bool],
        typer.Option("--chrf-lowercase/--no-chrf-lowercase", help="Lowercase before chrF and chrF++ (default: no).", rich_help_panel=SACREBLEU_PANEL, show_default=False),
    ] = None,
    ter_normalized: Annotated[
        Optional[bool],
        typer.Option("--ter-normalized/--no-ter-normalized", help="TER's normalisation (default: yes; with Asian support it splits Chinese into characters).", rich_help_panel=SACREBLEU_PANEL, show_default=False),
    ] = None,
    ter_asian_support: Annotated[
        Optional[bool],
        typer.Option("--ter-asian-support/--no-ter-asian-support", help="TER's Asian support (default: yes).", rich_help_panel=SACREBLEU_PANEL, show_default=False),
    ] = None,
    ter_case_sensitive: Annotated[
        Optional[bool],
        typer.Option("--ter-case-sensitive/--no-ter-case-sensitive", help="Case-sensitive TER (default: no).", rich_help_panel=SACREBLEU_PANEL, show_default=False),
    ] = None,
    ter_no_punct: Annotated[
        Optional[bool],
        typer.Option("--ter-no-punct/--ter-punct", help="Drop punctuation before TER (default: no).", rich_help_panel=SACREBLEU_PANEL, show_default=False),
    ] = None,
    comet_model: Annotated[
        Optional[list[str]],
        typer.Option(
            "--comet-model",
            metavar="NAME|PATH",
            help="COMET model: a local checkpoint or a hub name such as Unbabel/wmt22-comet-da (repeatable: one"
            " reference-based and one reference-free model). Replaces the configuration's comet.models.",
            rich_help_panel="COMET",
            show_default=False,
        ),
    ] = None,
    no_comet: Annotated[
        bool, typer.Option("--no-comet", help="Do not run COMET, even if the configuration names models.", rich_help_panel="COMET")
    ] = False,
    require_comet: Annotated[
        bool,
        typer.Option(
            "--require-comet",
            help="Fail (exit 2) when a COMET model cannot be used, instead of a notice and 'not computed' columns.",
            rich_help_panel="COMET",
        ),
    ] = False,
    comet_mode: Annotated[
        Optional[CometMode],
        typer.Option(
            "--comet-mode",
            metavar="MODE",
            parser=_choice(CometMode),
            help="Score aligned sentence pairs (default; nothing is cropped at 512 tokens) or whole abstracts.",
            rich_help_panel="COMET",
            show_default=False,
        ),
    ] = None,
    comet_precision: Annotated[
        Optional[CometPrecision],
        typer.Option(
            "--comet-precision", metavar="PRECISION", parser=_choice(CometPrecision), help="fp32 (default) or fp16.", rich_help_panel="COMET", show_default=False),
    ] = None,
    comet_device: Annotated[
        Optional[CometDevice],
        typer.Option(
            "--comet-device", metavar="DEVICE", parser=_choice(CometDevice), help="cpu or cuda (default: cuda when present).", rich_help_panel="COMET", show_default=False),
    ] = None,
    comet_batch_size: Annotated[
        Optional[int],
        typer.Option("--comet-batch-size", metavar="N", help="Segments per COMET batch (default 32).", rich_help_panel="COMET", show_default=False),
    ] = None,
    comet_cache: Annotated[
        Optional[bool],
        typer.Option(
            "--comet-cache/--no-comet-cache",
            help="Reuse COMET scores cached on disk ($EVALKIT_CACHE_DIR, default ~/.cache/evalkit).",
            rich_help_panel="COMET",
            show_default=False,
        ),
    ] = None,
    offline: Annotated[
        bool,
        typer.Option("--offline", help="Never download a COMET model; use local paths and the Hugging Face cache only.", rich_help_panel="COMET"),
    ] = False,
) -> None:
    """Score digest files: parse, run the checks, and report per issue and per entry.

    Entries whose arXiv id has reference translations (see evalkit refs) also get BLEU, chrF, chrF++ and
    TER per entry and per aligned sentence pair, and per issue corpus scores with a 95% bootstrap
    confidence interval. With --comet-model, COMET scores every aligned sentence pair: against the
    reference where one exists, reference-free (QE) elsewhere. With --triples FILE, score generic
    parallel data (src, mt, ref) instead.

    Settings come from an evalkit.toml, or the tool.evalkit table of a pyproject.toml, found next to the
    first input or in a parent directory up to the .git root. Flags win over the file: --disable adds to
    its list, --severity and --max-file-size replace its values. See docs/configuration.md.

    Exit code 0 when every input was read, 2 when any input could not be read or parsed (the others are
    still scored and reported) or the configuration is invalid.
    """
    from evalkit.config import Config, discover_config, load_config, parse_severity, parse_size
    from evalkit.errors import ConfigError, EvalkitError
    from evalkit.pipeline import score as run_score
    from evalkit.report import build_report, iter_report_json
    from evalkit.report.write import write_text

    try:
        if config_file is not None and no_config:
            raise ConfigError("--config and --no-config cannot be used together")
        if triples is not None and paths:
            raise ConfigError("give either digest paths or --triples FILE, not both")
        if references is not None and no_references:
            raise ConfigError("--references and --no-references cannot be used together")
        if triples is not None and references is not None:
            raise ConfigError("--triples FILE holds its own references; --references does not apply")
        if triples is None and not paths:
            raise ConfigError("missing digest paths (or --triples FILE); see evalkit score --help")
        paths = paths or []
        _check_score_output(format, output, paths)
        start = [triples] if triples is not None else paths
        base = Config() if no_config else load_config(config_file) if config_file else discover_config(start)
        config = base.with_overrides(
            disable=disable or (),
            severity=dict(_parse_override(item, parse_severity) for item in severity or ()),
            max_file_size=None if max_file_size is None else parse_size(max_file_size, "--max-file-size"),
            align=False if no_align else None,
            references=references,
            use_references=False if no_references else None,
            metrics=metric,
            bootstrap=bootstrap,
            comet={
                "models": () if no_comet else comet_model,
                "require": False if no_comet else True if require_comet else None,
                "mode": comet_mode.value if comet_mode else None,
                "precision": comet_precision.value if comet_precision else None,
                "device": comet_device.value if comet_device else None,
                "batch_size": comet_batch_size,
                "cache": comet_cache,
                "download": False if offline else None,
            },
            sacrebleu={
                "bleu_tokenize": bleu_tokenize,
                "bleu_lowercase": bleu_lowercase,
                "chrf_word_order": chrf_word_order,
                "chrf_lowercase": chrf_lowercase,
                "ter_normalized": ter_normalized,
                "ter_asian_support": ter_asian_support,
                "ter_case_sensitive": ter_case_sensitive,
                "ter_no_punct": ter_no_punct,
            },
        )
        if triples is not None:
            if format is OutputFormat.html:
                raise ConfigError("--format html renders digest reports; use table, json or markdown with --triples")
            _score_triples(triples, config, format, output)
            raise typer.Exit(EXIT_OK)
        with _progress_bar(progress) as on_progress:
            run = run_score(paths, config, jobs=jobs, progress=on_progress)
        if format is OutputFormat.json:
            write_text(output or "-", iter_report_json(run, config))
        elif format is OutputFormat.markdown:
            from evalkit.report.markdown import render_markdown

            write_text(output or "-", render_markdown(build_report(run, config)))
        elif format is OutputFormat.html:
            from evalkit.report.index import write_report_html

            write_report_html(build_report(run, config), output or "-")
        else:
            _write_table(build_report(run, config), output)
    except EvalkitError as exc:
        _fail(str(exc))
    except OSError as exc:
        _fail(f"cannot write {exc.filename or output}: {exc.strerror or exc}")
    if not quiet:
        _print_input_errors(run.errors)
    _comet_notice(run.comet, quiet)
    raise typer.Exit(EXIT_ERROR if run.errors else EXIT_OK)


def _check_score_output(format: OutputFormat, output: str | None, paths: list[str]) -> None:
    """Refuse, before any scoring, an output that the report could not be written to."""
    from evalkit.errors import ConfigError
    from evalkit.report.write import check_target

    if format is OutputFormat.html:
        from evalkit.inputs import expand

        count = len(expand(paths).paths)
        if count > 1 and (output in (None, "-") or output.lower().endswith((".html", ".htm"))):
            raise ConfigError(
                f"--format html of {count} inputs is a page per issue and an index.html: give --output DIR,"
                " or score one digest for a single page (evalkit report builds an index from JSON reports)"
            )
        if output not in (None, "-"):
            check_target(output, "--output", directory=count > 1 or os.path.isdir(output))
    elif output is not None:
        check_target(output, "--output")


def _print_input_errors(errors) -> None:  # type: ignore[no-untyped-def]
    """One stderr line per input that could not be read or parsed: ``evalkit: PATH:LINE: message``."""
    for problem in errors:
        where = f"{problem.path}:{problem.line}" if problem.line else problem.path
        _say(f"evalkit: {where}: {problem.message}", err=True)


def _comet_notice(info, quiet: bool) -> None:  # type: ignore[no-untyped-def]
    """One stderr line on what COMET did: why it was not computed (always shown), or what it cost."""
    if info is None:
        return
    if not info.computed_ok:
        _say(f"evalkit: notice: COMET not computed: {info.reason}", err=True)
    elif not quiet:
        cropped = f", {info.cropped} cropped at the encoder's limit" if info.cropped else ""
        _say(
            f"evalkit: COMET scored {info.segments} segment(s) ({info.cached} from cache{cropped}) with "
            + ", ".join(f"{key}={name}" for key, name in sorted(info.models.items())),
            err=True,
        )
    if not quiet:
        for notice in info.notices:
            _say(f"evalkit: notice: {notice}", err=True)


@app.command(cls=_Command)
def gate(
    paths: Annotated[
        Optional[list[str]],
        typer.Argument(metavar="PATH", help="Digest files, directories (searched for .md/.txt) or globs to gate.", show_default=False),
    ] = None,
    config_file: Annotated[
        Optional[str],
        typer.Option("--config", metavar="FILE", help="Read settings and the gate policy from FILE instead of searching for one."),
    ] = None,
    no_config: Annotated[bool, typer.Option("--no-config", help="Ignore configuration files: the default policy.")] = False,
    references: ReferencesOption = None,
    no_references: Annotated[
        bool, typer.Option("--no-references", help="Do not score against reference translations, even where some exist.")
    ] = False,
    waivers: Annotated[
        Optional[str],
        typer.Option(
            "--waivers",
            metavar="FILE",
            help="Waiver file (default: the policy's 'waivers', else evalkit-waivers.toml next to the configuration"
            " file or in the working directory, if present).",
            show_default=False,
        ),
    ] = None,
    no_waivers: Annotated[bool, typer.Option("--no-waivers", help="Apply no waivers.")] = False,
    history: Annotated[
        Optional[str],
        typer.Option(
            "--history",
            metavar="FILE",
            help="History store (default: the policy's 'history', else reports/history.sqlite).",
            show_default=False,
        ),
    ] = None,
    record: Annotated[
        bool, typer.Option("--record", help="Append this run's per-issue figures to the history (on the default branch).")
    ] = False,
    baseline: Annotated[
        Optional[int],
        typer.Option(
            "--baseline",
            metavar="N",
            help="Compare each issue with the last N issues of its series in the history; fail on a significant"
            " drop. Default: the policy's regression.baseline (0: off).",
            show_default=False,
        ),
    ] = None,
    report_file: Annotated[
        Optional[str], typer.Option("--report", metavar="FILE", help="Write the gate report (JSON) to FILE.", show_default=False)
    ] = None,
    junit: Annotated[
        Optional[str], typer.Option("--junit", metavar="FILE", help="Write JUnit XML to FILE: one test case per entry.", show_default=False)
    ] = None,
    sarif: Annotated[
        Optional[str], typer.Option("--sarif", metavar="FILE", help="Write SARIF 2.1.0 to FILE (code scanning).", show_default=False)
    ] = None,
    summary: Annotated[
        Optional[str],
        typer.Option("--summary", metavar="FILE", help="Write the Markdown summary to FILE (- for stdout).", show_default=False),
    ] = None,
    html: Annotated[
        Optional[str],
        typer.Option(
            "--html",
            metavar="DIR",
            help="Also write the HTML report of the gated digests to DIR: a page per issue (and an index for several).",
            show_default=False,
        ),
    ] = None,
    github: Annotated[
        Optional[bool],
        typer.Option(
            "--github/--no-github",
            help="Print GitHub Actions annotations and append the summary to $GITHUB_STEP_SUMMARY."
            " Default: on when GITHUB_ACTIONS=true.",
            show_default=False,
        ),
    ] = None,
    skip_non_digests: Annotated[
        bool,
        typer.Option(
            "--skip-non-digests", help="Skip named files that are not digests (a README in a list of changed files) instead of failing."
        ),
    ] = False,
    paths_from: Annotated[
        Optional[str],
        typer.Option(
            "--paths-from",
            metavar="FILE",
            help="Also gate the paths listed in FILE (one per line, or NUL-separated as git diff -z writes them;"
            " - for stdin). An empty list passes.",
            show_default=False,
        ),
    ] = None,
    jobs: Annotated[
        int, typer.Option("--jobs", "-j", min=0, max=MAX_JOBS, metavar="N", help="Worker processes (0: one per CPU core).")
    ] = 0,
    progress: ProgressOption = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Do not list input errors on stderr.")] = False,
    today: Annotated[
        Optional[str], typer.Option("--today", metavar="DATE", hidden=True, help="Judge waiver expiry as of DATE (YYYY-MM-DD).")
    ] = None,
) -> None:
    """Gate digests in CI: score them as evalkit score does, then apply the configuration's gate policy.

    An entry fails on an error finding in the policy's categories (by default alignment, encoding,
    language, numbers, structure, summary, title, translation, truncation, untranslated) or on a score
    beyond a threshold; an issue fails when too many entries fail (by default any), on issue-level
    limits, or on a significant regression against the history (--baseline N). Waivers turn listed
    failures into recorded passes until they expire. See docs/gate.md.

    Exit code 0 when every issue passes, 1 when any fails, 2 on a usage, configuration, waiver or
    history error or when an input could not be read.
    """
    import datetime
    import os

    from evalkit.config import Config, discover_config, load_config
    from evalkit.errors import ConfigError, EvalkitError
    from evalkit.gate.outputs.console import render_console
    from evalkit.gate.outputs.github import append_step_summary, in_github_actions
    from evalkit.gate.run import GateOptions, run_gate
    from evalkit.report.write import write_text

    target = None
    try:
        if config_file is not None and no_config:
            raise ConfigError("--config and --no-config cannot be used together")
        if references is not None and no_references:
            raise ConfigError("--references and --no-references cannot be used together")
        if waivers is not None and no_waivers:
            raise ConfigError("--waivers and --no-waivers cannot be used together")
        paths = list(paths or []) + (_read_path_list(paths_from) if paths_from is not None else [])
        if not paths and paths_from is None:
            raise ConfigError("missing digest paths (or --paths-from FILE); see evalkit gate --help")
        if "-" in paths:
            raise ConfigError("evalkit gate reads digest files, not stdin: annotations need a file name")
        _check_gate_outputs({"--report": report_file, "--junit": junit, "--sarif": sarif, "--summary": summary}, html)
        when = None
        if today is not None:
            try:
                when = datetime.date.fromisoformat(today)
            except ValueError:
                raise ConfigError(f"--today must be a date such as 2026-08-21, got {today!r}") from None
        base = Config() if no_config else load_config(config_file) if config_file else discover_config(paths or ["."])
        config = base.with_overrides(references=references, use_references=False if no_references else None)
        options = GateOptions(
            waivers=waivers,
            use_waivers=not no_waivers,
            history=history,
            baseline=baseline,
            record=record,
            skip_non_digests=skip_non_digests,
            jobs=jobs,
            today=when,
            commit=os.environ.get("GITHUB_SHA"),
        )
        with _progress_bar(progress) as on_progress:
            outcome = run_gate(paths, config, options, progress=on_progress)
        report = outcome.report
        in_github = in_github_actions() if github is None else github
        for line in render_console(report, github=in_github):
            typer.echo(line)  # already safe log lines, and the annotations must stay commands
        written = []
        for target, render in ((report_file, "json"), (junit, "junit"), (sarif, "sarif"), (summary, "markdown")):
            if target is not None:
                write_text(target, _gate_output(report, render, outcome))
                written.append(target)
        if in_github:
            target = append_step_summary(_gate_output(report, "markdown"))
        if html is not None:
            target = html
            written += _gate_html(outcome.run, config, html)
    except EvalkitError as exc:
        _fail(str(exc))
    except OSError as exc:
        _fail(f"cannot write {exc.filename or target}: {exc.strerror or exc}")
    for path in written:
        if path != "-":
            _say(f"evalkit: wrote {path}", err=True)
    if not quiet:
        _print_input_errors(outcome.run.errors)
    _comet_notice(outcome.run.comet, quiet)
    verdict = report["verdict"]
    raise typer.Exit(EXIT_ERROR if verdict == "error" else EXIT_GATE_FAILED if verdict == "fail" else EXIT_OK)


def _check_gate_outputs(files: Mapping[str, str | None], html: str | None) -> None:
    """Refuse, before any scoring, an output file or --html directory that could not be written,
    and two options writing the same file."""
    from evalkit.errors import ConfigError
    from evalkit.report.write import check_target

    by_path: dict[str, str] = {}
    for option, path in files.items():
        if path is None:
            continue
        check_target(path, option)
        if path != "-":
            key = os.path.abspath(path)
            if key in by_path:
                raise ConfigError(f"{by_path[key]} and {option} both write {path}: give each its own file")
            by_path[key] = option
    if html is not None:
        check_target(html, "--html", directory=True)


def _gate_output(report: dict, kind: str, outcome=None) -> str:  # type: ignore[no-untyped-def]
    """A gate report rendered as ``json``, ``junit``, ``sarif`` or ``markdown`` (JUnit takes the run's time
    from ``outcome``, the :class:`~evalkit.gate.run.GateRun`)."""
    if kind == "json":
        from evalkit.gate.report import dumps_gate_report

        return dumps_gate_report(report)
    if kind == "junit":
        from evalkit.gate.outputs.junit import RunTime, render_junit

        timing = RunTime(outcome.started, outcome.seconds) if outcome is not None and outcome.started else None
        return render_junit(report, timing)
    if kind == "sarif":
        from evalkit.gate.outputs.sarif import render_sarif

        return render_sarif(report)
    from evalkit.gate.outputs.summary import render_summary

    return render_summary(report)


def _gate_html(run, config, directory: str) -> list[str]:  # type: ignore[no-untyped-def]
    """The HTML report of the gated digests in ``directory``.

    One issue becomes ``DIR/<issue id>.html``, several a page each plus ``DIR/index.html``, and none (every
    input failed) ``DIR/index.html`` listing the input errors, so the path a workflow uploads is the same
    directory whatever the number of changed digests.
    """
    import os

    from evalkit.report import build_report
    from evalkit.report.index import INDEX_PAGE, write_report_html

    report = build_report(run, config)
    if not run.issues:
        target = os.path.join(directory, INDEX_PAGE)
    elif len(run.issues) == 1:
        target = os.path.join(directory, f"{run.issues[0].issue.id}.html")
    else:
        target = directory
    return [p for p in write_report_html(report, target) if p != "-"]


def _read_path_list(source: str) -> list[str]:
    """Paths from a file (or stdin): NUL-separated if the list holds a NUL, else one per line.

    The list is read as bytes and each name decoded on its own, as the system decodes file names
    (undecodable bytes kept as surrogates): a name that is not UTF-8 then becomes one input error of
    the run, not a refusal of the whole list.
    """
    import os

    from evalkit.errors import ConfigError, os_error_reason

    try:
        if source == "-":
            data = sys.stdin.buffer.read()
        else:
            with open(source, "rb") as fh:
                data = fh.read()
    except OSError as exc:
        raise ConfigError(f"--paths-from {source}: cannot read the list of paths: {os_error_reason(exc)}") from None
    items = data.split(b"\0") if b"\0" in data else data.splitlines()
    return [os.fsdecode(item) for item in (i.strip(b"\r\n") for i in items) if item.strip()]


@app.command(cls=_Command)
def export(
    report: Annotated[str, typer.Argument(metavar="REPORT.json", help="A JSON report written by evalkit score --format json.")],
    to: Annotated[str, typer.Option("--to", metavar="DIR", help="Directory for entries.parquet, pairs.parquet and dataset/.")],
) -> None:
    """Export a report's entry, sentence-pair and finding tables as Parquet and a Hugging Face dataset (the data extra)."""
    from evalkit.errors import EvalkitError

    try:
        from evalkit.export import export_report

        counts = export_report(report, to)
    except EvalkitError as exc:
        _fail(str(exc))
    except ImportError as exc:
        _fail(f"export needs the data extra (pandas, pyarrow, datasets): pip install 'evalkit[data]' ({exc.name} missing)")
    _say(f"wrote {counts['entries']} entries, {counts['pairs']} pairs and {counts['findings']} findings to {to}")


class RenderFormat(str, Enum):
    """Formats of ``evalkit render``."""

    html = "html"
    markdown = "markdown"


# A report that passed load_report's shape check can still hold a wrong type deep inside (a hand-edited
# file): rendering then fails with one of these, which the CLI turns into a one-line error.
_MALFORMED = (KeyError, TypeError, ValueError, AttributeError, IndexError)


@app.command(cls=_Command)
def render(
    report: Annotated[str, typer.Argument(metavar="REPORT.json", help="A JSON report written by evalkit score --format json.")],
    output: Annotated[
        Optional[str],
        typer.Option(
            "--output",
            "-o",
            metavar="PATH",
            help="HTML: the page's file for one issue (default REPORT.html; - for stdout), a directory for several"
            " (default REPORT without .json). Markdown: a file (default stdout).",
            show_default=False,
        ),
    ] = None,
    format: Annotated[
        RenderFormat,
        typer.Option("--format", "-f", metavar="FORMAT", parser=_choice(RenderFormat), help=f"Output format: {_choices(RenderFormat)}."),
    ] = RenderFormat.html,
    issue: Annotated[
        Optional[str], typer.Option("--issue", metavar="ID", help="Render only this issue (its id or path).", show_default=False)
    ] = None,
) -> None:
    """Render a JSON report as a self-contained HTML page (or Markdown) without scoring again.

    The page shows the headline figures, charts, a sortable and filterable table of entries and, per
    entry, English and Chinese side by side sentence by sentence with the findings marked in the text.
    A report with several issues becomes a directory with a page per issue and index.html.
    """
    from evalkit.errors import EvalkitError
    from evalkit.report.html import load_report
    from evalkit.report.write import write_text

    try:
        data = load_report(report)
        if format is RenderFormat.markdown:
            from evalkit.report.markdown import render_markdown

            if issue is not None:
                data = dict(data, issues=[i for i in data["issues"] if issue in (i.get("id"), i.get("path"))])
            write_text(output or "-", render_markdown(data))
            return
        from evalkit.report.index import write_report_html

        written = write_report_html(data, output, report_path=report, issue_id=issue)
    except EvalkitError as exc:
        _fail(str(exc))
    except OSError as exc:
        _fail(f"cannot write {exc.filename or output}: {exc.strerror or exc}")
    except _MALFORMED as exc:
        _fail(f"{report}: malformed evalkit report ({type(exc).__name__}: {exc})")
    if written and written[0] != "-":
        extra = f" and {len(written) - 1} issue page(s)" if len(written) > 1 else ""
        _say(f"wrote {written[0]}{extra}", err=True)


@app.command("report", cls=_Command)
def report_index(
    inputs: Annotated[
        list[str],
        typer.Argument(metavar="DIR_OR_REPORT", help="JSON reports, or directories searched for *.json reports.", show_default=False),
    ],
    out: Annotated[str, typer.Option("--out", "-o", metavar="DIR", help="Directory for index.html and the issue pages.")] = "reports",
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
    from evalkit.errors import EvalkitError
    from evalkit.report.index import DateRules, find_reports, write_site

    try:
        rules = DateRules.parse(date or ())
        reports, notes = find_reports(inputs)
        site = write_site(reports, out, rules=rules, title=title)
    except EvalkitError as exc:
        _fail(str(exc))
    except OSError as exc:
        _fail(f"cannot write {exc.filename or out}: {exc.strerror or exc}")
    except _MALFORMED as exc:
        _fail(f"malformed evalkit report ({type(exc).__name__}: {exc})")
    if not quiet:
        for note in notes + site.notes:
            _say(f"evalkit: note: {note}", err=True)
    _say(f"wrote {site.index} and {len(site.pages)} issue page(s) from {len(reports)} report(s)")


@app.command("list", cls=_Command)
def list_(
    what: Annotated[ListWhat, typer.Argument(metavar="WHAT", parser=_choice(ListWhat), help=f"{_choices(ListWhat)}.")],
) -> None:
    """List the registered checks (with the codes they emit) or metrics, one line of help each."""
    if what is ListWhat.checks:
        from evalkit.checks import CHECKS, load_checks

        load_checks()
        for check in CHECKS:
            _say(f"{check.name}: {_first_line(check.__doc__)}")
            for spec in check.codes:
                _say(f"    {spec.code:34s} {spec.severity.value:8s} {spec.help}")
    else:
        from evalkit.metrics import METRICS, load_metrics

        load_metrics()
        for metric in METRICS:
            needs = ", ".join(
                n for n, flag in (("reference", metric.needs_reference), ("model", metric.needs_model)) if flag
            )
            direction = "higher is better" if metric.higher_is_better else "lower is better"
            _say(f"{metric.name:10s} {direction}; needs {needs or 'nothing'}: {_first_line(metric.__doc__)}")


def _score_triples(path: str, config, format: OutputFormat, output: str | None) -> None:  # type: ignore[no-untyped-def]
    from evalkit.pipeline import score_triples
    from evalkit.report.canonical import dumps_report
    from evalkit.report.triples import build_triples_report, render_triples_markdown, render_triples_table
    from evalkit.report.write import write_text

    result = score_triples(path, config)
    report = build_triples_report(result, config)
    if format is OutputFormat.json:
        write_text(output or "-", dumps_report(report))
    elif format is OutputFormat.markdown:
        write_text(output or "-", render_triples_markdown(report))
    elif output in (None, "-"):
        render_triples_table(report, sys.stdout)
    else:
        import io

        buffer = io.StringIO()
        render_triples_table(report, buffer)
        write_text(output, buffer.getvalue())
    _comet_notice(result.comet, quiet=False)


# --- evalkit refs ------------------------------------------------------------------------------------


def _refs_directory(references: str | None, config_file: str | None, *, must_exist: bool) -> str:
    """The references directory for a refs command: --references, else the configuration's, else ./references."""
    from evalkit.config import discover_config, load_config
    from evalkit.references import resolve_references_dir
    from evalkit.references.store import DEFAULT_DIRECTORY, require_directory

    if references is not None:
        directory = references
    else:
        config = load_config(config_file) if config_file else discover_config(["."])
        found, _ = resolve_references_dir(config.references, source=config.source)
        directory = found or DEFAULT_DIRECTORY
    if must_exist:
        require_directory(directory)
    return directory


ConfigOption = Annotated[
    Optional[str],
    typer.Option("--config", metavar="FILE", help="Read the references setting from FILE instead of searching for one."),
]


@refs_app.command("import", cls=_Command)
def refs_import(
    edited: Annotated[str, typer.Argument(metavar="EDITED.md", help="A post-edited digest: its Chinese becomes the reference.")],
    who: Annotated[Optional[str], typer.Option("--who", metavar="NAME", help="Who edited it (default: the login name).", show_default=False)] = None,
    how: Annotated[str, typer.Option("--how", metavar="TEXT", help="How the reference was made.")] = "post-edit",
    when: Annotated[
        Optional[str], typer.Option("--when", metavar="DATE", help="ISO date of the edit (default: today).", show_default=False)
    ] = None,
    name: Annotated[
        Optional[str],
        typer.Option("--name", metavar="NAME", help="Reference file name without .jsonl (default: the digest's file name).", show_default=False),
    ] = None,
    references: ReferencesOption = None,
    config_file: ConfigOption = None,
) -> None:
    """Turn a post-edited digest into references: one per entry, keyed by arXiv id.

    The entries' Chinese abstracts (and titles) are written to DIR/NAME.jsonl (NAME from --name) with provenance
    who/when/how/source; importing the same digest again replaces that file. TER of the machine
    translation against a post-edit is HTER.
    """
    import getpass
    import os

    from evalkit.errors import ConfigError, EvalkitError
    from evalkit.references.importer import import_digest
    from evalkit.references.store import is_iso_date

    try:
        directory = _refs_directory(references, config_file, must_exist=False)
        if who is None:
            try:
                who = getpass.getuser()
            except (KeyError, OSError):
                who = "unknown"
        if not who.strip() or not how.strip():
            raise ConfigError("--who and --how must not be empty")
        if when is not None and not is_iso_date(when):
            raise ConfigError(f"--when must be an ISO date such as 2026-08-21, got {when!r}")
        os.makedirs(directory, exist_ok=True)
        result = import_digest(edited, directory, who=who, how=how, when=when, name=name)
    except EvalkitError as exc:
        _fail(str(exc))
    except OSError as exc:
        _fail(f"cannot write {exc.filename or directory}: {exc.strerror or exc}")
    for note in result.skipped:
        _say(f"evalkit: note: {note}", err=True)
    verb = "replaced" if result.replaced else "wrote"
    _say(f"{verb} {result.target}: {len(result.references)} reference(s) from {edited}")


@refs_app.command("list", cls=_Command)
def refs_list(references: ReferencesOption = None, config_file: ConfigOption = None) -> None:
    """List the references: arXiv id, file:line, provenance and whether a title is included."""
    import os

    from evalkit.errors import EvalkitError
    from evalkit.references import load_references

    try:
        directory = _refs_directory(references, config_file, must_exist=True)
        refs = load_references(directory)
    except EvalkitError as exc:
        _fail(str(exc))
    for ref in sorted(refs.references, key=lambda r: (r.arxiv_id, r.path, r.line)):
        p = ref.provenance
        parts = "title+abstract" if ref.title else "abstract"
        _say(f"{ref.arxiv_id:16s} {os.path.basename(ref.path)}:{ref.line}  {parts}  {p.who}; {p.how}; {p.when}")
    _say(f"{len(refs)} reference(s) for {len(refs.ids)} arXiv id(s) in {len(refs.files)} file(s) under {directory}")


@refs_app.command("check", cls=_Command)
def refs_check(
    digests: Annotated[
        Optional[list[str]],
        typer.Argument(metavar="DIGEST", help="Digests to check coverage for: how many entries have a reference.", show_default=False),
    ] = None,
    references: ReferencesOption = None,
    config_file: ConfigOption = None,
) -> None:
    """Validate every reference file (file:line for each problem); exit 2 if any is invalid.

    With digest paths, also say how many of their entries have a reference and list those without.
    """
    from evalkit.errors import EvalkitError
    from evalkit.references import scan_references

    try:
        directory = _refs_directory(references, config_file, must_exist=True)
        scan = scan_references(directory)
    except EvalkitError as exc:
        _fail(str(exc))
    for problem in scan.problems:
        _say(f"evalkit: {problem}", err=True)
    refs = scan.references
    if digests:
        _coverage(digests, refs)
    status = f"{len(scan.problems)} problem(s); " if scan.problems else "OK: "
    _say(f"{status}{len(refs)} valid reference(s) for {len(refs.ids)} arXiv id(s) in {len(refs.files)} file(s) under {directory}")
    raise typer.Exit(EXIT_ERROR if scan.problems else EXIT_OK)


def _coverage(paths: list[str], refs) -> None:  # type: ignore[no-untyped-def]
    from evalkit.errors import InputError
    from evalkit.inputs import expand
    from evalkit.parse import parse_digest, read_source

    inputs = expand(paths)
    for problem in inputs.problems:
        _say(f"evalkit: {problem.path}: {problem.message}", err=True)
    for path in inputs.paths:
        try:
            issue = parse_digest(read_source(path)).issue
        except InputError as exc:
            _say(f"evalkit: {exc}", err=True)
            continue
        missing = [e for e in issue.entries if not refs.for_id(e.arxiv_id)]
        _say(f"{path}: {len(issue.entries) - len(missing)} of {len(issue.entries)} entries have a reference")
        for e in missing:
            _say(f"    no reference: [^{e.ref}] {e.arxiv_id or e.link} (line {e.line})")


def _write_table(report: dict, output: str | None) -> None:
    from evalkit.report.table import render_table

    if output in (None, "-"):
        render_table(report, sys.stdout)
        return
    import io

    from evalkit.report.write import write_text

    buffer = io.StringIO()
    render_table(report, buffer)
    write_text(output, buffer.getvalue())


def _parse_override(item: str, parse_severity):  # type: ignore[no-untyped-def]
    from evalkit.errors import ConfigError

    code, sep, level = item.partition("=")
    if not sep or not code.strip():
        raise ConfigError(f"--severity expects CODE=LEVEL, got {item!r}")
    return code.strip(), parse_severity(level)


def _first_line(doc: str | None) -> str:
    return (doc or "").strip().splitlines()[0] if doc and doc.strip() else ""


def _say(message: str, err: bool = False) -> None:
    """Print one line that may hold file names or digest text (on stderr with ``err``), as
    :func:`~evalkit.text.safe.log_line` makes it: control characters shown as escapes, no workflow command."""
    from evalkit.text.safe import log_line

    typer.echo(log_line(message), err=err)


def _fail(message: str) -> None:
    _say(f"evalkit: error: {message}", err=True)
    raise typer.Exit(EXIT_ERROR)


def main() -> None:
    """Console-script entry point.

    Around the commands: stdout writes in any declared encoding, escaping what it cannot hold, and a
    closed stdout or one whose reader has gone is exit 2 (:mod:`evalkit.stdout`): a one-line error when
    it was closed, silence when the reader left (``| head``), as Python's documentation advises for
    SIGPIPE. Any other exception that escapes a command is a bug: one "internal error" line and exit 2,
    never 1 (which ``gate`` users read as "the gate failed"); ``EVALKIT_DEBUG=1`` shows the traceback.
    """
    import os

    from evalkit.stdout import GuardedStdout, StdoutGone

    original = sys.stdout
    guarded = sys.stdout = GuardedStdout(original)
    try:
        try:
            app()
        finally:
            guarded.flush()  # here, not at interpreter exit, where a failure could only be printed as ignored
    except StdoutGone as gone:
        if gone.reader_gone:
            # Point fd 1 at /dev/null so the interpreter's own final flush has somewhere to go.
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, original.fileno())
            os.close(devnull)
        else:
            typer.echo(f"evalkit: error: {gone}", err=True)
        sys.exit(EXIT_ERROR)
    except Exception as exc:
        if os.environ.get("EVALKIT_DEBUG"):
            raise
        detail = " ".join(f"{type(exc).__name__}: {exc}".split())
        typer.echo(f"evalkit: error: internal error: {detail} (a bug in evalkit; EVALKIT_DEBUG=1 shows the traceback)", err=True)
        sys.exit(EXIT_ERROR)
    finally:
        sys.stdout = original
