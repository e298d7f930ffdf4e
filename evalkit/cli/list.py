"""``evalkit list``: the registered checks or metrics, one line of help each."""

from __future__ import annotations

from enum import Enum
from typing import Annotated

import typer

from evalkit.cli.base import app
from evalkit.cli.common import Command, choice, choices, first_line, say


class ListWhat(str, Enum):
    """What ``evalkit list`` lists."""

    checks = "checks"
    metrics = "metrics"


@app.command("list", cls=Command)
def list_(
    what: Annotated[ListWhat, typer.Argument(metavar="WHAT", parser=choice(ListWhat), help=f"{choices(ListWhat)}.")],
) -> None:
    """List the registered checks (with the codes they emit) or metrics, one line of help each."""
    if what is ListWhat.checks:
        from evalkit.checks import CHECKS, load_checks

        load_checks()
        for check in CHECKS:
            say(f"{check.name}: {first_line(check.__doc__)}")
            for spec in check.codes:
                say(f"    {spec.code:34s} {spec.severity.value:8s} {spec.help}")
        from evalkit.judges.codes import judge_codes

        say("model judgments: findings from model scores, after the model stage (see docs/configuration.md)")
        for spec in judge_codes().values():
            say(f"    {spec.code:34s} {spec.severity.value:8s} {spec.help}")
    else:
        from evalkit.metrics import METRICS, load_metrics

        load_metrics()
        for metric in METRICS:
            needs = ", ".join(
                n for n, flag in (("reference", metric.needs_reference), ("model", metric.needs_model)) if flag
            )
            direction = "higher is better" if metric.higher_is_better else "lower is better"
            say(f"{metric.name:10s} {direction}; needs {needs or 'nothing'}: {first_line(metric.__doc__)}")
