"""The ``evalkit`` command line: a thin typer layer over the library.

Exit codes for every command: 0 success, 1 gate failed, 2 usage, configuration or input error.
Library errors (:mod:`evalkit.errors`) become one-line messages here; no traceback reaches the user.
"""

from __future__ import annotations

import sys
from enum import Enum
from typing import Annotated, Optional

import typer

from evalkit import __version__

EXIT_OK, EXIT_GATE_FAILED, EXIT_ERROR = 0, 1, 2

app = typer.Typer(
    name="evalkit",
    help="Measure the quality of machine-translated Chinese in arXiv digest files.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


class OutputFormat(str, Enum):
    """Formats of ``evalkit score``."""

    table = "table"
    json = "json"
    markdown = "markdown"


class ListWhat(str, Enum):
    """What ``evalkit list`` lists."""

    checks = "checks"
    metrics = "metrics"


def _version(value: bool) -> None:
    if value:
        typer.echo(f"evalkit {__version__}")
        raise typer.Exit(EXIT_OK)


@app.callback()
def main_callback(
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Print the version and exit.")
    ] = False,
) -> None:
    """Measure the quality of machine-translated Chinese in arXiv digest files."""


@app.command()
def score(
    paths: Annotated[list[str], typer.Argument(help="Digest files, directories (searched for .md/.txt), globs, or - for stdin.")],
    format: Annotated[OutputFormat, typer.Option("--format", "-f", help="Output format.")] = OutputFormat.table,
    output: Annotated[Optional[str], typer.Option("--output", "-o", help="Write the report to FILE (- for stdout).")] = None,
    disable: Annotated[
        Optional[list[str]], typer.Option("--disable", help="Switch off a check, code or category (repeatable).")
    ] = None,
    severity: Annotated[
        Optional[list[str]], typer.Option("--severity", help="Override a code's severity: CODE=info|warning|error (repeatable).")
    ] = None,
    max_file_size: Annotated[
        Optional[str],
        typer.Option(
            "--max-file-size",
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
        int, typer.Option("--jobs", "-j", help="Worker processes (0: one per CPU core). The report is the same for any value.")
    ] = 0,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Do not list input errors on stderr.")] = False,
) -> None:
    """Score digest files: parse, run the checks, and report per issue and per entry.

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
        base = Config() if no_config else load_config(config_file) if config_file else discover_config(paths)
        config = base.with_overrides(
            disable=disable or (),
            severity=dict(_parse_override(item, parse_severity) for item in severity or ()),
            max_file_size=None if max_file_size is None else parse_size(max_file_size, "--max-file-size"),
            align=False if no_align else None,
        )
        run = run_score(paths, config, jobs=jobs)
        if format is OutputFormat.json:
            write_text(output or "-", iter_report_json(run, config))
        elif format is OutputFormat.markdown:
            from evalkit.report.markdown import render_markdown

            write_text(output or "-", render_markdown(build_report(run, config)))
        else:
            _write_table(build_report(run, config), output)
    except EvalkitError as exc:
        _fail(str(exc))
    except OSError as exc:
        _fail(f"cannot write {exc.filename or output}: {exc.strerror or exc}")
    if not quiet:
        for problem in run.errors:
            where = f"{problem.path}:{problem.line}" if problem.line else problem.path
            typer.echo(f"evalkit: {where}: {problem.message}", err=True)
    raise typer.Exit(EXIT_ERROR if run.errors else EXIT_OK)


@app.command("list")
def list_(what: Annotated[ListWhat, typer.Argument(help="checks or metrics")]) -> None:
    """List the registered checks (with the codes they emit) or metrics, one line of help each."""
    if what is ListWhat.checks:
        from evalkit.checks import CHECKS, load_checks

        load_checks()
        for check in CHECKS:
            typer.echo(f"{check.name}: {_first_line(check.__doc__)}")
            for spec in check.codes:
                typer.echo(f"    {spec.code:34s} {spec.severity.value:8s} {spec.help}")
    else:
        from evalkit.metrics import METRICS, load_metrics

        load_metrics()
        for metric in METRICS:
            needs = ", ".join(
                n for n, flag in (("reference", metric.needs_reference), ("model", metric.needs_model)) if flag
            )
            direction = "higher is better" if metric.higher_is_better else "lower is better"
            typer.echo(f"{metric.name:10s} {direction}; needs {needs or 'nothing'}: {_first_line(metric.__doc__)}")


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


def _fail(message: str) -> None:
    typer.echo(f"evalkit: error: {message}", err=True)
    raise typer.Exit(EXIT_ERROR)


def main() -> None:
    """Console-script entry point."""
    app()
