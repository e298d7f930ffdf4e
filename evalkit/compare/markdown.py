"""The comparison report as Markdown, sized for a pull-request comment.

Per pair of systems: a table of every measure (both scores, the difference, both p-values and a
verdict), the findings that appeared and disappeared by code, win/tie/loss, the entries that changed
most, and the unmatched entries. Text from digests goes through :func:`~evalkit.text.safe.markdown_text`
and :func:`~evalkit.text.safe.markdown_code`, so a title with ``|``, a backtick or an ``@mention``
cannot break the table or ping anyone.
"""

from __future__ import annotations

from typing import Any, Mapping

from evalkit.compare.text import NO_REFERENCES, fmt_p, fmt_value, verdict
from evalkit.text.safe import markdown_code, markdown_text

#: Rows of "entries that changed most" shown per pair.
MD_CHANGED = 10
#: Unmatched entries listed per side before "and N more".
MD_UNMATCHED = 10


def _cell(text: Any, limit: int | None = 120) -> str:
    """Untrusted text safe inside a Markdown table cell."""
    return markdown_text(str(text), limit)


def _code(text: Any) -> str:
    """Untrusted text as a code span (``|`` escaped: GitHub splits table cells on it even inside code)."""
    return "`" + markdown_code(str(text)).replace("|", "\\|") + "`"


def render_compare_markdown(report: Mapping[str, Any]) -> str:
    """The whole comparison as Markdown text."""
    settings = report["settings"]
    names = ", ".join(f"{_code(s['name'])} ({s['entries']} entries, {s['kind']})" for s in report["systems"])
    lines = [
        "## evalkit compare",
        "",
        f"Systems: {names}. Baseline: {_code(settings['baseline'])}.",
        f"Paired bootstrap ({settings['bs_samples']:,} resamples) and approximate randomization"
        f" ({settings['ar_trials']:,} trials), seed {settings['seed']}; significant: both p < {settings['alpha']}.",
        "",
    ]
    for pair in report["comparisons"]:
        lines += _pair(pair)
    return "\n".join(lines).rstrip() + "\n"


def _pair(pair: Mapping[str, Any]) -> list[str]:
    a, b = _code(pair["baseline"]), _code(pair["system"])
    out = [f"### {b} vs {a}", "", f"{pair['matched']:,} matched entries."]
    unmatched = pair["unmatched"]
    if unmatched["baseline"] or unmatched["system"]:
        out[-1] += f" Unmatched: {len(unmatched['baseline'])} only in {a}, {len(unmatched['system'])} only in {b}."
    out += ["", f"| measure | {a} | {b} | Δ | p (bs) | p (ar) | verdict |", "|---|---:|---:|---:|---:|---:|---|"]
    for m in pair["measures"]:
        unit = f" ({m['unit']})" if m["unit"] else ""
        arrow = "↑" if m["higher_is_better"] else "↓"
        out.append(
            f"| {_cell(m['label'])}{unit} {arrow} | {fmt_value(m['baseline'], m['digits'])} | {fmt_value(m['system'], m['digits'])}"
            f" | {fmt_value(m['delta'], m['digits'], signed=True)} | {fmt_p(m['p_bs'])} | {fmt_p(m['p_ar'])} | {verdict(m)} |"
        )
    if not pair["measures"]:
        out.append("| (nothing to compare) | | | | | | |")
    if not any(m["group"] == "reference" for m in pair["measures"]):
        out += ["", NO_REFERENCES]
    wtl = pair["win_tie_loss"]
    if wtl:
        out += ["", "Per entry, " + b + " against the baseline: " + "; ".join(f"{_cell(k)} {v['wins']} better / {v['ties']} same / {v['losses']} worse" for k, v in wtl.items()) + "."]
    findings = pair["findings"]
    out += [
        "",
        f"Findings: **{findings['appeared']} appeared**, **{findings['disappeared']} disappeared**, {findings['persisted']} persisted"
        f" ({findings['entries_changed']} entries changed).",
    ]
    moved = [(code, c) for code, c in findings["by_code"].items() if c["appeared"] or c["disappeared"]]
    if moved:
        out += ["", "| code | appeared | disappeared | persisted |", "|---|---:|---:|---:|"]
        moved.sort(key=lambda kv: (-(kv[1]["appeared"] + kv[1]["disappeared"]), kv[0]))
        out += [f"| {_code(code)} | {c['appeared']} | {c['disappeared']} | {c['persisted']} |" for code, c in moved]
    entries = {e["key"]: e for e in pair["entries"]}
    changed = [entries[k] for k in pair["most_changed"][:MD_CHANGED] if k in entries]
    if changed:
        out += ["", "Entries that changed most:", "", "| entry | status | appeared | disappeared |", "|---|---|---|---|"]
        for e in changed:
            appeared = ", ".join(_code(e['findings'][1][i]['code']) for i in e["appeared"]) or "—"
            gone = ", ".join(_code(e['findings'][0][i]['code']) for i in e["disappeared"]) or "—"
            out.append(f"| {_cell(e['key'])} {_cell(e['text']['title_en'], 70)} | {e['status'][0]} → {e['status'][1]} | {appeared} | {gone} |")
    for side, name in (("baseline", a), ("system", b)):
        units = unmatched[side]
        if units:
            shown = ", ".join(_cell(u["arxiv_id"] or f"ref {u['ref']}") for u in units[:MD_UNMATCHED])
            more = f" and {len(units) - MD_UNMATCHED} more" if len(units) > MD_UNMATCHED else ""
            out += ["", f"Only in {name}: {shown}{more}."]
    return out + [""]
