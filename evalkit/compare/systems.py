"""What is compared: a *system* is one set of translations (a digest, a directory of digests, a saved
report, or a triples file) read into :class:`Unit` records, one per entry (or row).

Every kind of input is read through the canonical report (``evalkit.report/1``): digests are scored
with the run's configuration first, a saved report is read as it is. So a unit carries exactly what a
report says about an entry: its texts, status, findings and entry-level scores. Reference translations
are looked up by arXiv id in the run's reference set (a report stores only how many there were), so
both systems of a comparison are always scored against the same references.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path, PurePath
from typing import Any, Callable, Mapping, Sequence

from evalkit.config import Config
from evalkit.errors import InputError

#: The kinds of input a system can be.
KINDS = ("digests", "report", "triples")


@dataclass(frozen=True)
class Unit:
    """One compared unit of a system: a digest entry (or a row of a triples file).

    ``arxiv_id`` and ``ref`` identify it for matching (a triples row: its ``id`` column, or its row
    number, as ``arxiv_id``; ``ref`` ``None``). ``findings`` are the report's finding objects
    (``code``, ``severity``, ``message``, ``line``, ``evidence``); ``scores`` its numeric entry-level
    scores (sacrebleu sentence scores, COMET, ...). ``references`` are the texts the reference-based
    metrics compare ``translation`` with (empty: none).
    """

    arxiv_id: str | None
    ref: int | None
    issue: str
    path: str
    line: int | None
    channel: str
    source: str
    translation: str
    title_en: str = ""
    title_zh: str = ""
    summary_zh: str = ""
    references: tuple[str, ...] = ()
    source_truncated: bool = False
    english_length: int = 0
    status: str = "pass"
    findings: tuple[Mapping[str, Any], ...] = ()
    scores: Mapping[str, float] = field(default_factory=dict)
    has_checks: bool = True

    @property
    def errors(self) -> int:
        """How many error findings the unit has."""
        return sum(1 for f in self.findings if f.get("severity") == "error")

    @property
    def warnings(self) -> int:
        """How many warning findings the unit has."""
        return sum(1 for f in self.findings if f.get("severity") == "warning")

    @property
    def label(self) -> str:
        """How messages name the unit: ``2311.09830 (ref 5)``."""
        ident = self.arxiv_id or "entry"
        return f"{ident} (ref {self.ref})" if self.ref is not None else ident


@dataclass(frozen=True)
class System:
    """One side of a comparison: its name, what it was read from, and its units in input order.

    ``kind`` is one of :data:`KINDS`; ``report`` is the canonical report it was read from (``None`` for
    triples); ``input_errors`` are the inputs that could not be read (as the report lists them).
    """

    name: str
    inputs: tuple[str, ...]
    kind: str
    units: tuple[Unit, ...]
    report: Mapping[str, Any] | None = None
    input_errors: tuple[Mapping[str, Any], ...] = ()

    @property
    def issues(self) -> list[str]:
        """The issue ids the units come from, in order, each once."""
        return list(dict.fromkeys(u.issue for u in self.units))


def input_kind(paths: Sequence[str], triples: bool) -> str:
    """What ``paths`` (one system's inputs) are: ``triples`` when asked, ``report`` for evalkit JSON
    reports, else ``digests``. A system mixing reports with digests is refused."""
    if triples:
        return "triples"
    reports = [p for p in paths if p.lower().endswith(".json") and Path(p).is_file()]
    if reports and len(reports) != len(paths):
        raise InputError(reports[0], "a system is either saved reports or digests, not both")
    return "report" if reports else "digests"


def load_system(
    name: str,
    paths: Sequence[str],
    config: Config,
    *,
    triples: bool = False,
    jobs: int = 1,
    references: Any = None,
    progress: Callable[[int, int, str], None] | None = None,
) -> System:
    """Read one system: score digests with ``config``, load saved reports, or score a triples file.

    ``references`` is the :class:`~evalkit.references.ReferenceSet` used for digest and report inputs
    (``None``: no reference-based metrics). Raises :class:`InputError` for an input that cannot be read
    at all (a broken report, a malformed triples file); a digest that cannot be parsed is kept in
    ``input_errors``, as ``evalkit score`` does.
    """
    kind = input_kind(paths, triples)
    if kind == "triples":
        if len(paths) != 1:
            raise InputError(", ".join(paths), "give one triples file per system")
        return _triples_system(name, paths[0], config)
    if kind == "report":
        from evalkit.report.html.loading import load_report

        reports = [load_report(p) for p in paths]
    else:
        from dataclasses import replace

        from evalkit.pipeline import score
        from evalkit.report.canonical import build_report

        # The comparison scores BLEU/chrF/TER itself, against ``references``; scoring them in the run as
        # well would only double the work.
        scoring = replace(config, use_references=False)
        run = score(list(paths), scoring, jobs=jobs, progress=progress)
        reports = [build_report(run, scoring)]
    units = [u for report in reports for u in units_of_report(report, references)]
    errors = tuple(e for report in reports for e in report.get("errors", []))
    merged = reports[0] if len(reports) == 1 else {**reports[0], "issues": [i for r in reports for i in r["issues"]]}
    return System(name, tuple(paths), kind, tuple(units), merged, errors)


def units_of_report(report: Mapping[str, Any], references: Any = None) -> list[Unit]:
    """The units of every issue in a canonical report, with references from ``references`` (by arXiv id)."""
    units = []
    for issue in report.get("issues", []):
        for entry in issue.get("entries", []):
            text = entry.get("text") or {}
            arxiv_id = entry.get("arxiv_id")
            refs = tuple(r.abstract for r in references.for_id(arxiv_id)) if references is not None and arxiv_id else ()
            scores = {k: float(v) for k, v in (entry.get("scores") or {}).items() if isinstance(v, (int, float)) and not isinstance(v, bool)}
            units.append(
                Unit(
                    arxiv_id=arxiv_id,
                    ref=entry.get("ref"),
                    issue=str(issue.get("id") or issue.get("path") or ""),
                    path=str(issue.get("path") or ""),
                    line=entry.get("line"),
                    channel=str(issue.get("channel") or ""),
                    source=str(text.get("abstract_en") or ""),
                    translation=str(text.get("abstract_zh") or ""),
                    title_en=str(text.get("title_en") or ""),
                    title_zh=str(text.get("title_zh") or ""),
                    summary_zh=str(text.get("summary_zh") or ""),
                    references=refs,
                    source_truncated=bool(entry.get("source_truncated")),
                    english_length=int(entry.get("english_length") or len(str(text.get("abstract_en") or ""))),
                    status=str(entry.get("status") or "pass"),
                    findings=tuple(entry.get("findings") or ()),
                    scores=scores,
                )
            )
    return units


def _triples_system(name: str, path: str, config: Config) -> System:
    """A triples file as a system: one unit per row, keyed by its ``id`` (or row number); no checks run."""
    from evalkit.pipeline import score_triples

    result = score_triples(path, config)
    units = []
    for k, (row, scores) in enumerate(zip(result.triples, result.segment_scores), start=1):
        units.append(
            Unit(
                arxiv_id=row.id if row.id else f"row {k}",
                ref=None,
                issue=PurePath(path).name,
                path=path,
                line=row.line,
                channel="",
                source=row.src,
                translation=row.mt,
                references=tuple(row.refs),
                english_length=len(row.src),
                scores={m: float(v) for m, v in scores.items() if isinstance(v, (int, float))},
                has_checks=False,
            )
        )
    return System(name, (path,), "triples", tuple(units))


def default_names(inputs: Sequence[Sequence[str]]) -> list[str]:
    """Names for systems given no ``--name``: the input's file or directory name when those differ
    between systems (``cs.CL``, ``cs.CL-v2``), else ``A``, ``B``, ``C``, ..."""
    stems = []
    for paths in inputs:
        if len(paths) == 1:
            p = PurePath(paths[0].rstrip("/") or paths[0])
            stems.append(p.stem if p.suffix.lower() in (".md", ".txt", ".json", ".jsonl", ".csv", ".tsv", ".parquet") else p.name)
        else:
            stems.append("")
    if all(stems) and len(set(stems)) == len(stems):
        return stems
    # the same file name in two directories: name them by their parent directory when that tells them apart
    parents = [PurePath(paths[0]).parent.name if len(paths) == 1 else "" for paths in inputs]
    if all(parents) and len(set(parents)) == len(parents):
        return parents
    return [chr(ord("A") + k) if k < 26 else f"S{k + 1}" for k in range(len(inputs))]

