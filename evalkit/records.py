"""The plain records that flow between pipeline stages.

They hold data only; the logic that produces them lives in the stage packages (``parse``,
``checks``, ...). All are frozen dataclasses so a stage cannot quietly change another stage's input.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum
from typing import Any, Mapping


class Severity(str, Enum):
    """How bad a finding is. ``error`` fails an entry, ``warning`` asks for a look, ``info`` is a fact."""

    INFO = "info"
    WARNING = "warning"
    ERROR = "error"

    @property
    def rank(self) -> int:
        """Order for sorting and thresholds: info < warning < error."""
        return _SEVERITY_ORDER.index(self.value)

    @staticmethod
    def rank_of(name: str | None) -> int:
        """The rank of a severity written in a report (``"error"``); 0 for anything else."""
        return _SEVERITY_ORDER.index(name) if name in _SEVERITY_ORDER else 0


#: Severities from the mildest: the one home of their order.
_SEVERITY_ORDER = ("info", "warning", "error")


#: Entry fields as messages name them: the one home of these words.
FIELD_LABELS = {
    "title_zh": "Chinese title",
    "summary_zh": "Chinese summary",
    "abstract_zh": "Chinese abstract",
    "title_en": "English title",
    "abstract_en": "English abstract",
    "link": "link",
}
#: The translated fields, in the order checks visit them.
CHINESE_FIELDS = ("title_zh", "summary_zh", "abstract_zh")


@dataclass(frozen=True)
class TableRow:
    """One row of the summary table at the top of a digest."""

    ref: int
    title: str
    link: str
    summary: str
    line: int


@dataclass(frozen=True)
class Entry:
    """One paper of a digest, as parsed from its detail block.

    ``abstract_en`` has the S3 ``arXiv:ID Announce Type: ...  Abstract:`` prefix removed (it goes into
    ``announce_type``/``version``); ``title_en`` has the S1 ``(arXiv:ID vN [cat] UPDATED)`` suffix
    removed. ``abstract_en_length`` is the length of the whole English line as the generator wrote
    it (prefix included), the quantity its 1,000-character cut applies to. ``lines`` maps every field
    name to its 1-based line number in the file.
    """

    ref: int
    line: int
    layout: str  # "v0" (no summary paragraphs) or "v1"
    english_style: str  # "S1" old RSS, "S2" transition, "S3" new RSS with Announce Type prefix
    title_zh: str
    title_en: str
    link: str
    link_label: str  # the visible text of the [label](link) paragraph; the generator repeats the URL
    arxiv_id: str | None
    version: int | None
    category: str | None  # primary category from the S1 title suffix
    announce_type: str | None  # new, cross, replace, replace-cross (S1 markers mapped); None in S2
    summary_zh: str
    summary_en: str
    abstract_zh: str
    abstract_en: str
    abstract_en_length: int
    source_truncated: bool
    lines: Mapping[str, int] = field(default_factory=dict)

    def line_of(self, field_name: str) -> int:
        """Line number of a field, falling back to the entry's first line."""
        return self.lines.get(field_name, self.line)


@dataclass(frozen=True)
class Evidence:
    """What a finding points at: text from the English source and/or the Chinese translation.

    ``field`` names the entry field the finding is about. ``source_span`` is a ``(start, end)`` character
    offset into the English side of that field (``abstract_en`` for the abstracts, ``title_en`` for the
    titles) and ``translation_span`` into the Chinese side (``abstract_zh``, ``title_zh``, ``summary_zh``).
    ``model`` is set on findings that come from a model's judgment rather than a rule: the model and,
    for an LLM judge, the prompt version (``"gpt-4o-mini · mqm-zh/1"``), so a reader knows who said it.
    """

    source: str | None = None
    translation: str | None = None
    field: str | None = None
    source_span: tuple[int, int] | None = None
    translation_span: tuple[int, int] | None = None
    model: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """The evidence as JSON-ready data, without empty parts."""
        out: dict[str, Any] = {}
        for key in ("field", "source", "translation", "source_span", "translation_span", "model"):
            value = getattr(self, key)
            if value is not None:
                out[key] = list(value) if isinstance(value, tuple) else value
        return out


@dataclass(frozen=True)
class Finding:
    """One problem (or fact) a check found, with a stable ``category.name`` code."""

    code: str
    severity: Severity
    message: str
    line: int | None = None
    ref: int | None = None
    evidence: Evidence | None = None

    @property
    def category(self) -> str:
        """The part of the code before the first dot: the stable contract."""
        return self.code.split(".", 1)[0]


