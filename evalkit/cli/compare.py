"""``evalkit compare``: two or more translation systems (or versions of a digest) with paired significance."""

from __future__ import annotations

from enum import Enum
from typing import Annotated, Optional

import typer

from evalkit.cli.base import app
from evalkit.cli.common import (
    Command,
    NoReferencesOption,
    ProgressOption,
    QuietOption,
    ReferencesOption,
    choice,
    choices,
    print_input_errors,
    progress_bar,
    say,
)
from evalkit.cli.exits import EXIT_ERROR, EXIT_OK, user_errors
from evalkit.compare.significance import DEFAULT_ALPHA, DEFAULT_AR_TRIALS, DEFAULT_BS_SAMPLES, DEFAULT_SEED
from evalkit.limits import MAX_BOOTSTRAP, MAX_JOBS

TESTS_PANEL = "Significance tests"


class CompareFormat(str, Enum):
    """Formats of ``evalkit compare``."""

    table = "table"
    json = "json"
    markdown = "markdown"
    html = "html"


@app.command(cls=Command)
def compare(
    systems: Annotated[
        list[str],
        typer.Argument(
            metavar="SYSTEM",
            help="Two or more systems, the baseline first: each a digest file, a directory of digests, a JSON"
            " report from evalkit score --format json, or with --triples a triples file.",
            show_default=False,
        ),
    ],
    format: Annotated[
        CompareFormat,
        typer.Option("--format", "-f", metavar="FORMAT", parser=choice(CompareFormat), help=f"Output format: {choices(CompareFormat)}."),
    ] = CompareFormat.table,
    output: Annotated[
        Optional[str], typer.Option("--output", "-o", metavar="FILE", help="Write the output to FILE (- or none: stdout).", show_default=False)
    ] = None,
    name: Annotated[
        Optional[list[str]],
        typer.Option("--name", "-n", metavar="NAME", help="Name of each system, in order (repeatable). Default: the inputs' file or directory names.", show_default=False),
    ] = None,
    triples: Annotated[
        bool, typer.Option("--triples", help="The systems are triples files (src, mt, ref columns; rows matched by id, else by row number).")
    ] = False,
    seed: Annotated[
        int, typer.Option("--seed", min=0, metavar="N", help="Seed of the tests' random draws (sacrebleu's default).", rich_help_panel=TESTS_PANEL)
    ] = DEFAULT_SEED,
    bs_samples: Annotated[
        int,
        typer.Option("--bs-samples", min=1, max=MAX_BOOTSTRAP, metavar="N", help="Paired bootstrap resamples.", rich_help_panel=TESTS_PANEL),
    ] = DEFAULT_BS_SAMPLES,
    ar_trials: Annotated[
        int,
        typer.Option("--ar-trials", min=1, max=MAX_BOOTSTRAP * 10, metavar="N", help="Approximate randomization trials.", rich_help_panel=TESTS_PANEL),
    ] = DEFAULT_AR_TRIALS,
    alpha: Annotated[
        float,
        typer.Option("--alpha", min=0.0, max=1.0, metavar="P", help="A difference is significant when both p-values are below P.", rich_help_panel=TESTS_PANEL),
    ] = DEFAULT_ALPHA,
    sacrebleu_ties: Annotated[
        bool,
        typer.Option(
            "--sacrebleu-ties",
            help="Count only resampled differences strictly larger than the observed one, as sacrebleu does"
            " (its exact p-values; identical systems then come out 'significant'). Default: ties count.",
            rich_help_panel=TESTS_PANEL,
        ),
    ] = False,
    top: Annotated[int, typer.Option("--top", min=0, max=10_000, metavar="N", help="How many entries that changed most to name.")] = 20,
    metric: Annotated[
        Optional[list[str]],
        typer.Option("--metric", "-m", metavar="NAME", help="Reference-based metric to compare (repeatable; default: bleu, chrf, chrf++, ter).", show_default=False),
    ] = None,
    references: ReferencesOption = None,
    no_references: NoReferencesOption = False,
    config_file: Annotated[
        Optional[str], typer.Option("--config", metavar="FILE", help="Read settings (checks, severities, references) from FILE.", show_default=False)
    ] = None,
    no_config: Annotated[bool, typer.Option("--no-config", help="Ignore configuration files: defaults and flags only.")] = False,
    comet_model: Annotated[
        Optional[list[str]],
        typer.Option("--comet-model", metavar="NAME|PATH", help="Score digest systems with this COMET model too (repeatable).", rich_help_panel="COMET", show_default=False),
    ] = None,
    no_comet: Annotated[bool, typer.Option("--no-comet", help="Do not run COMET, even if the configuration names models.", rich_help_panel="COMET")] = False,
    offline: Annotated[bool, typer.Option("--offline", help="Never download a COMET model.", rich_help_panel="COMET")] = False,
    jobs: Annotated[int, typer.Option("--jobs", "-j", min=0, max=MAX_JOBS, metavar="N", help="Worker processes for scoring digests (0: one per CPU core).")] = 0,
    progress: ProgressOption = None,
    quiet: QuietOption = False,
) -> None:
    """Compare translation systems, or versions of a digest, entry by entry with paired significance.

    Entries are matched by arXiv id (and ref where an id repeats); unmatched ones are listed. For every
    measure (BLEU, chrF, chrF++ and TER where references exist, COMET where both systems have it, and
    the checks: failing entries, errors, findings per category, invented endings) the first system is
    the baseline, and sacrebleu's paired bootstrap and approximate randomization give p-values (seeded;
    the settings are in every signature). Per entry the findings that appeared, disappeared or persisted.

    Exit code 0 when the comparison was written, 2 when an input could not be read or the options are wrong.
    """
    from evalkit.compare.report import CompareSettings, build_compare_report
    from evalkit.compare.significance import TestSettings
    from evalkit.compare.systems import default_names, load_system
    from evalkit.config import ConfigFlags, config_from_flags
    from evalkit.errors import ConfigError
    from evalkit.references import references_for_run

    with user_errors(writing=lambda: output):
        if len(systems) < 2:
            raise ConfigError("give at least two systems to compare (the baseline first)")
        if name and len(name) != len(systems):
            raise ConfigError(f"--name was given {len(name)} time(s) for {len(systems)} systems; name every system or none")
        names = list(name) if name else default_names([[s] for s in systems])
        if len(set(names)) != len(names):
            raise ConfigError(f"system names must differ: {', '.join(names)}")
        flags = ConfigFlags(
            paths=() if triples else tuple(systems),
            triples=systems[0] if triples else None,
            config_file=config_file,
            no_config=no_config,
            references=references,
            no_references=no_references,
            metrics=metric,
            comet_models=comet_model,
            no_comet=no_comet,
            offline=offline,
        ).check()
        config = config_from_flags(flags)
        refs = None if triples else references_for_run(config)
        loaded = []
        for system_name, path in zip(names, systems):
            with progress_bar(progress) as on_progress:
                loaded.append(load_system(system_name, [path], config, triples=triples, jobs=jobs, references=refs, progress=on_progress))
        settings = CompareSettings(
            TestSettings(seed=seed, bs_samples=bs_samples, ar_trials=ar_trials, alpha=alpha, count_ties=not sacrebleu_ties),
            metrics=config.metrics,
            sacrebleu=config.sacrebleu,
            most_changed=top,
        )
        report = build_compare_report(loaded, settings)
        _write(report, format, output)
    errors = [e for s in loaded for e in s.input_errors]
    if not quiet:
        from evalkit.records import InputProblem

        print_input_errors([InputProblem(str(e.get("path", "")), str(e.get("message", "")), e.get("line")) for e in errors])
    if output and output != "-" and not quiet:
        say(f"wrote {output}", err=True)
    raise typer.Exit(EXIT_ERROR if errors else EXIT_OK)


def _write(report: dict, format: CompareFormat, output: Optional[str]) -> None:  # type: ignore[type-arg]
    """Render ``report`` in ``format`` to ``output`` (stdout when ``None`` or ``-``)."""
    import sys

    from evalkit.report.write import write_text

    target = output or "-"
    if format is CompareFormat.table:
        from evalkit.compare.table import render_compare_table

        if target == "-":
            render_compare_table(report, sys.stdout)
            return
        import io

        buffer = io.StringIO()
        render_compare_table(report, buffer)
        write_text(target, buffer.getvalue())
    elif format is CompareFormat.json:
        from evalkit.compare.report import dumps_compare

        write_text(target, dumps_compare(report))
    elif format is CompareFormat.markdown:
        from evalkit.compare.markdown import render_compare_markdown

        write_text(target, render_compare_markdown(report))
    else:
        from evalkit.compare.html import render_compare_html

        write_text(target, render_compare_html(report))
