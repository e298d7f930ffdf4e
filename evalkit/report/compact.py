"""The compact JSON report (``schema: evalkit.report/1+compact``) and the one function that reads it back.

``evalkit score --format json --compact`` writes the canonical report (:mod:`evalkit.report.canonical`)
in a smaller form that holds exactly the same data:

* **sentence pairs by reference.** A pair of the canonical report repeats its English and Chinese
  sentences (``en``, ``zh``) although ``en_span``/``zh_span`` locate them in the entry's
  ``text.abstract_en``/``text.abstract_zh`` (``en == abstract_en[start:end]``, ``""`` where the span is
  ``null``: that is how :func:`~evalkit.report.canonical.build_report` makes them). The compact report
  leaves ``en`` and ``zh`` out; :func:`expand_report` puts them back from the spans.
* **no pretty-printing.** Separators ``,`` and ``:`` and no indentation, but *one line per entry* rather
  than one line for the whole file: the first line holds ``schema``, ``tool``, ``config`` and ``summary``
  (``head -1`` shows them), each issue opens on a line of its own (its summary and findings), each entry
  is one line, and ``errors`` and ``skipped`` close the last line. A single 50 MB line is what editors,
  pagers, ``grep`` and ``git diff`` handle worst, and a parser's "line N" would say nothing; a line per
  entry keeps all of them usable for one newline byte per entry (a few kilobytes per corpus).

The ``schema`` says which form a file has. It is a variant, ``evalkit.report/1+compact``, rather than
``evalkit.report/1`` with a flag beside it, on purpose: a consumer that checks the schema and reads
``pairs[].en`` (a jq script, an older evalkit) must refuse a compact file, not read empty sentences
from it. ``+compact`` says it is the same version 1 data, packed; :func:`expand_report` turns it into
the ``evalkit.report/1`` dict that the canonical report would have parsed to, key order included, and
every evalkit command that reads a report (``render``, ``report``, ``compare``, ``export``) reads it
through that function. What it trades: a compact file cannot be read pair by pair without its
abstracts, nor compared byte for byte with a canonical one; its reader slices the abstracts once.

Written in chunks (:func:`iter_compact_json`), one entry's data at a time, as the canonical report is.
"""

from __future__ import annotations

import json
from typing import Any, Iterable, Iterator

from evalkit.config import Config
from evalkit.errors import InputError
from evalkit.records import RunResult
# The canonical report's own builders of an issue and an entry, not copies: the two forms cannot drift.
from evalkit.report.canonical import _ENTRIES_MARK, SCHEMA, _entry, _issue, build_report, split_at_mark
from evalkit.text.safe import json_text

#: The ``schema`` of a compact report: ``evalkit.report/1`` data, packed (see the module docstring).
COMPACT_SCHEMA = f"{SCHEMA}+compact"
#: The pair fields a compact report leaves out, each with the span and the entry text that give it back.
PAIR_TEXTS = {"en": ("en_span", "abstract_en"), "zh": ("zh_span", "abstract_zh")}


def compact_json(value: Any) -> str:
    """``value`` as JSON without whitespace (separators ``,`` and ``:``), Chinese as is, and the control
    characters :mod:`json` leaves raw escaped as the canonical report escapes them
    (:func:`~evalkit.text.safe.json_text`). JSON strings hold no raw newline, so neither does the result."""
    return json_text(json.dumps(value, ensure_ascii=False, separators=(",", ":")))


def compact_entry(entry: dict[str, Any]) -> dict[str, Any]:
    """A canonical report's entry with its pairs' ``en`` and ``zh`` left out (the spans stay)."""
    pairs = entry.get("pairs")
    if not isinstance(pairs, list):
        return entry
    return {**entry, "pairs": [{k: v for k, v in p.items() if k not in PAIR_TEXTS} for p in pairs]}


def dumps_compact(report: dict[str, Any]) -> str:
    """The compact text of a canonical report (a :func:`~evalkit.report.canonical.build_report` dict).

    The same bytes as :func:`iter_compact_json` writes for the run the report was built from.
    """
    issues = ((issue, issue["entries"]) for issue in report["issues"])
    return "".join(_layout(report, issues))


def iter_compact_json(run: RunResult, config: Config) -> Iterator[str]:
    """Exactly ``dumps_compact(build_report(run, config))``, in chunks, building one entry's data at a time.

    As with :func:`~evalkit.report.canonical.iter_report_json`, neither the whole report nor its text is
    ever in memory at once.
    """
    head = build_report(run, config, with_issues=False)
    issues = ((_issue(result, with_entries=False), (_entry(e) for e in result.entries)) for result in run.issues)
    return _layout(head, issues)


def _layout(head: dict[str, Any], issues: Iterable[tuple[dict[str, Any], Iterable[dict[str, Any]]]]) -> Iterator[str]:
    """The compact text of a report: ``head`` gives every top-level key in order (its ``issues`` value is
    not used), ``issues`` each issue's data and, lazily, its canonical entries (compacted here)."""
    yield "{"
    for n, key in enumerate(head):
        yield ("," if n else "") + json.dumps(key) + ":"
        if key == "schema":
            yield json.dumps(COMPACT_SCHEMA)
        elif key == "issues":
            yield from _layout_issues(issues)
        else:
            yield compact_json(head[key])
    yield "}\n"