@dataclass(frozen=True)
class Issue:
    """One digest file: its entries, its summary table and file-level facts."""

    path: str
    id: str
    date: str | None
    channel: str | None
    layout: str | None
    entries: tuple[Entry, ...]
    table: tuple[TableRow, ...]
    findings: tuple[Finding, ...] = ()
    line_count: int = 0


@dataclass(frozen=True)
class InputProblem:
    """An input that could not be read or parsed (whole or in part)."""

    path: str
    message: str
    line: int | None = None

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form, as in the report's ``errors`` list."""
        return {"path": self.path, "line": self.line, "message": self.message}


@dataclass(frozen=True)
class Pair:
    """An alignment link between English and Chinese sentences of one entry's abstract.

    ``en``/``zh`` are ``(start, end)`` spans into ``abstract_en``/``abstract_zh`` (``None`` on the empty
    side of a 1-0 or 0-1 link). ``kind`` is "1-1", "2-1", "1-0", ... (English count first).
    ``similarity`` is the lexical agreement of the two sides (0..1); ``tail`` marks the pair holding the
    cut last sentence of a truncated English abstract.
    """

    kind: str
    en: tuple[int, int] | None
    zh: tuple[int, int] | None
    similarity: float
    confidence: float
    tail: bool = False


@dataclass(frozen=True)
class EntryResult:
    """An entry with what the checks and metrics found about it.

    ``scores`` maps a metric name to the entry's segment-level value (the Chinese abstract against every
    reference of its arXiv id); ``references`` is how many references that was (0: no reference-based
    scores). ``pair_scores`` runs parallel to ``pairs``: one ``{metric: value}`` mapping per pair, empty
    for a pair that got no score (see :mod:`evalkit.metrics.pairs` for what a pair score means).
    ``judged`` maps each model judge the run used (``llm``) to what it did with this entry: ``judged``,
    ``cached``, ``failed``, ``over budget`` or ``out of scope`` (empty when no judge ran).
    """

    entry: Entry
    findings: tuple[Finding, ...] = ()
    scores: Mapping[str, float | None] = field(default_factory=dict)
    pairs: tuple[Pair, ...] = ()
    pair_scores: tuple[Mapping[str, float], ...] = ()
    references: int = 0
    judged: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class CorpusScore:
    """A system-level score over several segments (an issue's entries, a triples file's rows).

    ``value`` comes from the summed sufficient statistics of the ``n`` segments (never an average of
    segment scores, except for metrics whose system score *is* the mean); ``ci`` is the paired-bootstrap
    confidence interval ``(low, high)``, ``None`` when fewer than two segments or bootstrap is off.
    ``signature`` is the metric's reproducibility signature (sacrebleu's for BLEU/chrF/TER);
    ``segment_signature`` that of the segment scores computed alongside, when it differs in a setting
    (sentence BLEU uses effective order).
    """

    metric: str
    value: float
    n: int
    higher_is_better: bool
    signature: str
    ci: tuple[float, float] | None = None
    segment_signature: str | None = None


@dataclass(frozen=True)
class IssueResult:
    """A parsed issue with its entry results, file-level findings and issue-level scores.

    ``scores`` holds one :class:`CorpusScore` per metric over the entries that have references (and,
    for ``comet-qe``, over the entries scored without one).
    """

    issue: Issue
    entries: tuple[EntryResult, ...]
    findings: tuple[Finding, ...] = ()
    scores: Mapping[str, CorpusScore] = field(default_factory=dict)


@dataclass(frozen=True)
class Skipped:
    """A file found while walking a directory that is not a digest (a README, say), left out on purpose."""

    path: str
    reason: str


@dataclass(frozen=True)
class ReferenceInfo:
    """Which reference set a run used: the directory as shown, its files, and how much it holds."""

    path: str
    files: tuple[str, ...]
    ids: int
    references: int


@dataclass(frozen=True)
class ModelMetricRun:
    """What the model-metric stage did for one model metric (``metric``: its registered name), for the
    report and the CLI's notice.

    ``status`` is ``computed`` or ``not computed`` (then ``reason`` says why in one line: no model
    offline, comet not installed...). ``mode`` is what was scored: ``pairs``, ``abstract`` or ``rows``
    (a triples file). ``signatures`` maps each score key (for COMET ``comet``, reference-based, and/or
    ``comet-qe``, reference-free) to its model's signature; ``models`` maps the same keys to the model
    names. ``segments``/``computed``/``cached``/``cropped`` count segment scores; ``notices`` are
    one-line warnings (cache trouble) worth showing.
    """

    metric: str
    status: str
    reason: str | None = None
    mode: str = "pairs"
    models: Mapping[str, str] = field(default_factory=dict)
    signatures: Mapping[str, str] = field(default_factory=dict)
    segments: int = 0
    computed: int = 0
    cached: int = 0
    cropped: int = 0
    notices: tuple[str, ...] = ()

    @property
    def computed_ok(self) -> bool:
        """Whether the metric's scores were produced."""
        return self.status == "computed"


