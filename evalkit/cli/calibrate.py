"""``evalkit calibrate``: propose a QE threshold (``[comet] qe_thresholds``) from labelled pairs."""

from __future__ import annotations

from typing import Annotated, Optional

import typer

from evalkit.cli.base import app
from evalkit.cli.common import Command, ReferencesOption, say
from evalkit.cli.exits import EXIT_OK, user_errors


@app.command(cls=Command)
def calibrate(
    inputs: Annotated[
        list[str],
        typer.Argument(
            metavar="LABELS.jsonl|DIGEST",
            help="A labels file (one labelled entry a line), or with --post-edits the machine-translated digests.",
            show_default=False,
        ),
    ],
    corpus: Annotated[
        Optional[str],
        typer.Option("--corpus", metavar="DIR", help="The directory the labels' 'file' paths are relative to.", show_default=False),
    ] = None,
    post_edits: Annotated[
        bool,
        typer.Option(
            "--post-edits",
            help="Label pairs by their post-edits (the references directory): bad when the editor changed them substantially.",
        ),
    ] = False,
    comet_model: Annotated[
        Optional[str],
        typer.Option(
            "--comet-model",
            metavar="NAME|PATH",
            help="The reference-free (QE) COMET model to calibrate (default: the configuration's comet.models).",
            show_default=False,
        ),
    ] = None,
    target_precision: Annotated[
        Optional[float],
        typer.Option(
            "--target-precision",
            metavar="P",
            help="Propose the highest-recall threshold whose precision is at least P (0-1), instead of the best F1.",
            show_default=False,
        ),
    ] = None,
    output: Annotated[
        Optional[str],
        typer.Option("--output", "-o", metavar="FILE", help="Write the full curve and every labelled pair as JSON to FILE.", show_default=False),
    ] = None,
    references: ReferencesOption = None,
    config_file: Annotated[
        Optional[str],
        typer.Option("--config", metavar="FILE", help="Read settings from FILE instead of searching for one.", show_default=False),
    ] = None,
    offline: Annotated[
        bool, typer.Option("--offline", help="Never download the model; use local paths and the Hugging Face cache only.")
    ] = False,
) -> None:
    """Propose a QE threshold from labelled sentence pairs, with the precision/recall curve.

    Labels: every aligned pair of the labelled entries is scored with the QE model; a pair is bad when a
    labelled defect's Chinese quote overlaps it. Post-edits (--post-edits): a pair is bad when its chrF
    against the post-edited reference is under 70. A copy of the English, or a pair with no Chinese, is
    bad and flagged whatever its score. Prints the curve around the proposal and the [comet] snippet to
    paste into the configuration.
    """
    import json

    from evalkit.config import discover_config, load_config
    from evalkit.errors import ConfigError
    from evalkit.judges.calibrate import calibrate_labels, calibrate_post_edits, calibration_config

    with user_errors(writing=lambda: output):
        if post_edits and corpus is not None:
            raise ConfigError("--corpus is for a labels file; --post-edits reads the references directory")
        if not post_edits and (len(inputs) != 1 or corpus is None):
            raise ConfigError("give one labels file and --corpus DIR (or digests with --post-edits)")
        base = load_config(config_file) if config_file else discover_config(list(inputs))
        overrides: dict[str, object] = {"references": references}
        if offline:
            overrides["comet"] = {"download": False}
        base = base.with_overrides(**overrides)  # type: ignore[arg-type]
        models = [comet_model] if comet_model else list(base.comet.models)
        config = calibration_config(base, models)
        if post_edits:
            result = calibrate_post_edits(inputs, config, target_precision=target_precision)
        else:
            assert corpus is not None  # checked above
            result = calibrate_labels(inputs[0], corpus, config, target_precision=target_precision)
        if output is not None:
            text = json.dumps(result.to_dict(), ensure_ascii=False, indent=2) + "\n"
            if output == "-":
                typer.echo(text, nl=False)
            else:
                with open(output, "w", encoding="utf-8") as fh:
                    fh.write(text)
    if output != "-":
        _print(result)
    raise typer.Exit(EXIT_OK)


def _print(result) -> None:  # type: ignore[no-untyped-def]
    """The summary, a table of the curve around the proposal, and the snippet to paste."""
    from evalkit.judges.calibrate import table_rows

    say(
        f"{result.entries} {'labelled entries' if result.source == 'labels' else 'post-edited entries'},"
        f" {len(result.pairs)} scored pairs, {result.bad} bad"
        f" ({sum(1 for p in result.pairs if p.always_flagged)} copies of the English or without Chinese,"
        " flagged whatever the score)"
    )
    if result.defects:
        places = ", ".join(f"{n} {place if place in ('no quote', 'not found') else 'in the ' + place}" for place, n in result.not_located_by_place.items())
        say(
            f"{result.defects} labelled defects, {result.defects_not_located} not located in the Chinese abstract"
            + (f" ({places}); they mark no pair" if places else "")
        )
    say(f"{'threshold':>10s} {'flagged':>8s} {'tp':>5s} {'fp':>5s} {'fn':>5s} {'precision':>9s} {'recall':>7s} {'F1':>6s}")
    for point in table_rows(result):
        mark = "  <- proposed" if point == result.proposal else ""
        say(
            f"{point.threshold:>10g} {point.flagged:>8d} {point.true_positives:>5d} {point.false_positives:>5d}"
            f" {point.false_negatives:>5d} {_ratio(point.precision):>9s} {_ratio(point.recall):>7s} {point.f1:>6.3f}{mark}"
        )
    if result.proposal is None:
        wanted = f"precision {result.target_precision:g}" if result.target_precision is not None else "any bad pair flagged"
        say(f"no threshold reaches {wanted}; nothing to propose")
        return
    p = result.proposal
    say(
        f"proposed: {p.threshold:g} (precision {_ratio(p.precision)}, recall {_ratio(p.recall)}, F1 {p.f1:.3f});"
        " paste into evalkit.toml (or [tool.evalkit.comet] of pyproject.toml):"
    )
    for line in (result.toml() or "").splitlines():
        say(line)


def _ratio(value: float | None) -> str:
    return "-" if value is None else f"{value:.3f}"
