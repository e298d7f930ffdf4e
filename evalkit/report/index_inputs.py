"""What ``evalkit report`` reads: score reports, gate reports and gate histories, and the paths it shows.

Three kinds of input give issues to the index:

* a score report (``evalkit.report/1``, ``evalkit score --format json``; or its ``--compact`` form,
  ``evalkit.report/1+compact``, read as the same report): every figure, and a page per issue;
* a gate report (``evalkit.gate/1``, ``evalkit gate --output FILE``): per issue its entries and failing
  entries (its reasons name only the failing codes, so it gives no finding counts);
* a gate history (SQLite, ``evalkit gate --record``, ``reports/history.sqlite``): per issue its entries,
  failing entries and every entry's error and warning codes, so findings by category too.

Gate reports and histories give rows without a page. Unreadable inputs become :class:`InputError`\\ s that
name the file; the other inputs are still read. Pages never show an absolute local path: digest paths
are shown relative to the directory all of them share (:class:`PathDisplay`).
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any, Mapping, Sequence

from evalkit.errors import EvalkitError, InputError
from evalkit.report.html.loading import is_report, load_report
from evalkit.report.trends import Figures, IssueScore
from evalkit.safe_load import json_loads

#: The ``schema`` of a gate report (:mod:`evalkit.gate.report`), repeated here so reading one does not
#: import the gate.
GATE_SCHEMA = "evalkit.gate/1"
#: The ``schema`` the index gives the issues read from a history (the file itself is SQLite).
HISTORY_SCHEMA = "evalkit.history"
#: Input kinds, the one preferred when an issue is found in several first.
KINDS = ("report", "gate", "history")
_SQLITE_MAGIC = b"SQLite format 3\x00"


@dataclass(frozen=True)
class Loaded:
    """One input read: its path as named, its kind (``report``, ``gate``, ``history``) and its content.

    ``data`` is the score or gate report; for a history, ``{"issues": [...]}`` with one dict per recorded
    issue (``path``, ``id``, ``date``, ``channel``, ``entries``, ``failing``, ``waived``, ``passed``, and
    ``codes``: per entry its ``[code, severity]`` pairs).
    """

    path: str
    kind: str
    data: Mapping[str, Any]


@dataclass
class InputSet:
    """Everything read from the paths given: inputs, notes (files skipped) and problems (unreadable files)."""

    loaded: list[Loaded] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    problems: list[InputError] = field(default_factory=list)


def read_inputs(paths: Sequence[str]) -> InputSet:
    """Read every input named in ``paths``: files directly; directories by their ``*.json`` reports and
    ``*.sqlite`` histories (other JSON and SQLite files there are skipped with a note). A named file that
    cannot be read is a problem and the others are still read."""
    out = InputSet()
    for path in paths:
        p = Path(path)
        if p.is_dir():
            files = sorted(x for x in p.rglob("*") if x.suffix in (".json", ".sqlite") and x.is_file())
            for file in files:
                try:
                    out.loaded.append(_load(str(file), in_directory=True))
                except _Skip as skip:
                    out.notes.append(f"{file}: skipped, {skip}")
                except InputError as exc:
                    out.problems.append(exc)
            if not files:
                out.notes.append(f"{path}: no .json reports or .sqlite histories")
            continue
        try:
            out.loaded.append(_load(path, in_directory=False))
        except InputError as exc:
            out.problems.append(exc)
    return out


class _Skip(Exception):
    """A file in a searched directory that is not an input (package.json, a COMET cache)."""


def _load(path: str, *, in_directory: bool) -> Loaded:
    """The input in ``path``; :class:`_Skip` for a foreign file found in a directory, else
    :class:`InputError` naming the file."""
    file = Path(path)
    if not file.exists():
        raise InputError(path, "no such file")
    if file.is_dir():
        raise InputError(path, "is a directory, not a report or a history")
    try:
        with open(path, "rb") as handle:
            head = handle.read(len(_SQLITE_MAGIC))
    except OSError as exc:
        raise InputError(path, f"cannot read: {exc.strerror or exc}") from None
    if head == _SQLITE_MAGIC:
        return Loaded(path, "history", {"schema": HISTORY_SCHEMA, "issues": read_history(path, in_directory=in_directory)})
    try:
        data = json_loads(file.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        if in_directory:
            raise _Skip("not JSON") from None
        line = exc.lineno if isinstance(exc, json.JSONDecodeError) else None
        why = f"not JSON ({exc.msg})" if isinstance(exc, json.JSONDecodeError) else "not UTF-8 text"
        raise InputError(path, f"{why}: neither a score or gate report nor an SQLite gate history", line=line) from None
    except OSError as exc:
        raise InputError(path, f"cannot read: {exc.strerror or exc}") from None
    if is_report(data):
        return Loaded(path, "report", load_report(path))
    if isinstance(data, dict) and data.get("schema") == GATE_SCHEMA:
        check_gate_report(data, path)
        return Loaded(path, "gate", data)
    if in_directory:
        raise _Skip("not an evalkit report")
    found = f"schema {data['schema']!r}" if isinstance(data, dict) and "schema" in data else "no evalkit schema"
    raise InputError(path, f"not an evalkit report (expected evalkit.report/1 or {GATE_SCHEMA}, found {found})")


def check_gate_report(report: Mapping[str, Any], path: str) -> None:
    """:class:`InputError` unless the gate report's issues have the fields the index reads."""
    issues = report.get("issues")
    if not isinstance(issues, list):
        raise InputError(path, "malformed gate report: 'issues' is not a list")
    for k, issue in enumerate(issues):
        if not isinstance(issue, dict):
            raise InputError(path, f"malformed gate report: issues[{k}] is not an object")
        for key in ("entries_total", "failing"):
            if not isinstance(issue.get(key), int) or isinstance(issue.get(key), bool) or issue[key] < 0:
                raise InputError(path, f"malformed gate report: issues[{k}].{key} is not a count")
        for key in ("path", "id"):
            if not isinstance(issue.get(key), str):
                raise InputError(path, f"malformed gate report: issues[{k}].{key} is not text")
        if issue.get("date") is not None and not isinstance(issue.get("date"), str):
            raise InputError(path, f"malformed gate report: issues[{k}].date is not text")


