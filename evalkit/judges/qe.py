"""``meaning.low-qe``: a sentence pair whose QE (reference-free COMET) score is under its model's threshold.

After the model-metric stage (:mod:`evalkit.metrics.model_stage`) every aligned pair scored by a QE
model carries ``pair_scores[i]["comet-qe"]``. :func:`apply_qe_thresholds` turns each pair whose score
is under the threshold configured for that model (``[comet] qe_thresholds``, see
:meth:`evalkit.config.CometSettings.qe_threshold`; ``evalkit calibrate`` proposes one) into a finding on
the pair's exact spans, with the model in ``Evidence.model``. No threshold for the model: no finding.
In mode ``abstract`` the entry's score is compared instead, and the finding covers the whole abstract.

A QE model can score a copy of the English, or a sentence with no Chinese in it, as fluent and
adequate; such a pair never counts as good (:func:`untranslated_reason`): it is reported whatever its
score, unless the entry already carries an ``untranslated.*`` or ``language.*`` finding on an
overlapping span of the Chinese abstract (the rule said it first; one defect, one finding).
"""

from __future__ import annotations

import re
from dataclasses import replace
from typing import TYPE_CHECKING, Iterable, Sequence

from evalkit.checks.base import CodeSpec
from evalkit.records import Entry, EntryResult, Evidence, Finding, IssueResult, ModelMetricRun, Severity

if TYPE_CHECKING:
    from evalkit.config import CometSettings, Config

LOW_QE = "meaning.low-qe"
#: The codes this judgment emits (collected by :func:`evalkit.judges.codes.judge_codes`).
CODES = (
    CodeSpec(
        LOW_QE,
        Severity.WARNING,
        "an aligned sentence pair's QE score is under the threshold set for its QE model ([comet] qe_thresholds),"
        " or the pair is a copy of the English or has no Chinese",
    ),
)
#: The score key a reference-free COMET model's scores come under (see :mod:`evalkit.metrics.comet`).
QE_KEY = "comet-qe"
#: Codes of rule findings that already report an untranslated stretch of the Chinese abstract.
UNTRANSLATED_PREFIXES = ("untranslated.", "language.")
#: An abstract segment: mode "abstract" of the model stage (one score per entry, no pair scores).
ABSTRACT_MODE = "abstract"

_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_LATIN_WORD = re.compile(r"[A-Za-z]{2,}")


def untranslated_reason(source: str, translation: str) -> str | None:
    """Why ``translation`` cannot be a good rendering of ``source`` whatever a model says, or ``None``.

    ``"is a copy of the English"`` when the two are the same text (ignoring case, spacing and
    punctuation, so ``。`` for ``.`` is still a copy); ``"has no Chinese"`` when the translation holds words but not one Chinese character (what the
    ``untranslated`` check means by an untranslated field, here applied to one sentence). A sentence of
    only numbers, symbols or TeX is neither: it may rightly stay as it is.
    """
    if not _LATIN_WORD.search(translation):
        return None
    if _normalised(translation) == _normalised(source):
        return "is a copy of the English"
    if not _CJK.search(translation):
        return "has no Chinese"
    return None


def _normalised(text: str) -> str:
    """Letters and digits only, case-folded: what a copy keeps whatever punctuation it changed."""
    return "".join(ch for ch in text.casefold() if ch.isalnum())


def qe_model_of(runs: Iterable[ModelMetricRun]) -> tuple[str, str] | None:
    """``(model name, mode)`` of the QE model whose scores are under :data:`QE_KEY`, ``None`` if no run has one."""
    for run in runs:
        name = run.models.get(QE_KEY)
        if name:
            return name, run.mode
    return None


def threshold_for(settings: CometSettings, model: str) -> tuple[float, str] | None:
    """The threshold configured for ``model`` (as the model stage names it) and the key it was written under.

    A hub model is named as written; a local checkpoint is named by its model directory
    (``.../tiny-comet-qe/checkpoints/model.ckpt`` -> ``tiny-comet-qe``), so a key written as the path
    (as in ``models``) also matches, and so does one written as the directory's name.
    """
    direct = settings.qe_threshold(model)
    if direct is not None:
        return direct, model
    for key in sorted(settings.qe_thresholds):
        if model_display_name(key) == model:
            return settings.qe_thresholds[key], key
    return None


