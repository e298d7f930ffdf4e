"""``evalkit calibrate``: propose a QE threshold from labelled sentence pairs, with the precision/recall curve.

A pair is flagged (:mod:`evalkit.judges.qe`) when its QE score is under the threshold, or whatever its
score when it is a copy of the English or has no Chinese. Calibration needs pairs known to be bad or
good, from one of two inputs:

- **Labels** (:func:`read_labels`): one JSON object per line, ``{"id", "file", "ref", "arxiv_id",
  "defects": [{"cat", "sev", "zh", "en", "note"}]}``, ``file`` relative to a corpus directory; an entry
  without defects is clean. Only the labelled entries count. A pair is bad when a defect's ``zh`` quote
  (found in the Chinese abstract) overlaps the pair's Chinese span; a quote that is not found in the
  Chinese abstract is counted as *not located* and marks nothing.
- **Post-edits** (:func:`post_edit_pairs`): digests whose entries have reference translations made by
  post-editing them (``evalkit refs import``). A pair is bad when the post-editor changed it
  substantially: its chrF against the reference sentences it matches (:mod:`evalkit.metrics.pairs`) is
  under :data:`POST_EDIT_MIN_CHRF`, or it matches no reference sentence at all (chrF 0: the editor
  removed or rewrote it).

In both, a pair that is a copy of the English or has no Chinese is bad and flagged at every threshold,
as the judgment flags it. The curve and the proposal are :mod:`evalkit.judges.curve`'s.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any, Iterable, Mapping, Sequence

from evalkit.errors import ConfigError, InputError
from evalkit.judges.curve import CurvePoint, LabelledPair, decimal_text, pr_curve, propose, toml_string
from evalkit.judges.qe import QE_KEY, untranslated_reason
from evalkit.records import Entry, EntryResult, IssueResult

if TYPE_CHECKING:
    from evalkit.config import Config
    from evalkit.metrics.model_stage import PreparedModelMetric

SCHEMA = "evalkit.calibration/1"
#: A post-edited pair whose chrF (characters, β = 2; 0-100) against its matched reference sentences is
#: under this was changed substantially. A one-word edit of a 30-character sentence keeps chrF near
#: 85-90; under 70 roughly a fifth or more of the characters were rewritten, the "needs real editing"
#: side of the usual HTER 0.3 line used for binary post-editing labels.
POST_EDIT_MIN_CHRF = 70.0
#: The pair score that :data:`POST_EDIT_MIN_CHRF` is compared with (plain chrF, see evalkit.metrics).
POST_EDIT_METRIC = "chrf"
#: Rows of the printed table on each side of the proposal.
TABLE_CONTEXT = 3

LABELS = "labels"
POST_EDITS = "post-edits"


@dataclass(frozen=True)
class Defect:
    """One labelled defect of an entry: its category, severity and quotes of the Chinese and English."""

    category: str
    severity: str
    zh: str
    en: str = ""
    note: str = ""


@dataclass(frozen=True)
class Label:
    """One labelled entry: where it is (``file`` relative to the corpus, ``ref``) and its defects (none: clean).

    ``line`` is its line in the labels file, for messages.
    """

    line: int
    id: str
    file: str
    ref: int
    arxiv_id: str | None
    defects: tuple[Defect, ...] = ()


@dataclass(frozen=True)
class Calibration:
    """What ``evalkit calibrate`` found: the pairs, the curve, the proposal and how the labels were read.

    ``model`` is the QE model as given (the key to write in ``qe_thresholds``); ``proposal`` is
    ``None`` when no threshold reaches ``target_precision``. ``defects_not_located`` counts labelled
    defects whose Chinese quote is not in the Chinese abstract.
    """

    model: str
    source: str
    pairs: tuple[LabelledPair, ...]
    curve: tuple[CurvePoint, ...]
    proposal: CurvePoint | None
    target_precision: float | None = None
    entries: int = 0
    defects: int = 0
    defects_not_located: int = 0
    definition: Mapping[str, Any] = field(default_factory=dict)
    not_located_by_place: Mapping[str, int] = field(default_factory=dict)

    @property
    def bad(self) -> int:
        """Pairs labelled bad."""
        return sum(1 for p in self.pairs if p.bad)

    def toml(self) -> str | None:
        """The ``[comet]`` snippet that sets the proposed threshold, ``None`` without a proposal."""
        if self.proposal is None:
            return None
        return f"[comet]\nqe_thresholds = {{{toml_string(self.model)} = {decimal_text(self.proposal.threshold)}}}\n"

    def to_dict(self) -> dict[str, Any]:
        """The calibration as the JSON output holds it (the full curve and every pair)."""
        return {
            "schema": SCHEMA,
            "model": self.model,
            "source": self.source,
            "definition": dict(self.definition),
            "entries": self.entries,
            "pairs": len(self.pairs),
            "bad": self.bad,
            "always_flagged": sum(1 for p in self.pairs if p.always_flagged),
            "defects": self.defects,
            "defects_not_located": self.defects_not_located,
            "not_located_by_place": dict(self.not_located_by_place),
            "target_precision": self.target_precision,
            "proposal": self.proposal.to_dict() if self.proposal else None,
            "toml": self.toml(),
            "curve": [p.to_dict() for p in self.curve],
            "pair_labels": [p.to_dict() for p in self.pairs],
        }


# --- labels ----------------------------------------------------------------------------------------


def read_labels(path: str) -> list[Label]:
    """The labelled entries of a JSON-lines file; :class:`InputError` with the line for a malformed one."""
    try:
        with open(path, encoding="utf-8") as fh:
            lines = fh.read().splitlines()
    except FileNotFoundError:
        raise InputError(path, "no such labels file") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(path, f"cannot read the labels file: {exc}") from None
    labels = []
    for number, text in enumerate(lines, start=1):
        if not text.strip():
            continue
        labels.append(_label(path, number, text))
    if not labels:
        raise InputError(path, "the labels file holds no labelled entry")
    return labels


def _label(path: str, line: int, text: str) -> Label:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError(path, f"not a JSON object: {exc.msg}", line) from None
    if not isinstance(data, dict):
        raise InputError(path, "not a JSON object", line)
    file, ref = data.get("file"), data.get("ref")
    if not isinstance(file, str) or not file:
        raise InputError(path, "'file' must be the digest's path relative to the corpus", line)
    if isinstance(ref, bool) or not isinstance(ref, int):
        raise InputError(path, "'ref' must be the entry's number in the digest", line)
    raw = data.get("defects") or []
    if not isinstance(raw, list) or not all(isinstance(d, dict) for d in raw):
        raise InputError(path, "'defects' must be a list of objects", line)
    defects = tuple(
        Defect(
            category=str(d.get("cat", "")), severity=str(d.get("sev", "")), zh=str(d.get("zh") or ""),
            en=str(d.get("en") or ""), note=str(d.get("note") or ""),
        )
        for d in raw
    )
    arxiv_id = data.get("arxiv_id")
    return Label(line, str(data.get("id") or f"line {line}"), file, ref, arxiv_id if isinstance(arxiv_id, str) else None, defects)


def locate_defects(abstract_zh: str, defects: Iterable[Defect]) -> tuple[list[tuple[int, int]], int]:
    """Spans of the defects' Chinese quotes in the Chinese abstract (first occurrence), and how many are not in it."""
    spans, missing = [], 0
    for defect in defects:
        quote = defect.zh.strip()
        at = abstract_zh.find(quote) if quote else -1
        if at < 0:
            missing += 1
            continue
        spans.append((at, at + len(quote)))
    return spans, missing


