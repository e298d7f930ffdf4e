"""``evalkit score``: parse, check and score digests (or --triples data) and write a report in one format."""

from __future__ import annotations

import gc
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
    JudgeBaseUrlOption,
    JudgeBudgetOption,
    JudgeOption,
    JudgeScopeOption,
    NoJudgeOption,
    RequireJudgeOption,
    comet_notice,
    judge_notice,
    or_list,
    print_input_errors,
    progress_bar,
)
from evalkit.cli.exits import EXIT_ERROR, EXIT_OK, user_errors
from evalkit.limits import MAX_BOOTSTRAP, MAX_JOBS
from evalkit.report.formats import formats_in_order

#: The help panel of the sacrebleu options of BLEU, chrF++ and TER (see evalkit.config.SacrebleuSettings).
SACREBLEU_PANEL = "Metrics (sacrebleu options)"

#: The values of --format: the registered formats (evalkit.report.formats), in their order.
OutputFormat = Enum("OutputFormat", {fmt.name: fmt.name for fmt in formats_in_order()}, type=str)  # type: ignore[misc]
OutputFormat.__doc__ = "Formats of ``evalkit score``."


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


@app.command(cls=Command)
def score(
    paths: Annotated[
        Optional[list[str]],
        typer.Argument(
            metavar="PATH", help="Digest files, directories (searched for .md/.txt), globs, or - for stdin.", show_default=False
        ),
    ] = None,
    format: Annotated[
        OutputFormat,
        typer.Option("--format", "-f", metavar="FORMAT", parser=choice(OutputFormat), help=f"Output format: {choices(OutputFormat)}."),
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
    compact: Annotated[
        bool,
        typer.Option(
            "--compact",
            help="With --format json: a compact report (schema evalkit.report/1+compact), no indentation and"
            " sentence pairs as spans into the abstracts without their texts; about half the size, read by"
            " every evalkit command as the canonical report.",
        ),
    ] = False,
    disable: Annotated[
        Optional[list[str]], typer.Option("--disable", metavar="NAME", help="Switch off a check, code or category (repeatable).")
    ] = None,
    severity: Annotated[
        Optional[list[str]],
        typer.Option("--severity", metavar="CODE=LEVEL", help="Override the severity of a code or a whole category: CODE=info|warning|error (repeatable). An entry fails when it has an error."),
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
    quiet: QuietOption = False,
    references: ReferencesOption = None,
    no_references: NoReferencesOption = False,
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
            parser=choice(CometMode),
            help="Score aligned sentence pairs (default; nothing is cropped at 512 tokens) or whole abstracts.",
            rich_help_panel="COMET",
            show_default=False,
        ),
    ] = None,
    comet_precision: Annotated[
        Optional[CometPrecision],
        typer.Option(
            "--comet-precision", metavar="PRECISION", parser=choice(CometPrecision), help="fp32 (default) or fp16.", rich_help_panel="COMET", show_default=False),
    ] = None,
    comet_device: Annotated[
        Optional[CometDevice],
        typer.Option(
            "--comet-device", metavar="DEVICE", parser=choice(CometDevice), help="cpu or cuda (default: cuda when present).", rich_help_panel="COMET", show_default=False),
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
    judge: JudgeOption = None,
    no_judge: NoJudgeOption = False,
    require_judge: RequireJudgeOption = False,
    judge_scope: JudgeScopeOption = None,
    judge_budget: JudgeBudgetOption = None,
    judge_base_url: JudgeBaseUrlOption = None,
) -> None:
    """Score digest files: parse, run the checks, and report per issue and per entry.

    Entries whose arXiv id has reference translations (see evalkit refs) also get BLEU, chrF, chrF++ and
    TER per entry and per aligned sentence pair, and per issue corpus scores with a 95% bootstrap
    confidence interval. With --comet-model, COMET scores every aligned sentence pair: against the
    reference where one exists, reference-free (QE) elsewhere. With --triples FILE, score generic
    parallel data (src, mt, ref) instead. With --judge MODEL, an LLM on an OpenAI-compatible endpoint
    reads the entries in --judge-scope and its verbatim error spans become findings.

    Settings come from an evalkit.toml, or the tool.evalkit table of a pyproject.toml, found next to the
    first input or in a parent directory up to the .git root. Flags win over the file: --disable adds to
    its list, --severity and --max-file-size replace its values. See docs/configuration.md.

    Exit code 0 when every input was read, 2 when any input could not be read or parsed (the others are
    still scored and reported) or the configuration is invalid.
    """

    from evalkit.config import ConfigFlags, config_from_flags
    from evalkit.errors import ConfigError
    from evalkit.pipeline import score as run_score
    from evalkit.report.formats import FORMATS

    with user_errors(writing=lambda: output):
        flags = ConfigFlags(
            paths=tuple(paths or ()),
            triples=triples,
            config_file=config_file,
            no_config=no_config,
            references=references,
            no_references=no_references,
            disable=tuple(disable or ()),
            severity=tuple(severity or ()),
            max_file_size=max_file_size,
            no_align=no_align,
            metrics=metric,
            bootstrap=bootstrap,
            comet_models=comet_model,
            no_comet=no_comet,
            require_comet=require_comet,
            comet_mode=comet_mode.value if comet_mode else None,
            comet_precision=comet_precision.value if comet_precision else None,
            comet_device=comet_device.value if comet_device else None,
            comet_batch_size=comet_batch_size,
            comet_cache=comet_cache,
            offline=offline,
            bleu_tokenize=bleu_tokenize,
            bleu_lowercase=bleu_lowercase,
            chrf_word_order=chrf_word_order,
            chrf_lowercase=chrf_lowercase,
            ter_normalized=ter_normalized,
            ter_asian_support=ter_asian_support,
            ter_case_sensitive=ter_case_sensitive,
            ter_no_punct=ter_no_punct,
            judge_model=judge,
            no_judge=no_judge,
            require_judge=require_judge,
            judge_scope=judge_scope.value if judge_scope else None,
            judge_budget=judge_budget,
            judge_base_url=judge_base_url,
        ).check()
        if triples is None and not paths:
            raise ConfigError("missing digest paths (or --triples FILE); see evalkit score --help")
        writer = FORMATS.get(format.value)(compact=compact)
        writer.check_output(output, paths or [])
        config = config_from_flags(flags)
        if triples is not None:
            _score_triples(triples, config, writer, output)
            raise typer.Exit(EXIT_OK)
        with writer.issue_spool(output) as spool:
            with progress_bar(progress) as on_progress:
                run = run_score(paths, config, jobs=jobs, progress=on_progress, spool=spool)
            # The results live until the command ends and hold no reference cycles: kept out of the
            # collections that writing the report triggers, which would otherwise walk all of them again.
            gc.freeze()
            try:
                writer.write(run, config, output)
            finally:
                gc.unfreeze()
    if not quiet:
        print_input_errors(run.errors)
    comet_notice(run.comet, quiet)
    judge_notice(run.judges, quiet)
    raise typer.Exit(EXIT_ERROR if run.errors else EXIT_OK)


def _score_triples(path: str, config, writer, output: str | None) -> None:  # type: ignore[no-untyped-def]
    """Score a --triples file and write its report with ``writer`` (a :class:`~evalkit.report.formats.ReportFormat`)."""
    from evalkit.errors import ConfigError
    from evalkit.pipeline import score_triples
    from evalkit.report.triples import build_triples_report

    if not writer.renders_triples:
        able = or_list([fmt.name for fmt in formats_in_order() if fmt.renders_triples])
        raise ConfigError(f"--format {writer.name} renders digest reports; use {able} with --triples")
    result = score_triples(path, config)
    writer.write_triples(build_triples_report(result, config), output)
    comet_notice(result.comet, quiet=False)