@dataclass(frozen=True)
class JudgeRun:
    """What one model judge did, for the report, its signature and the CLI's notice.

    ``judge`` is its name (``llm``: the LLM MQM judge). ``status`` is ``computed`` or ``not computed``
    (``reason`` then says why in one line: offline, no key, budget spent before the first entry...).
    ``model`` and ``prompt`` (the prompt version) are what judged; ``signature`` puts them together
    with the settings that change an answer. Counts: ``entries`` in scope, ``judged`` with an answer
    (``cached`` of them from the disk cache), ``failed`` whose request failed after its retries,
    ``over_budget`` left unjudged because the token budget ran out, ``findings`` made, and
    ``dropped_spans`` the model quoted but that are not verbatim in the text (dropped, never guessed).
    ``tokens_in``/``tokens_out`` are the tokens sent and received by this run's requests (cached
    answers cost none). ``notices`` are one-line warnings worth showing.
    """

    judge: str
    status: str
    reason: str | None = None
    model: str | None = None
    prompt: str | None = None
    signature: str | None = None
    scope: str | None = None
    entries: int = 0
    judged: int = 0
    cached: int = 0
    failed: int = 0
    over_budget: int = 0
    findings: int = 0
    dropped_spans: int = 0
    tokens_in: int = 0
    tokens_out: int = 0
    notices: tuple[str, ...] = ()

    @property
    def computed_ok(self) -> bool:
        """Whether the judge produced its findings (for the entries in scope it could reach)."""
        return self.status == "computed"


@dataclass(frozen=True)
class SpooledJson:
    """Where one issue's canonical report JSON was written ahead of the report: ``size`` UTF-8 bytes at ``path``."""

    path: str
    size: int

    def read(self) -> str | None:
        """The JSON text, or ``None`` when the file is gone, short or unreadable (then it is dumped anew)."""
        try:
            with open(self.path, "rb") as fh:
                data = fh.read()
            return data.decode("utf-8") if len(data) == self.size else None
        except (OSError, UnicodeDecodeError):
            return None


class _ModelMetricRuns:
    """Lookup of a result's ``model_metrics`` (one :class:`ModelMetricRun` per model metric the run used)."""

    model_metrics: tuple[ModelMetricRun, ...]

    def model_run(self, name: str) -> ModelMetricRun | None:
        """What the stage did for model metric ``name`` (``None``: the run did not ask for it)."""
        return next((m for m in self.model_metrics if m.metric == name), None)

    @property
    def comet(self) -> ModelMetricRun | None:
        """The COMET run (``None``: no COMET model was asked for), for the CLI's notice."""
        return self.model_run("comet")


@dataclass(frozen=True)
class RunResult(_ModelMetricRuns):
    """Everything one ``evalkit score`` run produced, before it is rendered.

    ``references`` describes the reference set used (``None``: no references directory was found);
    ``model_metrics`` what the model-metric stage did, one record per model metric the run asked for
    (COMET, say), in the order they ran; ``judges`` what each model judge did (the LLM judge).
    """

    issues: tuple[IssueResult, ...]
    errors: tuple[InputProblem, ...]
    skipped: tuple[Skipped, ...] = ()
    references: ReferenceInfo | None = None
    model_metrics: tuple[ModelMetricRun, ...] = ()
    judges: tuple[JudgeRun, ...] = ()
    #: ``(issue, its spooled JSON)`` for issues whose canonical JSON the worker process that scored them
    #: already wrote (:mod:`evalkit.report.spool`); a writer uses an entry only for that very issue object.
    spooled: tuple[tuple[IssueResult, SpooledJson], ...] = ()


@dataclass(frozen=True)
class Triple:
    """One row of generic parallel data: source, machine translation, one or more references.

    ``line`` is the 1-based line of the row in a JSONL/CSV file (the row number in a Parquet file).
    """

    line: int
    id: str | None
    src: str
    mt: str
    refs: tuple[str, ...]


@dataclass(frozen=True)
class TriplesResult(_ModelMetricRuns):
    """The scores of a triples file: per row (parallel to ``triples``) and over the whole file."""

    path: str
    triples: tuple[Triple, ...]
    segment_scores: tuple[Mapping[str, float], ...]
    scores: Mapping[str, CorpusScore] = field(default_factory=dict)
    model_metrics: tuple[ModelMetricRun, ...] = ()