def unlocated_place(entry: Entry, defect: Defect) -> str:
    """Where a defect whose quote is not in the Chinese abstract points: ``title``, ``summary``,
    ``no quote`` (an omission often has none) or ``not found``."""
    quote = defect.zh.strip()
    if not quote:
        return "no quote"
    if quote in entry.title_zh:
        return "title"
    if quote in entry.summary_zh:
        return "summary"
    return "not found"


def label_pairs(er: EntryResult, label: Label) -> tuple[list[LabelledPair], int]:
    """The scored pairs of one labelled entry (see the module docstring) and its defects not located."""
    spans, missing = locate_defects(er.entry.abstract_zh, label.defects)

    def is_bad(zh: tuple[int, int]) -> bool:
        return any(s < zh[1] and zh[0] < e for s, e in spans)

    return _scored_pairs(er, label.id, is_bad, "defect"), missing


def _scored_pairs(er: EntryResult, name: str, is_bad: Any, why: str) -> list[LabelledPair]:
    """Each pair (or, without pair scores, the abstract) with a QE score, labelled by ``is_bad(zh span)``."""
    entry = er.entry
    items: list[tuple[int | None, tuple[int, int], tuple[int, int], float]] = []
    if er.pair_scores:
        for k, (pair, scores) in enumerate(zip(er.pairs, er.pair_scores)):
            if QE_KEY in scores and pair.en is not None and pair.zh is not None:
                items.append((k, pair.en, pair.zh, scores[QE_KEY]))
    elif er.scores.get(QE_KEY) is not None:
        items.append((None, (0, len(entry.abstract_en)), (0, len(entry.abstract_zh)), float(er.scores[QE_KEY])))  # type: ignore[arg-type]
    out = []
    for k, en, zh, score in items:
        untranslated = untranslated_reason(entry.abstract_en[en[0] : en[1]].strip(), entry.abstract_zh[zh[0] : zh[1]].strip())
        bad = is_bad(zh)
        reason = untranslated or (why if bad else "")
        out.append(LabelledPair(name, entry.ref, k, score, bool(bad or untranslated), reason, untranslated is not None))
    return out


