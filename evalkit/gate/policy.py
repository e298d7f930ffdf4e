"""The gate policy: what fails an entry, what fails an issue, and how regressions are judged.

The policy comes from the ``[tool.evalkit.gate]`` table of a ``pyproject.toml`` or the ``[gate]`` table of
an ``evalkit.toml`` (:attr:`evalkit.config.Config.gate` holds it as written); :func:`policy_from_config`
validates it. Every key has a default, so a repository without any configuration gets a working gate.
``docs/gate.md`` documents every key.

The defaults, stated once:

- an entry **fails** when it has an ``error`` finding: the same meaning of "fail" as the statuses of
  ``evalkit score``, the HTML and Markdown reports and the index. What is an error is each code's declared
  severity (``evalkit list checks``), changed by the configuration's ``[severity]`` table, which ``score``
  and ``gate`` read alike. There are no score thresholds by default (no COMET or chrF value is calibrated
  for every model and reference set);
- an issue **fails** when any of its entries fails (``max_failing_share = 0``) or a file-level error
  finding is present;
- a metric that could not be computed is **skipped** (``missing_metric = "skip"``), and the gate says so;
- regressions are tested only when asked (``--baseline N`` or ``regression.baseline``).

Three categories are mostly warnings by default, after measuring the real corpus (see ``docs/gate.md``):
``coverage`` (an alignment heuristic, least sure in the abstracts the generator cut; only omissions that
lose a fifth of an entry's English are errors), ``terminology`` (it mostly enforces the repository's own
glossary, a choice each repository makes; only a wrong-sense rendering in the title is an error), and
``leak`` (every error-level leak in the corpus was a translator's note about the generator's own
1,000-character cut of the English, such as ``（原文截断）``). Raise a code to ``"error"`` in ``[severity]`` to
gate on it.
"""

from __future__ import annotations

import hashlib
import json
import math
import os
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Mapping

from evalkit.config import describe_value, flatten_dotted, reject_unknown_keys, table_location
from evalkit.errors import ConfigError, UnknownNameError
from evalkit.limits import MAX_BOOTSTRAP
from evalkit.records import Severity
from evalkit.registry import unknown_name_message

if TYPE_CHECKING:
    from evalkit.config import Config

#: Keys of earlier versions that chose which errors fail, and what replaces them: one severity per code.
_REMOVED_KEYS = ("fail_on", "ignore", "fail_severity")
#: What to do when a threshold names a metric that was not computed for an entry or issue.
MISSING_METRIC_ACTIONS = ("skip", "fail")
#: The regression figure that is not a metric: the share of entries the policy fails.
FAILURE_RATE = "failure_rate"
#: Default history store, relative to the configuration file (or the working directory without one).
DEFAULT_HISTORY = os.path.join("reports", "history.sqlite")
#: Default waiver file, looked for next to the configuration file (or in the working directory).
DEFAULT_WAIVERS = "evalkit-waivers.toml"

#: Codes the gate itself gives to the reasons it fails an entry or an issue (besides finding codes).
#: ``score.<metric>``: an entry score below/above its threshold or not computed under ``missing_metric =
#: "fail"``; ``issue.*``: issue-level limits; ``regression.<figure>``: a significant drop against history.
GATE_CODE_PREFIXES = ("score", "issue", "regression")

_TOP_KEYS = ("missing_metric", "waivers", "history", "entry", "issue", "regression")
_ENTRY_KEYS = ("min", "max")
_ISSUE_KEYS = ("max_failing_share", "min", "max", "max_findings")
_REGRESSION_KEYS = ("baseline", "same_series", "confidence", "samples", "seed", "min_entries", "min_drop")


