"""``evalkit gate``: score digests, apply the gate policy, print the verdict and write the CI outputs."""

from __future__ import annotations

import dataclasses
import os
import sys
from typing import Annotated, Mapping, Optional

import typer

from evalkit.cli.base import app
from evalkit.cli.common import (
    Command,
    NoReferencesOption,
    ProgressOption,
    QuietOption,
    ReferencesOption,
    JudgeBaseUrlOption,
    JudgeBudgetOption,
    JudgeOption,
    JudgeScopeOption,
    NoJudgeOption,
    RequireJudgeOption,
    comet_notice,
    judge_notice,
    print_input_errors,
    progress_bar,
    renamed,
    say,
)
from evalkit.cli.exits import exit_for_verdict, user_errors
from evalkit.limits import MAX_JOBS


@app.command(cls=Command)
def gate(
    ctx: typer.Context,
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
    no_references: NoReferencesOption = False,
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
    output: Annotated[
        Optional[str],
        typer.Option("--output", "-o", metavar="FILE", help="Write the gate report (JSON) to FILE.", show_default=False),
    ] = None,
    report_file: Annotated[
        Optional[str], typer.Option("--report", metavar="FILE", hidden=True, help="The old name of --output.", show_default=False)
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
    quiet: QuietOption = False,
    judge: JudgeOption = None,
    no_judge: NoJudgeOption = False,
    require_judge: RequireJudgeOption = False,
    judge_scope: JudgeScopeOption = None,
    judge_budget: JudgeBudgetOption = None,
    judge_base_url: JudgeBaseUrlOption = None,
    today: Annotated[
        Optional[str], typer.Option("--today", metavar="DATE", hidden=True, help="Judge waiver expiry as of DATE (YYYY-MM-DD).")
    ] = None,
) -> None:
    """Gate digests in CI: score them as evalkit score does, then apply the configuration's gate policy.

    An entry fails on an error finding (the entries evalkit score marks as failing; a code's severity is
    set in the [severity] table) or on a score beyond a threshold; an issue fails when too many entries fail (by default any), on issue-level
    limits, or on a significant regression against the history (--baseline N). Waivers turn listed
    failures into recorded passes until they expire. See docs/gate.md.

    Exit code 0 when every issue passes, 1 when any fails, 2 on a usage, configuration, waiver or
    history error or when an input could not be read.
    """
    import datetime

    from evalkit.config import ConfigFlags, config_from_flags
    from evalkit.errors import ConfigError
    from evalkit.gate.outputs import render_gate
    from evalkit.gate.outputs.console import render_console
    from evalkit.gate.outputs.github import append_step_summary, in_github_actions
    from evalkit.gate.run import GateOptions, run_gate
    from evalkit.report.write import write_text

    report_option = "--report" if report_file is not None else "--output"
    output = renamed(ctx, "--output", output, "--report", report_file)
    target = None
    with user_errors(writing=lambda: target):
        flags = ConfigFlags(
            paths=tuple(paths or ()),
            config_file=config_file,
            no_config=no_config,
            references=references,
            no_references=no_references,
            judge_model=judge,
            no_judge=no_judge,
            require_judge=require_judge,
            judge_scope=judge_scope.value if judge_scope else None,
            judge_budget=judge_budget,
            judge_base_url=judge_base_url,
        ).check()
        if waivers is not None and no_waivers:
            raise ConfigError("--waivers and --no-waivers cannot be used together")
        paths = list(paths or []) + (_read_path_list(paths_from) if paths_from is not None else [])
        if not paths and paths_from is None:
            raise ConfigError("missing digest paths (or --paths-from FILE); see evalkit gate --help")
        if "-" in paths:
            raise ConfigError("evalkit gate reads digest files, not stdin: annotations need a file name")
        # Each file output and the gate format it is rendered in (evalkit.gate.outputs).
        files = {report_option: (output, "json"), "--junit": (junit, "junit"), "--sarif": (sarif, "sarif"), "--summary": (summary, "markdown")}
        _check_gate_outputs({option: path for option, (path, _) in files.items()}, html)
        when = None
        if today is not None:
            try:
                when = datetime.date.fromisoformat(today)
            except ValueError:
                raise ConfigError(f"--today must be a date such as 2026-08-21, got {today!r}") from None
        config = config_from_flags(dataclasses.replace(flags, paths=tuple(paths)))
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
        with progress_bar(progress) as on_progress:
            outcome = run_gate(paths, config, options, progress=on_progress)
        report = outcome.report
        in_github = in_github_actions() if github is None else github
        for line in render_console(report, github=in_github):
            typer.echo(line)  # already safe log lines, and the annotations must stay commands
        written = []
        for target, name in files.values():
            if target is not None:
                write_text(target, render_gate(report, name, outcome))
                written.append(target)
        if in_github:
            target = append_step_summary(render_gate(report, "markdown"))
        if html is not None:
            target = html
            written += _gate_html(outcome.run, config, html)
    for path in written:
        if path != "-":
            say(f"evalkit: wrote {path}", err=True)
    if not quiet:
        print_input_errors(outcome.run.errors)
    comet_notice(outcome.run.comet, quiet)
    judge_notice(outcome.run.judges, quiet)
    exit_for_verdict(report["verdict"])


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


def _gate_html(run, config, directory: str) -> list[str]:  # type: ignore[no-untyped-def]
    """The HTML report of the gated digests in ``directory``.

    One issue becomes ``DIR/<issue id>.html``, several a page each plus ``DIR/index.html``, and none (every
    input failed) ``DIR/index.html`` listing the input errors, so the path a workflow uploads is the same
    directory whatever the number of changed digests.
    """
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