# --- running -----------------------------------------------------------------------------------------


def calibration_config(config: Config, models: Sequence[str]) -> Config:
    """``config`` for a calibration run: COMET with ``models`` (required: unavailable is an error), no bootstrap."""
    if not models:
        raise ConfigError("no QE model: give a reference-free COMET model with --comet-model NAME|PATH")
    comet = replace(config.comet, models=tuple(dict.fromkeys(models)), require=True)
    return replace(config, comet=comet, bootstrap=0).validate()


def prepare_qe(config: Config) -> tuple[tuple[PreparedModelMetric, ...], str]:
    """The prepared model metrics of ``config`` and the model spec (as configured) of its QE model.

    :class:`ConfigError` when no model is given or none of them is reference-free;
    :class:`~evalkit.errors.ModelUnavailableError` when a model cannot be found (offline, say).
    """
    from evalkit.judges.qe import model_display_name
    from evalkit.metrics.model_stage import prepare_model_metrics

    if not config.comet.models:
        raise ConfigError("no QE model: give a reference-free COMET model with --comet-model NAME|PATH")
    prepared = prepare_model_metrics(config)
    for item in prepared:
        name = item.metric.models.get(QE_KEY) if item.metric is not None else None
        if name:
            spec = next((m for m in config.comet.models if model_display_name(m) == name), config.comet.models[-1])
            return prepared, spec
    given = ", ".join(config.comet.models)
    raise ConfigError(f"no QE model: {given} needs references; calibrate needs a reference-free (QE) COMET model")


def _score_qe(results: Sequence[IssueResult], prepared: Sequence[PreparedModelMetric]) -> tuple[IssueResult, ...]:
    """``results`` with every pair's QE score (reference-free: no reference goes to the model)."""
    from evalkit.metrics.bootstrap import BootstrapSettings
    from evalkit.metrics.model_stage import score_issues

    scored, _ = score_issues(results, prepared, None, BootstrapSettings(samples=0))
    return scored


def _parse(path: str, config: Config) -> IssueResult:
    """One digest parsed and aligned (no checks: calibration needs only the pairs)."""
    from evalkit.parse import parse_digest, read_source
    from evalkit.pipeline import check_issue

    parsed = parse_digest(read_source(path, config.max_file_size))
    result, _ = check_issue(parsed.issue, [], config)
    return result


def calibrate_labels(
    labels_path: str, corpus: str, config: Config, *, target_precision: float | None = None
) -> Calibration:
    """Calibrate on a labels file whose ``file`` paths are relative to ``corpus`` (see the module docstring).

    :class:`InputError` for a labelled file that is missing (named with its line in the labels file),
    or an entry that is not in it; ``config`` must name the QE model (:func:`calibration_config`).
    """
    check_target(target_precision)
    labels = read_labels(labels_path)
    if not os.path.isdir(corpus):
        raise InputError(corpus, "the corpus directory does not exist")
    prepared, model = prepare_qe(config)
    by_file: dict[str, list[Label]] = {}
    for label in labels:
        path = os.path.join(corpus, label.file)
        if not os.path.isfile(path):
            raise InputError(labels_path, f"labelled file {label.file!r} is not in the corpus {corpus}", label.line)
        by_file.setdefault(path, []).append(label)
    results, order = [], []
    for path, file_labels in by_file.items():
        result = _parse(path, config)
        by_ref = {er.entry.ref: er for er in result.entries}
        kept: dict[int, EntryResult] = {}
        for label in file_labels:
            er = by_ref.get(label.ref)
            if er is None or (label.arxiv_id and er.entry.arxiv_id and label.arxiv_id != er.entry.arxiv_id):
                found = f"holds {er.entry.arxiv_id}" if er is not None else "has no such entry"
                raise InputError(labels_path, f"entry [^{label.ref}] of {label.file} {found} (label {label.id})", label.line)
            kept[label.ref] = er
            order.append((path, label))
        results.append(replace(result, entries=tuple(kept.values())))
    scored = _score_qe(results, prepared)
    # Issues come back in the order they went in, one per labelled file.
    entries = {(path, er.entry.ref): er for path, r in zip(by_file, scored) for er in r.entries}
    pairs: list[LabelledPair] = []
    places: dict[str, int] = {}
    for path, label in order:
        er = entries[(path, label.ref)]
        found, _ = label_pairs(er, label)
        pairs.extend(found)
        for defect in label.defects:
            if not defect.zh.strip() or defect.zh.strip() not in er.entry.abstract_zh:
                place = unlocated_place(er.entry, defect)
                places[place] = places.get(place, 0) + 1
    definition = {"bad": "a labelled defect's zh quote overlaps the pair's Chinese, or the pair is untranslated"}
    defects = sum(len(label.defects) for _, label in order)
    calibration = _calibration(model, LABELS, pairs, target_precision, len(order), defects, sum(places.values()), definition)
    return replace(calibration, not_located_by_place=dict(sorted(places.items())))