def read_history(path: str, *, in_directory: bool = False) -> list[dict[str, Any]]:
    """The issues recorded in the gate history ``path``, one dict each (see :class:`Loaded`).

    An issue recorded several times (the same path and id, edited) counts once, with its latest row.
    """
    from evalkit.gate.history import History

    try:
        with History(path) as history:
            facts = list(history.rows())
    except EvalkitError as exc:
        if in_directory and "not an evalkit history" in str(exc):
            raise _Skip("an SQLite file that is not an evalkit history") from None
        # the history's messages name the file already; the InputError names it once, first
        message = str(exc).replace(f"{path}: ", "").replace(f" {path}", "")
        raise InputError(path, "the file" + message[len(path):] if message.startswith(path) else message) from None
    latest: dict[tuple[str, str], dict[str, Any]] = {}
    for f in facts:
        latest[(f.path, f.issue_id)] = {
            "path": f.path, "id": f.issue_id, "date": f.date, "channel": f.channel, "entries": len(f.entries),
            "failing": f.failing, "waived": f.waived, "passed": f.passed,
            "codes": [[[code, sev.value] for code, sev in e.findings] for e in f.entries],
        }
    return list(latest.values())


# --- figures per kind -----------------------------------------------------------------------------------


def _count(value: Any) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) and value > 0 else 0


def report_figures(issue: Mapping[str, Any]) -> Figures:
    """The figures of an issue of a score report."""
    m = issue.get("summary") or {}
    n, cut = _count(m.get("entries")), _count(m.get("source_truncated"))
    by_category = {
        str(cat): _count(c.get("error")) + _count(c.get("warning"))
        for cat, c in (m.get("by_category") or {}).items() if isinstance(c, Mapping)
    }
    entries = issue.get("entries") or []
    if entries:
        invented = sum(
            1 for e in entries
            if e.get("source_truncated")
            and any(f.get("code") == "truncation.fabricated" and f.get("severity") != "info" for f in e.get("findings", []))
        )
    else:  # a summary without entries: by_code counts findings, at most one per cut entry is assumed
        invented = min(_count((m.get("by_code") or {}).get("truncation.fabricated")), cut)
    scores = {}
    for name, s in (m.get("scores") or {}).items():
        if isinstance(s, Mapping) and isinstance(s.get("value"), (int, float)) and not isinstance(s.get("value"), bool):
            ci = s.get("ci")
            ok = isinstance(ci, list) and len(ci) == 2 and all(isinstance(c, (int, float)) for c in ci)
            scores[str(name)] = IssueScore(float(s["value"]), _count(s.get("n")) or n, (float(ci[0]), float(ci[1])) if ok else None)
    return Figures(
        entries=n, fail=_count(m.get("fail")), findings=_count(m.get("errors")) + _count(m.get("warnings")), cut=cut,
        invented=invented, by_category=by_category, scores=scores,
    )