@dataclass(frozen=True)
class Thresholds:
    """Score limits by metric name: a value below ``min[name]`` or above ``max[name]`` fails."""

    min: Mapping[str, float] = field(default_factory=dict)
    max: Mapping[str, float] = field(default_factory=dict)

    def metrics(self) -> list[str]:
        """Every metric with a limit, sorted."""
        return sorted(set(self.min) | set(self.max))

    def violation(self, metric: str, value: float) -> str | None:
        """``"below the minimum 0.7"``-style text when ``value`` breaks a limit of ``metric``, else ``None``."""
        if metric in self.min and value < self.min[metric]:
            return f"below the minimum {_num(self.min[metric])}"
        if metric in self.max and value > self.max[metric]:
            return f"above the maximum {_num(self.max[metric])}"
        return None

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form, keys sorted."""
        return {"min": dict(sorted(self.min.items())), "max": dict(sorted(self.max.items()))}


@dataclass(frozen=True)
class RegressionPolicy:
    """How a new issue is compared with the history (see :mod:`evalkit.gate.regression`).

    ``baseline`` previous issues (0: no comparison), of the same series when ``same_series`` (the channel
    named in the file name, such as ``cs.CL``, else the file's path, for repositories that rewrite one file
    per channel); a figure
    regresses when the one-sided ``confidence`` bound of the bootstrap change still shows a drop larger than
    ``min_drop[figure]`` (0 where not given); figures with fewer than ``min_entries`` values on either side
    are not tested. ``samples`` resamples from a generator seeded with ``seed``.
    """

    baseline: int = 0
    same_series: bool = True
    confidence: float = 0.99
    samples: int = 2000
    seed: int = 12345
    min_entries: int = 5
    min_drop: Mapping[str, float] = field(default_factory=lambda: {FAILURE_RATE: 0.01})

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {
            "baseline": self.baseline,
            "same_series": self.same_series,
            "confidence": self.confidence,
            "samples": self.samples,
            "seed": self.seed,
            "min_entries": self.min_entries,
            "min_drop": dict(sorted(self.min_drop.items())),
        }


@dataclass(frozen=True)
class GatePolicy:
    """A validated gate policy (defaults: see the module docstring).

    A finding fails its entry (or, file-level, its issue) exactly when it is an error, as everywhere else;
    the policy holds what is policy beyond that: score thresholds, the failing share, finding limits,
    regression testing and waivers. ``waivers`` and ``history`` are paths as written in the file (resolve
    them with :func:`resolve_path`); ``source`` is the configuration file they are relative to.
    """

    missing_metric: str = "skip"
    entry: Thresholds = field(default_factory=Thresholds)
    issue: Thresholds = field(default_factory=Thresholds)
    max_failing_share: float = 0.0
    max_findings: Mapping[str, int] = field(default_factory=dict)
    regression: RegressionPolicy = field(default_factory=RegressionPolicy)
    waivers: str | None = None
    history: str | None = None
    source: str | None = None

    def fails_on(self, code: str, severity: Severity) -> bool:
        """Whether a finding with ``code`` and ``severity`` (after the configuration's overrides) fails its
        entry, or, file-level, its issue: exactly when it is an error."""
        return severity is Severity.ERROR

    def to_dict(self) -> dict[str, Any]:
        """The effective policy as it goes into the gate report and the step summary."""
        return {
            "missing_metric": self.missing_metric,
            "entry": self.entry.to_dict(),
            "issue": {
                **self.issue.to_dict(),
                "max_failing_share": self.max_failing_share,
                "max_findings": dict(sorted(self.max_findings.items())),
            },
            "regression": self.regression.to_dict(),
            "source": self.source,
        }

    def fingerprint(self) -> str:
        """A short hash of the policy (without its source), recorded in the history with each run."""
        data = {k: v for k, v in self.to_dict().items() if k != "source"}
        return hashlib.sha256(json.dumps(data, sort_keys=True).encode()).hexdigest()[:16]


def matches_code(code: str, pattern: str) -> bool:
    """Whether ``code`` is ``pattern`` or lies in the category (or code prefix) ``pattern`` names."""
    return code == pattern or code.startswith(pattern + ".")


def resolve_path(value: str, source: str | None) -> str:
    """``value`` relative to the directory of the configuration file ``source`` (as typed, if absolute)."""
    if os.path.isabs(value) or source is None:
        return value
    base = os.path.dirname(source)
    return os.path.join(base, value) if base else value


# --- parsing -----------------------------------------------------------------------------------------


def policy_from_config(config: "Config") -> GatePolicy:
    """The policy of a :class:`~evalkit.config.Config`: its ``gate`` table, relative to its ``source``."""
    return policy_from_mapping(config.gate or {}, source=config.source)


def policy_from_mapping(data: Mapping[str, Any], *, source: str | None = None) -> GatePolicy:
    """Validate a ``[gate]`` table and build a :class:`GatePolicy`.

    Every error is a :class:`ConfigError` naming the file, the table and the key; unknown keys, codes and
    metric names come with a "did you mean".
    """
    table = "tool.evalkit.gate" if source is not None and os.path.basename(source) == "pyproject.toml" else "gate"
    where = table_location(source, table)
    nested = {"entry": _ENTRY_KEYS, "issue": _ISSUE_KEYS, "regression": _REGRESSION_KEYS}
    for key in _REMOVED_KEYS:
        if key in data:
            raise ConfigError(
                f"{where}: {key!r} is no longer a gate setting: an entry fails when it has an error finding, in"
                " the gate and in every report alike; set the severity of a code or category in the [severity]"
                ' table instead (e.g. "leak.translator-note" = "error" to gate on it, "numbers.magnitude" ='
                ' "warning" to stop gating on it)'
            )
    reject_unknown_keys(data, _TOP_KEYS, "key", where, nested=nested, table=table)

    missing_metric = _choice(data, "missing_metric", where, MISSING_METRIC_ACTIONS, "skip")
    waivers = _optional_path(data, "waivers", where)
    history = _optional_path(data, "history", where)

    entry_table = _subtable(data, "entry", where)
    entry_where = table_location(source, f"{table}.entry")
    reject_unknown_keys(entry_table, _ENTRY_KEYS, "key", entry_where)
    entry = _thresholds(entry_table, entry_where)

    issue_table = _subtable(data, "issue", where)
    issue_where = table_location(source, f"{table}.issue")
    reject_unknown_keys(issue_table, _ISSUE_KEYS, "key", issue_where)
    issue = _thresholds(issue_table, issue_where)
    share = _number(issue_table, "max_failing_share", issue_where, 0.0)
    if not 0.0 <= share <= 1.0:
        raise ConfigError(f"{issue_where}: 'max_failing_share' must be a share between 0 and 1 (0.05 = 5%), got {share!r}")
    max_findings = _count_table(issue_table, "max_findings", table_location(source, f"{table}.issue.max_findings"), _finding_names())

    regression = _regression(_subtable(data, "regression", where), table_location(source, f"{table}.regression"))
    return GatePolicy(
        missing_metric=missing_metric,
        entry=entry,
        issue=issue,
        max_failing_share=share,
        max_findings=max_findings,
        regression=regression,
        waivers=waivers,
        history=history,
        source=source,
    )


def _regression(data: Mapping[str, Any], where: str) -> RegressionPolicy:
    reject_unknown_keys(data, _REGRESSION_KEYS, "key", where)
    defaults = RegressionPolicy()
    baseline = _integer(data, "baseline", where, defaults.baseline, minimum=0)
    same_series = data.get("same_series", defaults.same_series)
    if not isinstance(same_series, bool):
        raise ConfigError(f"{where}: 'same_series' must be true or false, got {describe_value(same_series)}")
    confidence = _number(data, "confidence", where, defaults.confidence)
    if not 0.5 <= confidence < 1.0:
        raise ConfigError(f"{where}: 'confidence' must be at least 0.5 and below 1 (0.99 = 99%), got {confidence!r}")
    samples = _integer(data, "samples", where, defaults.samples, minimum=100, maximum=MAX_BOOTSTRAP)
    seed = _integer(data, "seed", where, defaults.seed, minimum=0)
    min_entries = _integer(data, "min_entries", where, defaults.min_entries, minimum=2)
    min_drop = dict(defaults.min_drop)
    raw = data.get("min_drop", {})
    if not isinstance(raw, dict):
        raise ConfigError(f"{where}: 'min_drop' must be a table of figure = number, got {describe_value(raw)}")
    for name, value in raw.items():
        if name != FAILURE_RATE:
            _check_metric(name, f"{where} 'min_drop'", extra=(FAILURE_RATE,))
        if not _is_number(value) or value < 0:
            raise ConfigError(f"{where}: min_drop {name!r} must be a number of at least 0, got {describe_value(value)}")
        min_drop[name] = float(value)
    return RegressionPolicy(
        baseline=baseline,
        same_series=same_series,
        confidence=confidence,
        samples=samples,
        seed=seed,
        min_entries=min_entries,
        min_drop=min_drop,
    )


def _thresholds(data: Mapping[str, Any], where: str) -> Thresholds:
    limits: dict[str, dict[str, float]] = {}
    for key in ("min", "max"):
        raw = data.get(key, {})
        if not isinstance(raw, dict):
            raise ConfigError(f"{where}: {key!r} must be a table of metric = number, e.g. {{ chrf = 40 }}, got {describe_value(raw)}")
        found: dict[str, float] = {}
        for name, value in raw.items():
            _check_metric(name, f"{where} {key!r}")
            if not _is_number(value):
                raise ConfigError(f"{where}: {key} {name!r} must be a number, got {describe_value(value)}")
            found[name] = float(value)
        limits[key] = found
    return Thresholds(min=limits["min"], max=limits["max"])


def known_metric_names() -> list[str]:
    """Registered metric names; ``comet-qe`` and other ``<metric>-<variant>`` keys count as their metric's."""
    from evalkit.metrics import METRICS, load_metrics

    load_metrics()
    return METRICS.names()


def metric_direction(name: str) -> bool:
    """Whether higher is better for a score key (``comet-qe`` follows ``comet``; unknown keys: higher)."""
    from evalkit.metrics import METRICS, load_metrics

    load_metrics()
    for candidate in (name, name.split("-", 1)[0]):
        if candidate in METRICS:
            return bool(METRICS.get(candidate).higher_is_better)
    return True


def _check_metric(name: str, where: str, extra: tuple[str, ...] = ()) -> None:
    names = known_metric_names()
    if name in names or name.split("-", 1)[0] in names:
        return
    raise UnknownNameError(f"{where}: {unknown_name_message('metric', name, [*extra, *names])}")


def _finding_names() -> list[str]:
    """Finding codes and categories a policy may name, plus the gate's own codes' prefixes."""
    from evalkit.checks import all_codes

    codes = all_codes()
    return sorted(set(codes) | {c.split(".", 1)[0] for c in codes})


def is_known_code(code: str) -> bool:
    """Whether ``code`` names a finding code or category, or one of the gate's own reason codes or prefixes.

    The gate's codes: ``score.<metric>``, ``issue.failing-share``, ``issue.score.<metric>``,
    ``issue.findings.<category or code>``, ``regression.failure_rate`` and ``regression.<metric>``.
    """
    if code in _finding_names():
        return True
    head, _, tail = code.partition(".")
    if head == "score":
        return not tail or _is_metric(tail)
    if head == "regression":
        return not tail or tail == FAILURE_RATE or _is_metric(tail)
    if head == "issue":
        kind, _, rest = tail.partition(".")
        if kind == "score":
            return not rest or _is_metric(rest)
        if kind == "findings":
            return not rest or rest in _finding_names()
        return tail in ("", "failing-share")
    return False


def _is_metric(name: str) -> bool:
    names = known_metric_names()
    return name in names or name.split("-", 1)[0] in names


def _count_table(data: Mapping[str, Any], key: str, where: str, known: list[str]) -> dict[str, int]:
    raw = data.get(key, {})
    if not isinstance(raw, dict):
        raise ConfigError(f"{where}: must be a table of category or code = number, got {describe_value(raw)}")
    found: dict[str, int] = {}
    for name, value in flatten_dotted(raw).items():
        if name not in known:
            raise UnknownNameError(f"{where}: {unknown_name_message('category or code', name, known)}")
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise ConfigError(f"{where}: {name!r} must be a whole number of findings (0 or more), got {describe_value(value)}")
        found[name] = value
    return found


def _choice(data: Mapping[str, Any], key: str, where: str, allowed: tuple[str, ...], default: str) -> str:
    value = data.get(key, default)
    if value not in allowed:
        options = " or ".join(f'"{a}"' for a in allowed)
        raise ConfigError(f"{where}: {key!r} must be {options}, got {describe_value(value)}")
    return value


def _optional_path(data: Mapping[str, Any], key: str, where: str) -> str | None:
    value = data.get(key)
    if value is not None and (not isinstance(value, str) or not value.strip()):
        raise ConfigError(f"{where}: {key!r} must be a path (a non-empty string), got {describe_value(value)}")
    return value


def _subtable(data: Mapping[str, Any], key: str, where: str) -> Mapping[str, Any]:
    value = data.get(key, {})
    if not isinstance(value, dict):
        raise ConfigError(f"{where}: {key!r} must be a table, got {describe_value(value)}")
    return value


def _number(data: Mapping[str, Any], key: str, where: str, default: float) -> float:
    value = data.get(key, default)
    if not _is_number(value):
        raise ConfigError(f"{where}: {key!r} must be a number, got {describe_value(value)}")
    return float(value)


def _integer(data: Mapping[str, Any], key: str, where: str, default: int, *, minimum: int, maximum: int | None = None) -> int:
    value = data.get(key, default)
    if isinstance(value, bool) or not isinstance(value, int) or value < minimum or (maximum is not None and value > maximum):
        bounds = f"of at least {minimum}" if maximum is None else f"from {minimum} to {maximum}"
        raise ConfigError(f"{where}: {key!r} must be a whole number {bounds}, got {describe_value(value)}")
    return value


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


def _num(value: float) -> str:
    return f"{value:g}"