def model_display_name(spec: str) -> str:
    """The name the model stage gives a model spec (see :func:`evalkit.metrics.comet.resolve.model_name`)."""
    from evalkit.metrics.comet.resolve import model_name  # only once a model ran: comet is loaded then

    return model_name(spec)


def apply_qe_thresholds(
    issues: Sequence[IssueResult], runs: Sequence[ModelMetricRun], config: Config
) -> tuple[IssueResult, ...]:
    """``issues`` with a :data:`LOW_QE` finding on every pair (or abstract) under its QE model's threshold.

    Nothing changes when no run has a QE model or no threshold is configured for it. The new findings
    go through :meth:`~evalkit.config.Config.finalise_findings` with the entry's others.
    """
    found = qe_model_of(runs)
    if found is None:
        return tuple(issues)
    model, mode = found
    threshold = threshold_for(config.comet, model)
    if threshold is None:
        return tuple(issues)
    out = []
    for result in issues:
        entries = []
        for er in result.entries:
            new = entry_findings(er, model, threshold[0], mode)
            entries.append(replace(er, findings=config.finalise_findings([*er.findings, *new])) if new else er)
        out.append(replace(result, entries=tuple(entries)))
    return tuple(out)


def entry_findings(er: EntryResult, model: str, threshold: float, mode: str) -> list[Finding]:
    """The :data:`LOW_QE` findings of one entry (see the module docstring); severity and disable not applied."""
    entry = er.entry
    if mode == ABSTRACT_MODE or not er.pair_scores:
        value = er.scores.get(QE_KEY)
        if value is None:
            return []
        whole_en, whole_zh = (0, len(entry.abstract_en)), (0, len(entry.abstract_zh))
        judged = _judge(entry, er.findings, entry.abstract_en, entry.abstract_zh, whole_en, whole_zh, value, model, threshold)
        return [judged] if judged else []
    out = []
    for pair, scores in zip(er.pairs, er.pair_scores):
        value = scores.get(QE_KEY)
        if value is None or pair.en is None or pair.zh is None:
            continue
        source = entry.abstract_en[pair.en[0] : pair.en[1]]
        translation = entry.abstract_zh[pair.zh[0] : pair.zh[1]]
        judged = _judge(entry, er.findings, source, translation, pair.en, pair.zh, value, model, threshold)
        if judged:
            out.append(judged)
    return out


def _judge(
    entry: Entry,
    existing: Sequence[Finding],
    source: str,
    translation: str,
    en_span: tuple[int, int],
    zh_span: tuple[int, int],
    value: float,
    model: str,
    threshold: float,
) -> Finding | None:
    """The finding for one scored segment, or ``None`` when it passes (or a rule already reported it)."""
    reason = untranslated_reason(source.strip(), translation.strip())
    if reason is not None:
        if _already_reported(existing, zh_span):
            return None
        message = (
            f"[^{entry.ref}]: the sentence {reason}, so it counts as bad whatever its QE "
            f"({_number(value)}; threshold {_number(threshold)}, {model})"
        )
    elif value < threshold:
        message = f"[^{entry.ref}]: QE {_number(value)} is under the threshold {_number(threshold)} ({model})"
    else:
        return None
    return Finding(
        code=LOW_QE,
        severity=CODES[0].severity,
        message=message,
        line=entry.line_of("abstract_zh"),
        ref=entry.ref,
        evidence=Evidence(
            field="abstract_zh",
            translation=translation,
            translation_span=tuple(zh_span),  # type: ignore[arg-type]
            source=source,
            source_span=tuple(en_span),  # type: ignore[arg-type]
            model=model,
        ),
    )


def _already_reported(findings: Sequence[Finding], zh_span: tuple[int, int]) -> bool:
    """Whether a rule finding on the Chinese abstract already reports a stretch overlapping ``zh_span``."""
    for f in findings:
        if not f.code.startswith(UNTRANSLATED_PREFIXES) or f.evidence is None:
            continue
        if f.evidence.field not in (None, "abstract_zh"):
            continue
        span = f.evidence.translation_span
        if span is None or (span[0] < zh_span[1] and zh_span[0] < span[1]):
            return True
    return False


def _number(value: float) -> str:
    """A score as messages show it: three decimals at most (``0.31``, ``0.553``)."""
    text = f"{value:.3f}".rstrip("0").rstrip(".")
    return text if text not in ("", "-0") else "0"