def _layout_issues(issues: Iterable[tuple[dict[str, Any], Iterable[dict[str, Any]]]]) -> Iterator[str]:
    """The ``issues`` list: ``[]``, or each issue on lines of its own (see the module docstring)."""
    first = True
    for issue, entries in issues:
        yield "[\n" if first else ",\n"
        first = False
        # The issue is dumped with a mark where its entries go, then split there, so its other keys keep
        # their order and form whatever they are, and the entries can follow one at a time.
        before, after = split_at_mark(compact_json({**issue, "entries": _ENTRIES_MARK}))
        yield before
        lead = "[\n"
        for entry in entries:
            yield lead + compact_json(compact_entry(entry))
            lead = ",\n"
        yield "[]" if lead == "[\n" else "\n]"
        yield after
    yield "[]" if first else "\n]"


def dumps_triples_compact(report: dict[str, Any]) -> str:
    """A ``--triples`` report (``evalkit.triples/1``) without whitespace, one line per segment.

    Its data are unchanged (it has no sentence pairs to share), so its schema is too: any JSON reader
    reads it as it reads the indented one.
    """
    head = compact_json({**report, "segments": _ENTRIES_MARK})
    before, after = split_at_mark(head)
    segments = report.get("segments") or []
    body = "[\n" + ",\n".join(compact_json(s) for s in segments) + "\n]" if segments else "[]"
    return before + body + after + "\n"


def is_compact(data: Any) -> bool:
    """Whether ``data`` (parsed JSON) claims to be a compact report (its ``schema``)."""
    return isinstance(data, dict) and data.get("schema") == COMPACT_SCHEMA


def expand_report(data: Any, path: str) -> Any:
    """The canonical (``evalkit.report/1``) form of a report read from ``path``: a compact report gets its
    schema and its pairs' ``en`` and ``zh`` back, in the canonical key order, so the result equals the
    canonical report of the same run; anything else is returned unchanged.

    Every reader of saved reports calls this first, then checks the canonical shape as before. Parts
    too malformed to expand (``issues`` not a list, an entry without ``text``) are left for that check to
    name; a span that does not fit its text raises :class:`InputError` here, as does a compact pair that
    carries its text anyway (the file is then neither form, and guessing which text is right would hide it).
    """
    if not is_compact(data):
        return data
    out = {**data, "schema": SCHEMA}
    issues = data.get("issues")
    if isinstance(issues, list):
        out["issues"] = [_expand_issue(issue, path, f"issues[{k}]") for k, issue in enumerate(issues)]
    return out


def _expand_issue(issue: Any, path: str, where: str) -> Any:
    entries = issue.get("entries") if isinstance(issue, dict) else None
    if not isinstance(entries, list):
        return issue
    return {**issue, "entries": [_expand_entry(e, path, f"{where}.entries[{j}]") for j, e in enumerate(entries)]}


def _expand_entry(entry: Any, path: str, where: str) -> Any:
    pairs = entry.get("pairs") if isinstance(entry, dict) else None
    text = entry.get("text") if isinstance(entry, dict) else None
    if not isinstance(pairs, list) or not isinstance(text, dict):
        return entry
    return {**entry, "pairs": [_expand_pair(p, text, path, f"{where}.pairs[{k}]") for k, p in enumerate(pairs)]}


def _expand_pair(pair: Any, text: dict[str, Any], path: str, where: str) -> Any:
    if not isinstance(pair, dict):
        return pair
    restored = {}
    for key, (span_key, field) in PAIR_TEXTS.items():
        if key in pair:
            raise InputError(path, f"malformed compact report: {where} has its '{key}' text (a compact pair gives spans only)")
        restored[key] = _span_text(pair.get(span_key), text.get(field), path, f"{where}.{span_key}", field)
    # The canonical order puts the texts right after "kind" (first in every pair evalkit writes).
    out: dict[str, Any] = {}
    if "kind" in pair:
        out["kind"] = pair["kind"]
    out.update(restored)
    out.update((k, v) for k, v in pair.items() if k != "kind")
    return out


def _span_text(span: Any, field_text: Any, path: str, where: str, field: str) -> str:
    """``field_text[start:end]`` for a ``[start, end]`` span within it; ``""`` for ``null`` (no sentence)."""
    if span is None:
        return ""
    ok = (
        isinstance(field_text, str)
        and isinstance(span, list)
        and len(span) == 2
        and all(isinstance(x, int) and not isinstance(x, bool) for x in span)
        and 0 <= span[0] <= span[1] <= len(field_text)
    )
    if not ok:
        raise InputError(path, f"malformed compact report: {where} is not a [start, end] span within text.{field}")
    return field_text[span[0] : span[1]]