def gate_figures(issue: Mapping[str, Any]) -> Figures:
    """The figures of an issue of a gate report: entries and failing entries only."""
    return Figures(entries=_count(issue.get("entries_total")), fail=_count(issue.get("failing")))


def history_figures(issue: Mapping[str, Any]) -> Figures:
    """The figures of an issue of a history: entries, failing entries, and findings by category from the
    recorded codes (errors and warnings; the history keeps no info findings, so no English-cut flags)."""
    by_category: dict[str, int] = {}
    total = 0
    for codes in issue.get("codes", []):
        for code, severity in codes:
            if severity in ("error", "warning"):
                cat = code.split(".", 1)[0]
                by_category[cat] = by_category.get(cat, 0) + 1
                total += 1
    return Figures(entries=_count(issue.get("entries")), fail=_count(issue.get("failing")), findings=total, by_category=by_category)


# --- paths shown on the page ----------------------------------------------------------------------------


def _posix(path: str) -> str:
    return path.replace(os.sep, "/") if os.sep != "/" else path


def _common_dir(paths: Sequence[str]) -> str | None:
    """The directory every path of ``paths`` (all absolute or all relative) lies in, or ``None``."""
    parents = [str(PurePosixPath(p).parent) for p in paths]
    if not parents:
        return None
    try:
        return os.path.commonpath(parents) if len(set(parents)) > 1 else parents[0]
    except ValueError:  # different drives
        return None


class PathDisplay:
    """How paths are written on the page: relative to the directory the named paths share.

    Absolute and relative paths each get their own root (a report scored from ``/home/x/raw`` and a
    history recorded as ``raw/...`` in CI show alike). The *source* of a digest is the first folder of
    its shown path (``qhduan/2026..._cs.CL.md``: ``qhduan``), none for a flat folder.
    """

    def __init__(self, paths: Sequence[str]) -> None:
        named = sorted({_posix(p) for p in paths if p and p != "-"})
        self.roots = {
            absolute: _common_dir([p for p in named if PurePosixPath(p).is_absolute() == absolute])
            for absolute in (True, False)
        }

    def show(self, path: str) -> str:
        """``path`` relative to its root; the file name when it lies outside (it never does for the paths
        the display was made from)."""
        if not path or path == "-":
            return path
        p = _posix(path)
        root = self.roots[PurePosixPath(p).is_absolute()]
        if root and root not in (".", ""):
            try:
                return str(PurePosixPath(p).relative_to(root))
            except ValueError:
                return PurePosixPath(p).name
        return str(PurePosixPath(p)) if not PurePosixPath(p).is_absolute() else PurePosixPath(p).name

    def source(self, path: str) -> str:
        """The first folder of the shown path, or ``""`` when the file lies in the root itself."""
        parts = PurePosixPath(self.show(path)).parts
        return parts[0] if len(parts) > 1 and parts[0] not in ("..", ".") else ""


def shown_report(report: Mapping[str, Any], issue: Mapping[str, Any], display: PathDisplay) -> tuple[dict[str, Any], dict[str, Any]]:
    """Copies of a score report and one of its issues whose paths are the shown ones (issue path, input
    errors, the references folder), for an issue page that must not print local paths."""
    shown_issue = dict(issue, path=display.show(str(issue.get("path") or "")))
    out = dict(report, errors=[dict(e, path=display.show(str(e.get("path") or ""))) for e in report.get("errors", []) if isinstance(e, Mapping)])
    config = report.get("config")
    if isinstance(config, Mapping) and isinstance(config.get("references"), Mapping):
        refs = config["references"]
        if isinstance(refs.get("path"), str) and PurePosixPath(_posix(refs["path"])).is_absolute():
            out["config"] = dict(config, references=dict(refs, path=PurePosixPath(_posix(refs["path"])).name))
    return out, shown_issue