def calibrate_post_edits(
    paths: Sequence[str], config: Config, *, target_precision: float | None = None
) -> Calibration:
    """Calibrate on digests whose entries have post-edited references (the configured references directory).

    :class:`InputError` when no entry of the digests has a reference, or a digest cannot be read.
    """
    from evalkit.inputs import expand
    from evalkit.metrics.apply import ReferenceScorer
    from evalkit.references import references_for_run

    check_target(target_precision)
    references = references_for_run(config)
    if references is None or not len(references):
        raise ConfigError("no reference translations: --post-edits needs a references directory (evalkit refs import)")
    prepared, model = prepare_qe(config)
    inputs = expand(list(paths))
    if inputs.problems:
        first = inputs.problems[0]
        raise InputError(first.path, first.message, first.line)
    scorer = ReferenceScorer((POST_EDIT_METRIC,), settings=config.sacrebleu)
    results = []
    for path in inputs.paths:
        result = _parse(path, config)
        result = replace(result, entries=tuple(er for er in result.entries if references.for_id(er.entry.arxiv_id)))
        results.append(scorer.score_issue(result, references))
    results = [r for r in results if r.entries]
    if not results:
        raise InputError(", ".join(paths), "no entry of these digests has a reference translation")
    pairs: list[LabelledPair] = []
    entries = 0
    for result in _score_qe(results, prepared):
        for er in result.entries:
            entries += 1
            pairs.extend(post_edit_pairs(er))
    definition = {
        "bad": f"pair {POST_EDIT_METRIC} against its matched reference sentences under {POST_EDIT_MIN_CHRF:g}"
        " (no matched sentence: 0), or the pair is untranslated",
        "min_chrf": POST_EDIT_MIN_CHRF,
    }
    return _calibration(model, POST_EDITS, pairs, target_precision, entries, 0, 0, definition)


def post_edit_pairs(er: EntryResult) -> list[LabelledPair]:
    """The scored pairs of one post-edited entry: bad when changed substantially (:data:`POST_EDIT_MIN_CHRF`)."""
    by_zh = {
        pair.zh: scores.get(POST_EDIT_METRIC, 0.0)
        for pair, scores in zip(er.pairs, er.pair_scores)
        if pair.zh is not None
    }
    if not er.pair_scores:  # abstract mode: the entry's own chrF against the post-edit
        whole = (0, len(er.entry.abstract_zh))
        by_zh = {whole: float(er.scores.get(POST_EDIT_METRIC) or 0.0)}

    def is_bad(zh: tuple[int, int]) -> bool:
        return by_zh.get(zh, 0.0) < POST_EDIT_MIN_CHRF

    return _scored_pairs(er, er.entry.arxiv_id or f"[^{er.entry.ref}]", is_bad, "edited")


def _calibration(
    model: str, source: str, pairs: list[LabelledPair], target: float | None, entries: int, defects: int,
    missing: int, definition: Mapping[str, Any],
) -> Calibration:
    if not pairs:
        raise InputError(source, "no pair of the labelled entries got a QE score")
    curve = pr_curve(pairs)
    return Calibration(
        model=model, source=source, pairs=tuple(pairs), curve=curve, proposal=propose(curve, target),
        target_precision=target, entries=entries, defects=defects, defects_not_located=missing,
        definition=definition,
    )


def check_target(target: float | None) -> None:
    """:class:`ConfigError` unless ``target`` is ``None`` or a precision in (0, 1]."""
    if target is not None and not 0 < target <= 1:
        raise ConfigError(f"--target-precision must be above 0 and at most 1, got {target}")


def table_rows(calibration: Calibration, context: int = TABLE_CONTEXT) -> list[CurvePoint]:
    """The curve points to print: ``context`` on each side of the proposal (of the best F1 without one)."""
    curve = list(calibration.curve)
    centre = calibration.proposal or propose(curve)
    at = curve.index(centre) if centre in curve else 0
    return curve[max(0, at - context) : at + context + 1]
