"""The comparison report as a terminal summary with rich (``evalkit compare``'s default output).

Names and codes are printed with control characters escaped (:func:`~evalkit.text.safe.one_line`) and
rich markup escaped, and the lines go through :func:`~evalkit.text.safe.guard_lines`, as the score table's.
"""

from __future__ import annotations

from typing import Any, Mapping, TextIO

from evalkit.compare.text import NO_REFERENCES, fmt_p, fmt_value, verdict
from evalkit.text.safe import guard_lines, one_line

#: Width of the table when the output is not a terminal.
PIPE_WIDTH = 120
#: Entries named under "changed most" in the terminal.
TABLE_CHANGED = 5
_VERDICT_STYLE = {"better": "green", "worse": "red", "same": "dim", "n.s.": ""}


def render_compare_table(report: Mapping[str, Any], stream: TextIO) -> None:
    """Print, per pair of systems, the measures with their p-values, then the finding changes."""
    from rich.console import Console

    width = None if getattr(stream, "isatty", lambda: False)() else PIPE_WIDTH
    console = Console(file=stream, highlight=False, soft_wrap=False, width=width)
    with console.capture() as captured:
        for pair in report["comparisons"]:
            _pair(report, pair, console)
    stream.write(guard_lines(captured.get()))


def _pair(report: Mapping[str, Any], pair: Mapping[str, Any], console: Any) -> None:
    from rich.markup import escape
    from rich.table import Table

    settings = report["settings"]
    a, b = escape(one_line(pair["baseline"])), escape(one_line(pair["system"]))
    table = Table(
        title=f"evalkit compare — {b} vs {a} (baseline), {pair['matched']:,} matched entries",
        title_justify="left",
        caption=f"p: paired bootstrap ({settings['bs_samples']:,}) / approximate randomization ({settings['ar_trials']:,}),"
        f" seed {settings['seed']}; significant when both < {settings['alpha']}",
        caption_justify="left",
    )
    for col, kw in (
        ("measure", {"no_wrap": True}),
        (a, {"justify": "right"}),
        (b, {"justify": "right"}),
        ("Δ", {"justify": "right"}),
        ("p bs", {"justify": "right"}),
        ("p ar", {"justify": "right"}),
        ("", {"no_wrap": True}),
    ):
        table.add_column(col, **kw)
    for m in pair["measures"]:
        word = verdict(m)
        style = _VERDICT_STYLE[word]
        unit = f" ({m['unit']})" if m["unit"] else ""
        table.add_row(
            escape(f"{m['label']}{unit} {'↑' if m['higher_is_better'] else '↓'}"),
            fmt_value(m["baseline"], m["digits"]),
            fmt_value(m["system"], m["digits"]),
            fmt_value(m["delta"], m["digits"], signed=True),
            fmt_p(m["p_bs"]),
            fmt_p(m["p_ar"]),
            f"[{style}]{word}[/]" if style else word,
        )
    if pair["measures"]:
        console.print(table)
    else:
        console.print(f"{b} vs {a}: no matched entries to compare")
    if not any(m["group"] == "reference" for m in pair["measures"]):
        console.print(escape(NO_REFERENCES.replace("`", "")))
    findings = pair["findings"]
    console.print(
        f"findings: {findings['appeared']} appeared, {findings['disappeared']} disappeared, {findings['persisted']} persisted"
        f" in {findings['entries_changed']} changed entries"
    )
    entries = {e["key"]: e for e in pair["entries"]}
    for key in pair["most_changed"][:TABLE_CHANGED]:
        e = entries[key]
        gained = ", ".join(e["findings"][1][i]["code"] for i in e["appeared"])
        lost = ", ".join(e["findings"][0][i]["code"] for i in e["disappeared"])
        parts = [p for p in (f"+ {gained}" if gained else "", f"- {lost}" if lost else "") if p]
        console.print(escape(one_line(f"  {key}: {e['status'][0]} → {e['status'][1]}  {'  '.join(parts)}")))
    unmatched = pair["unmatched"]
    if unmatched["baseline"] or unmatched["system"]:
        console.print(f"unmatched: {len(unmatched['baseline'])} only in {a}, {len(unmatched['system'])} only in {b}")
    console.print()
