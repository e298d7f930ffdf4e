"""Run configuration: which checks run, at what severity, with which limits, and where that came from.

Precedence, stated once: command-line flags > configuration file > these defaults. ``--disable`` adds to
the file's ``disable`` list, ``--severity CODE=LEVEL`` replaces the file's entry for that code,
``--max-file-size`` replaces the file's ``max_file_size`` and ``--references DIR`` its ``references``.

The file is the ``[tool.evalkit]`` table of a ``pyproject.toml`` or the top level of an ``evalkit.toml``.
:func:`find_config` looks for one in the directory of the first input and then in its parents, stopping
after the directory that holds ``.git`` (or at the filesystem root); ``evalkit.toml`` wins over
``pyproject.toml`` in the same directory, and a ``pyproject.toml`` without ``[tool.evalkit]`` is passed
over. ``docs/configuration.md`` documents every key with an example.
"""

from __future__ import annotations

import copy
import datetime
import os
import re
import tomllib
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Iterable, Mapping, Sequence

from evalkit.errors import ConfigError, UnknownNameError
from evalkit.limits import MAX_BOOTSTRAP
from evalkit.parse.reader import DEFAULT_MAX_FILE_SIZE
from evalkit.records import Finding, Severity
from evalkit.registry import unknown_name_message
from evalkit.safe_load import toml_loads

#: Keys of ``[tool.evalkit]`` / of an ``evalkit.toml``. ``gate`` is the policy of ``evalkit gate``, kept
#: as written here and validated by :mod:`evalkit.gate.policy`; ``references`` is the reference-translation
#: directory; ``comet`` the COMET settings.
KNOWN_KEYS = (
    "align", "checks", "comet", "disable", "gate", "judge", "max_file_size", "metrics", "references", "severity",
)
#: Keys of the ``[comet]`` table (see :class:`CometSettings`).
COMET_KEYS = (
    "batch_size", "cache", "cache_dir", "device", "download", "mode", "models", "precision", "qe_thresholds",
    "require", "span_severity",
)
#: Keys of the ``[judge]`` table (see :class:`JudgeSettings`).
JUDGE_KEYS = (
    "api_key_env", "base_url", "budget_tokens", "cache", "cache_dir", "concurrency", "max_output_tokens", "model",
    "prompt", "require", "retries", "scope", "seed", "severity", "timeout",
)
#: What a model calls the severity of an error span (XCOMET's tags, MQM's levels) -> the finding's severity.
DEFAULT_SPAN_SEVERITY: Mapping[str, Severity] = {
    "critical": Severity.ERROR, "major": Severity.ERROR, "minor": Severity.WARNING,
}
#: Which entries the LLM judge reads: those the rules did not already fail, those whose English was cut, or all.
JUDGE_SCOPES = ("flagged", "cut", "all")
#: Where an OpenAI-compatible client sends requests when neither the settings nor $OPENAI_BASE_URL say.
OPENAI_DEFAULT_BASE_URL = "https://api.openai.com/v1"
#: Keys of the ``[metrics]`` table (see :class:`SacrebleuSettings`).
SACREBLEU_KEYS = (
    "bleu_lowercase", "bleu_tokenize", "chrf_lowercase", "chrf_word_order",
    "ter_asian_support", "ter_case_sensitive", "ter_no_punct", "ter_normalized",
)
#: Files :func:`find_config` looks for, in this order within one directory.
CONFIG_FILES = ("evalkit.toml", "pyproject.toml")
PYPROJECT_TABLE = "tool.evalkit"
#: Bootstrap resamples behind each issue-level confidence interval (sacrebleu's default too).
DEFAULT_BOOTSTRAP = 1000
#: What COMET scores: each aligned sentence pair (default) or each whole abstract.
COMET_MODES = ("pairs", "abstract")


@dataclass(frozen=True)
class CometSettings:
    """How COMET runs (``[comet]`` table, ``--comet-*`` flags); no ``models``: COMET is off.

    ``models`` are hub names or local checkpoint paths, at most one reference-based and one
    reference-free (QE) model. ``mode`` is ``pairs`` (aligned sentence pairs, no crop at the
    encoder's 512 tokens) or ``abstract`` (one segment per abstract). ``precision``, ``device`` and
    ``batch_size`` go to :class:`evalkit.metrics.comet.CometScorer`. ``cache`` false skips the disk
    cache; ``cache_dir`` replaces its default directory (``$EVALKIT_CACHE_DIR``, else
    ``~/.cache/evalkit``). ``download`` false never downloads a model. ``require`` true makes an
    unavailable model an error (exit 2) instead of a notice and "not computed" columns.

    Model scores become findings too: ``qe_thresholds`` maps a QE model (as written in ``models``) to
    the score under which an aligned pair is reported (``evalkit calibrate`` proposes one);
    ``span_severity`` maps the severity an XCOMET-like model gives an error span (``critical``,
    ``major``, ``minor``) to the finding's severity.
    """

    models: tuple[str, ...] = ()
    mode: str = "pairs"
    precision: str = "fp32"
    device: str | None = None
    batch_size: int = 32
    cache: bool = True
    cache_dir: str | None = None
    download: bool = True
    require: bool = False
    qe_thresholds: Mapping[str, float] = field(default_factory=dict)
    span_severity: Mapping[str, Severity] = field(default_factory=lambda: dict(DEFAULT_SPAN_SEVERITY))

    @property
    def enabled(self) -> bool:
        """Whether any COMET model was asked for."""
        return bool(self.models)

    def validate(self) -> "CometSettings":
        """Raise :class:`ConfigError` for a value COMET cannot use; return ``self``."""
        if self.mode not in COMET_MODES:
            raise ConfigError(f"unknown COMET mode {self.mode!r}; use one of {', '.join(COMET_MODES)}")
        if self.precision not in ("fp32", "fp16"):
            raise ConfigError(f"unknown COMET precision {self.precision!r}; use fp32 or fp16")
        if self.device not in (None, "cpu", "cuda"):
            raise ConfigError(f"unknown COMET device {self.device!r}; use cpu or cuda (or leave it unset)")
        if self.batch_size < 1:
            raise ConfigError(f"COMET batch size must be at least 1, not {self.batch_size}")
        if self.require and not self.models:
            raise ConfigError("COMET is required (--require-comet) but no model is given (--comet-model NAME|PATH)")
        unknown = sorted(set(self.span_severity) - set(DEFAULT_SPAN_SEVERITY))
        if unknown:
            raise ConfigError(f"span_severity: unknown span severity {unknown[0]!r}; use critical, major or minor")
        return self

    def qe_threshold(self, model: str) -> float | None:
        """The QE threshold configured for ``model`` (a name or path as in ``models``), ``None`` if none."""
        return self.qe_thresholds.get(model)

    def to_dict(self) -> dict[str, Any]:
        """The settings as they go into the report (the cache directory is left out: it is machine-specific).

        The thresholds and span severities appear only when they are not the defaults, so a run that
        uses neither reports what it always did.
        """
        out: dict[str, Any] = {
            "models": list(self.models),
            "mode": self.mode,
            "precision": self.precision,
            "device": self.device,
            "batch_size": self.batch_size,
            "cache": self.cache,
            "require": self.require,
        }
        if self.qe_thresholds:
            out["qe_thresholds"] = dict(sorted(self.qe_thresholds.items()))
        if dict(self.span_severity) != dict(DEFAULT_SPAN_SEVERITY):
            out["span_severity"] = {k: v.value for k, v in sorted(self.span_severity.items())}
        return out


@dataclass(frozen=True)
class JudgeSettings:
    """How the LLM judge runs (``[judge]`` table, ``--judge*`` flags); no ``model``: the judge is off.

    The judge calls an OpenAI-compatible chat-completions endpoint: ``base_url`` (unset:
    ``$OPENAI_BASE_URL``, else OpenAI's), with the key read from the environment variable named by
    ``api_key_env`` (``OPENAI_API_KEY``, as the OpenAI SDK does; the key itself never goes in a file or a
    report). ``concurrency`` requests at once, each with ``timeout`` seconds and up to ``retries``
    retries (429 and 5xx, honouring Retry-After). ``budget_tokens`` caps the tokens one run may send
    and receive (``None``: no cap); ``max_output_tokens`` caps each answer. ``scope`` picks the entries
    (see :data:`JUDGE_SCOPES`); ``prompt`` names the versioned prompt file. Answers are cached on disk
    (``cache``, ``cache_dir`` as for COMET); ``seed`` is sent where the endpoint takes one (temperature
    is always 0). ``severity`` maps the judge's ``critical``/``major``/``minor`` to finding severities.
    ``require`` true makes an unavailable judge an error (exit 2) instead of a notice.
    """

    model: str | None = None
    base_url: str | None = None
    api_key_env: str = "OPENAI_API_KEY"
    concurrency: int = 4
    timeout: float = 60.0
    retries: int = 3
    budget_tokens: int | None = None
    max_output_tokens: int = 1024
    scope: str = "flagged"
    prompt: str = "mqm-zh-1"
    cache: bool = True
    cache_dir: str | None = None
    require: bool = False
    seed: int | None = 0
    severity: Mapping[str, Severity] = field(default_factory=lambda: dict(DEFAULT_SPAN_SEVERITY))

    @property
    def enabled(self) -> bool:
        """Whether a judge model was asked for."""
        return bool(self.model)

    def resolved_base_url(self, environ: Mapping[str, str] | None = None) -> str:
        """The endpoint's base URL: the setting, else ``$OPENAI_BASE_URL``, else OpenAI's (no trailing slash)."""
        env = os.environ if environ is None else environ
        return (self.base_url or env.get("OPENAI_BASE_URL") or OPENAI_DEFAULT_BASE_URL).rstrip("/")

    def api_key(self, environ: Mapping[str, str] | None = None) -> str | None:
        """The API key from the environment variable ``api_key_env`` (``None`` when unset or empty)."""
        env = os.environ if environ is None else environ
        return env.get(self.api_key_env) or None

    def validate(self) -> "JudgeSettings":
        """Raise :class:`ConfigError` for a value the judge cannot use; return ``self``."""
        if self.scope not in JUDGE_SCOPES:
            raise ConfigError(f"unknown judge scope {self.scope!r}; use one of {', '.join(JUDGE_SCOPES)}")
        if self.concurrency < 1:
            raise ConfigError(f"judge concurrency must be at least 1, not {self.concurrency}")
        if not self.timeout > 0:
            raise ConfigError(f"judge timeout must be a positive number of seconds, not {self.timeout}")
        if self.retries < 0:
            raise ConfigError(f"judge retries must be 0 or more, not {self.retries}")
        if self.budget_tokens is not None and self.budget_tokens < 1:
            raise ConfigError(f"judge budget must be a positive number of tokens, not {self.budget_tokens}")
        if self.max_output_tokens < 1:
            raise ConfigError(f"judge max_output_tokens must be at least 1, not {self.max_output_tokens}")
        if self.base_url is not None and not re.match(r"^https?://", self.base_url):
            raise ConfigError(f"judge base_url must start with http:// or https://, got {self.base_url!r}")
        unknown = sorted(set(self.severity) - set(DEFAULT_SPAN_SEVERITY))
        if unknown:
            raise ConfigError(f"judge severity: unknown level {unknown[0]!r}; use critical, major or minor")
        if self.require and not self.model:
            raise ConfigError("the LLM judge is required (--require-judge) but no model is given (--judge MODEL)")
        return self

    def to_dict(self) -> dict[str, Any]:
        """The settings as they go into the report: no key, no cache directory (machine-specific).

        The base URL is shown without any user or password part it may hold.
        """
        return {
            "model": self.model,
            "base_url": re.sub(r"//[^/@]*@", "//", self.resolved_base_url()),
            "prompt": self.prompt,
            "scope": self.scope,
            "concurrency": self.concurrency,
            "timeout": self.timeout,
            "retries": self.retries,
            "budget_tokens": self.budget_tokens,
            "max_output_tokens": self.max_output_tokens,
            "seed": self.seed,
            "temperature": 0,
            "cache": self.cache,
            "severity": {k: v.value for k, v in sorted(self.severity.items())},
        }


@dataclass(frozen=True)
class SacrebleuSettings:
    """The sacrebleu options of BLEU, chrF++ and TER (``[metrics]`` table, ``--bleu-*``/``--chrf-*``/``--ter-*``).

    Each field is the sacrebleu command-line option of the same name, so a score can be reproduced
    with ``sacrebleu REF -i HYP -m ter --ter-asian-support --ter-normalized``. The defaults differ from
    sacrebleu's where Chinese needs it: BLEU tokenises with ``zh`` (13a leaves unspaced Chinese as a few
    long tokens), and TER is normalised with Asian support, which splits Chinese into characters
    (``asian_support`` alone does nothing in sacrebleu; without both a Chinese sentence is one token and
    its TER is 0 or 100). ``chrf_word_order`` is the word n-gram order of ``chrf++`` (plain ``chrf`` has
    none).
    """

    bleu_tokenize: str = "zh"
    bleu_lowercase: bool = False
    chrf_word_order: int = 2
    chrf_lowercase: bool = False
    ter_normalized: bool = True
    ter_asian_support: bool = True
    ter_case_sensitive: bool = False
    ter_no_punct: bool = False

    def validate(self) -> "SacrebleuSettings":
        """Raise :class:`ConfigError` for an option sacrebleu would refuse; return ``self``."""
        # sacrebleu (20 ms to import) is asked only about a tokenizer other than the default it surely has.
        if self.bleu_tokenize != SacrebleuSettings.bleu_tokenize:
            from sacrebleu.metrics import BLEU

            known = BLEU.TOKENIZERS
        else:
            known = (self.bleu_tokenize,)
        if self.bleu_tokenize not in known:
            raise ConfigError(
                f"unknown BLEU tokenizer {self.bleu_tokenize!r}; use one of {', '.join(known)}"
            )
        if self.chrf_word_order < 0:
            raise ConfigError(f"chrf_word_order must be 0 or more, not {self.chrf_word_order}")
        return self


@dataclass(frozen=True)
class Config:
    """What a run does. ``disable`` holds check names or finding codes (``numbers`` or ``numbers.changed``
    or a whole category such as ``leak``); ``severity`` overrides a code's default severity.

    ``check_options`` maps a check name to the options the file gave it (see :meth:`options_for` for the
    effective ones); ``gate`` is kept as written for :mod:`evalkit.gate.policy`; ``source`` is the configuration file
    as the user typed it or as discovery found it (``None``: defaults and flags only).

    ``references`` is the reference-translation directory as written. A relative path is resolved
    against the configuration file's directory, or against the working directory when
    ``references_base`` is ``"cwd"`` (``--references DIR``); ``None`` means the default, ``references/``
    next to the configuration file or in the working directory (see
    :func:`evalkit.references.resolve_references_dir`); ``use_references`` false (``--no-references``)
    skips reference-based scoring altogether. ``metrics`` names the reference-based metrics to
    compute (``None``: every registered sacrebleu metric); ``bootstrap`` is the number of bootstrap
    resamples behind each issue-level confidence interval (0: none). ``comet`` says which COMET models
    score the translations and how (:class:`CometSettings`; none by default); ``sacrebleu`` holds the
    options of BLEU, chrF++ and TER (:class:`SacrebleuSettings`).
    """

    disable: frozenset[str] = frozenset()
    severity: Mapping[str, Severity] = field(default_factory=dict)
    max_file_size: int = DEFAULT_MAX_FILE_SIZE
    align: bool = True  # sentence alignment and the checks that need it (off: a fast structural run)
    check_options: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    gate: Mapping[str, Any] = field(default_factory=dict)
    references: str | None = None
    source: str | None = None
    references_base: str = "config"
    use_references: bool = True
    metrics: tuple[str, ...] | None = None
    bootstrap: int = DEFAULT_BOOTSTRAP
    comet: CometSettings = field(default_factory=CometSettings)
    sacrebleu: SacrebleuSettings = field(default_factory=SacrebleuSettings)
    judge: JudgeSettings = field(default_factory=JudgeSettings)

    def validate(self) -> "Config":
        """Raise :class:`UnknownNameError` for names no registered check knows; return ``self``."""
        _validate_names(self.disable, self.severity, where="")
        for name in sorted(self.check_options):
            _validate_check_options(name, self.check_options[name], where="")
        if self.max_file_size <= 0:
            raise ConfigError("max_file_size must be a positive number of bytes")
        if self.metrics is not None:
            from evalkit.metrics import METRICS, load_metrics

            load_metrics()
            for name in self.metrics:
                if METRICS.get(name).needs_model:  # UnknownNameError with a "did you mean" if unknown
                    raise ConfigError(f"metric {name!r} needs a model and is configured with its own options, not --metric")
        if not 0 <= self.bootstrap <= MAX_BOOTSTRAP:
            raise ConfigError(f"bootstrap must be 0 (off) or a number of resamples up to {MAX_BOOTSTRAP:,}, got {self.bootstrap}")
        self.comet.validate()
        self.sacrebleu.validate()
        self.judge.validate()
        return self

    def is_enabled(self, check_name: str, code: str | None = None) -> bool:
        """Whether a check (and, if given, one of its codes) is switched on."""
        names = {check_name, check_name.split(".", 1)[0]}
        if code:
            names |= {code, code.split(".", 1)[0]}
        return not (names & self.disable)

    def severity_of(self, code: str) -> Severity | None:
        """The severity the configuration gives ``code``: its own entry in ``severity``, else its category's
        (``leak = "error"``), else ``None`` (the code keeps its declared severity)."""
        found = self.severity.get(code)
        return found if found is not None else self.severity.get(code.split(".", 1)[0])

    def finalise_findings(self, findings: Iterable[Finding]) -> tuple[Finding, ...]:
        """``findings`` as the configuration wants them: disabled codes dropped, severity overrides applied
        (a code's, else its category's), sorted by line, code and message for stable output.

        Every stage that produces findings (the checks, the model judgments) passes them through here, so
        ``disable`` and ``severity`` mean the same for a rule's finding and a model's. Idempotent.
        """
        out = []
        for f in findings:
            if not self.is_enabled(f.code, f.code):
                continue
            override = self.severity_of(f.code)
            if override is not None:
                f = replace(f, severity=override)
            out.append(f)
        return tuple(sorted(out, key=lambda f: (f.line or 0, f.code, f.message)))

    def options_for(self, check_name: str) -> dict[str, Any]:
        """The effective options of a check: its class's ``options`` defaults, updated by the file's table."""
        from evalkit.checks import CHECKS, load_checks

        load_checks()
        defaults = CHECKS.get(check_name).options
        return copy.deepcopy({**defaults, **self.check_options.get(check_name, {})})

    def with_overrides(
        self,
        *,
        disable: Iterable[str] = (),
        severity: Mapping[str, Severity] | None = None,
        max_file_size: int | None = None,
        align: bool | None = None,
        references: str | None = None,
        use_references: bool | None = None,
        metrics: Sequence[str] | None = None,
        bootstrap: int | None = None,
        comet: Mapping[str, Any] | None = None,
        sacrebleu: Mapping[str, Any] | None = None,
        judge: Mapping[str, Any] | None = None,
    ) -> "Config":
        """This configuration with command-line values applied on top (see the module docstring).

        ``references`` (``--references DIR``) replaces the file's value and is relative to the working
        directory; ``metrics`` and ``bootstrap`` replace the defaults. ``comet`` maps
        :class:`CometSettings` fields to flag values (``None`` values are ignored); ``models`` replaces
        the file's list. ``sacrebleu`` maps :class:`SacrebleuSettings` fields to flag values in the
        same way, and ``judge`` :class:`JudgeSettings` fields.
        """
        metric_options = {k: v for k, v in (sacrebleu or {}).items() if v is not None}
        given = {k: v for k, v in (comet or {}).items() if v is not None}
        if "models" in given:
            given["models"] = tuple(dict.fromkeys(given["models"]))
        return replace(
            self,
            disable=self.disable | frozenset(disable),
            severity={**self.severity, **(severity or {})},
            max_file_size=self.max_file_size if max_file_size is None else max_file_size,
            align=self.align if align is None else align,
            references=self.references if references is None else references,
            references_base=self.references_base if references is None else "cwd",
            use_references=self.use_references if use_references is None else use_references,
            metrics=self.metrics if metrics is None else tuple(dict.fromkeys(metrics)),
            bootstrap=self.bootstrap if bootstrap is None else bootstrap,
            comet=replace(self.comet, **given),
            sacrebleu=replace(self.sacrebleu, **metric_options),
            judge=replace(self.judge, **{k: v for k, v in (judge or {}).items() if v is not None}),
        )

    def to_dict(self) -> dict[str, Any]:
        """The configuration as it goes into the report, so a reader can rerun the same thing."""
        from evalkit.checks import CHECKS, load_checks

        load_checks()
        options = {name: self.options_for(name) for name in CHECKS.names()}
        return {
            "disable": sorted(self.disable),
            "severity": {code: sev.value for code, sev in sorted(self.severity.items())},
            "max_file_size": self.max_file_size,
            "align": self.align,
            "comet": self.comet.to_dict(),
            **({"judge": self.judge.to_dict()} if self.judge.enabled else {}),
            "options": {name: _sorted_dict(opts) for name, opts in options.items() if opts},
            "source": self.source,
        }


def parse_severity(value: str) -> Severity:
    """A :class:`Severity` from its name, with a helpful error."""
    try:
        return Severity(value.strip().lower())
    except ValueError:
        raise ConfigError(f"unknown severity {value!r}; use info, warning or error") from None


_SIZE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([kmg]?i?b?)?\s*$", re.IGNORECASE)


def parse_size(text: str, what: str = "--max-file-size") -> int:
    """Bytes from ``5000000``, ``500KB``, ``20MB`` or ``1GiB`` (binary units); ``what`` names the setting."""
    m = _SIZE.match(text)
    if not m:
        raise ConfigError(f"{what} expects a size such as 5000000, 500KB or 20MB, got {text!r}")
    from fractions import Fraction

    unit = (m[2] or "").lower().rstrip("b").rstrip("i")
    # Fraction, not float: exact for "1.5MB", and no overflow to infinity for a number of 400 digits.
    return int(Fraction(m[1]) * {"": 1, "k": 1024, "m": 1024**2, "g": 1024**3}[unit])


# --- reading files ---------------------------------------------------------------------------------


def load_config(path: str | os.PathLike[str]) -> Config:
    """The configuration in ``path``, as given with ``--config``.

    A file named ``pyproject.toml`` must have a ``[tool.evalkit]`` table; any other file is read as an
    ``evalkit.toml`` (keys at the top level). ``source`` keeps ``path`` as given.
    """
    shown = os.fspath(path)
    data = _read_toml(shown)
    if Path(shown).name == "pyproject.toml":
        table = _pyproject_table(data, shown)
        if table is None:
            raise ConfigError(f"{shown}: no [{PYPROJECT_TABLE}] table")
        return config_from_mapping(table, source=shown, table=PYPROJECT_TABLE)
    return config_from_mapping(data, source=shown)


def find_config(paths: Sequence[str]) -> str | None:
    """The configuration file for a run on ``paths``, or ``None``.

    The search starts in the directory of the first input (the input itself if it is a directory; the
    current directory for ``-`` or no input) and walks up the parents, stopping after the directory that
    holds ``.git`` or at the root. The path is relative to the current directory when the input was
    relative, so reports stay the same from one machine to the next.
    """
    first = paths[0] if paths else "-"
    start = _start_directory(first)
    directory = os.path.abspath(start)
    while True:
        for name in CONFIG_FILES:
            candidate = os.path.join(directory, name)
            shown = candidate if os.path.isabs(start) else os.path.relpath(candidate)
            if os.path.isfile(candidate) and (name != "pyproject.toml" or _has_pyproject_table(shown)):
                return shown
        parent = os.path.dirname(directory)
        if os.path.exists(os.path.join(directory, ".git")) or parent == directory:
            return None
        directory = parent


def discover_config(paths: Sequence[str]) -> Config:
    """:func:`load_config` of :func:`find_config`, or the defaults when there is no file."""
    found = find_config(paths)
    return load_config(found) if found else Config()


def config_from_mapping(data: Mapping[str, Any], *, source: str | None = None, table: str = "") -> Config:
    """Validate a parsed table (``[tool.evalkit]`` or an ``evalkit.toml``) and build a :class:`Config`.

    Every message names ``source`` and the table, and unknown keys come with a "did you mean".
    """
    where = table_location(source, table)
    reject_unknown_keys(data, KNOWN_KEYS, "key", where)

    disable = data.get("disable", [])
    if not isinstance(disable, list) or not all(isinstance(item, str) for item in disable):
        raise ConfigError(f"{where}: 'disable' must be an array of strings, got {describe_value(disable)}")

    severity_table = _table(data, "severity", where)
    severity_where = table_location(source, _subtable(table, "severity"))
    severity: dict[str, Severity] = {}
    for code, level in flatten_dotted(severity_table).items():
        if not isinstance(level, str):
            raise ConfigError(
                f'{severity_where}: {code!r} must be "info", "warning" or "error", got {describe_value(level)}'
            )
        try:
            severity[code] = parse_severity(level)
        except ConfigError as exc:
            raise ConfigError(f"{severity_where}: {code!r}: {exc}") from None

    max_file_size = DEFAULT_MAX_FILE_SIZE
    if "max_file_size" in data:
        raw = data["max_file_size"]
        if isinstance(raw, int) and not isinstance(raw, bool):
            max_file_size = raw
        elif isinstance(raw, str):
            max_file_size = parse_size(raw, f"{where}: 'max_file_size'")
        else:
            raise ConfigError(
                f"{where}: 'max_file_size' must be a number of bytes or a string such as \"20MB\", got {describe_value(raw)}"
            )
        if max_file_size <= 0:
            raise ConfigError(f"{where}: 'max_file_size' must be a positive number of bytes, got {raw!r}")

    align = data.get("align", True)
    if not isinstance(align, bool):
        raise ConfigError(f"{where}: 'align' must be true or false, got {describe_value(align)}")

    references = data.get("references")
    if references is not None and not isinstance(references, str):
        raise ConfigError(f"{where}: 'references' must be a path (a string), got {describe_value(references)}")

    gate = _table(data, "gate", where)
    comet = _comet_settings(_table(data, "comet", where), source, table_location(source, _subtable(table, "comet")))
    sacrebleu = _sacrebleu_settings(_table(data, "metrics", where), table_location(source, _subtable(table, "metrics")))
    check_options = _check_tables(_table(data, "checks", where), table_location(source, _subtable(table, "checks")))
    judge = _judge_settings(_table(data, "judge", where), source, table_location(source, _subtable(table, "judge")))

    _validate_names(frozenset(disable), severity, where=where, severity_where=severity_where)
    return Config(
        disable=frozenset(disable),
        severity=severity,
        max_file_size=max_file_size,
        align=align,
        check_options=check_options,
        gate=dict(gate),
        references=references,
        source=source,
        comet=comet,
        sacrebleu=sacrebleu,
        judge=judge,
    )


def _sacrebleu_settings(table: Mapping[str, Any], where: str) -> SacrebleuSettings:
    """:class:`SacrebleuSettings` from the ``[metrics]`` table, each value of its field's type."""
    from dataclasses import fields

    reject_unknown_keys(table, SACREBLEU_KEYS, "metric setting", where)
    defaults = SacrebleuSettings()
    for item in fields(SacrebleuSettings):
        if item.name in table:
            value, kind = table[item.name], type(getattr(defaults, item.name))
            if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
                raise ConfigError(f"{where}: {item.name!r} must be {describe_value(kind(), article=True)}, got {describe_value(value)}")
    try:
        return SacrebleuSettings(**table).validate()
    except ConfigError as exc:
        raise ConfigError(f"{where}: {exc}") from None


def _comet_settings(table: Mapping[str, Any], source: str | None, where: str) -> CometSettings:
    """:class:`CometSettings` from the ``[comet]`` table; local model paths are relative to the file."""
    reject_unknown_keys(table, COMET_KEYS, "COMET setting", where)
    models = table.get("models", [])
    if isinstance(models, str):
        models = [models]
    if not isinstance(models, list) or not all(isinstance(m, str) and m for m in models):
        raise ConfigError(f"{where}: 'models' must be an array of model names or paths, got {describe_value(models)}")
    base = os.path.dirname(source) if source else ""

    def located(spec: str) -> str:
        # A path written in the file means a path next to the file; a hub name stays as written.
        candidate = os.path.join(base, os.path.expanduser(spec))
        return candidate if base and not os.path.isabs(spec) and os.path.exists(candidate) else spec

    expected = {
        "mode": str, "precision": str, "device": str, "batch_size": int,
        "cache": bool, "cache_dir": str, "download": bool, "require": bool,
    }
    values: dict[str, Any] = {}
    for key, kind in expected.items():
        if key not in table:
            continue
        value = table[key]
        if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
            raise ConfigError(f"{where}: {key!r} must be {describe_value(kind(), article=True)}, got {describe_value(value)}")
        values[key] = value
    if "cache_dir" in values and base and not os.path.isabs(os.path.expanduser(values["cache_dir"])):
        values["cache_dir"] = os.path.join(base, values["cache_dir"])
    if "qe_thresholds" in table:
        values["qe_thresholds"] = _qe_thresholds(table["qe_thresholds"], located, where)
    if "span_severity" in table:
        values["span_severity"] = _span_severity(table["span_severity"], "span_severity", where)
    settings = CometSettings(models=tuple(located(m) for m in models), **values)
    try:
        # 'require' without models is checked once flags are applied: --comet-model may add the model.
        replace(settings, require=False).validate()
    except ConfigError as exc:
        raise ConfigError(f"{where}: {exc}") from None
    return settings


def _qe_thresholds(raw: Any, located: Any, where: str) -> dict[str, float]:
    """``qe_thresholds = {"MODEL" = 0.55}``: a number per QE model, the model located as ``models`` are."""
    if not isinstance(raw, Mapping):
        raise ConfigError(f"{where}: 'qe_thresholds' must be a table of model = threshold, got {describe_value(raw)}")
    out: dict[str, float] = {}
    for model, value in raw.items():
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise ConfigError(f"{where}: qe_thresholds.{model} must be a number, got {describe_value(value)}")
        out[located(model)] = float(value)
    return out


def _span_severity(raw: Any, key: str, where: str) -> dict[str, Severity]:
    """``{critical = "error", major = "error", minor = "warning"}``: the defaults, updated by the table."""
    if not isinstance(raw, Mapping):
        raise ConfigError(f"{where}: {key!r} must be a table such as {{minor = \"info\"}}, got {describe_value(raw)}")
    out = dict(DEFAULT_SPAN_SEVERITY)
    for level, value in raw.items():
        if level not in DEFAULT_SPAN_SEVERITY:
            raise ConfigError(f"{where}: {key}: unknown level {level!r}; use critical, major or minor")
        if not isinstance(value, str):
            raise ConfigError(f"{where}: {key}.{level} must be a severity name, got {describe_value(value)}")
        try:
            out[level] = parse_severity(value)
        except ConfigError as exc:
            raise ConfigError(f"{where}: {key}.{level}: {exc}") from None
    return out


def _judge_settings(table: Mapping[str, Any], source: str | None, where: str) -> JudgeSettings:
    """:class:`JudgeSettings` from the ``[judge]`` table, each value of its field's type."""
    reject_unknown_keys(table, JUDGE_KEYS, "judge setting", where)
    expected: dict[str, tuple[type, ...]] = {
        "model": (str,), "base_url": (str,), "api_key_env": (str,), "concurrency": (int,), "timeout": (int, float),
        "retries": (int,), "budget_tokens": (int,), "max_output_tokens": (int,), "scope": (str,), "prompt": (str,),
        "cache": (bool,), "cache_dir": (str,), "require": (bool,), "seed": (int,),
    }
    values: dict[str, Any] = {}
    for key, kinds in expected.items():
        if key not in table:
            continue
        value = table[key]
        if not isinstance(value, kinds) or (bool not in kinds and isinstance(value, bool)):
            raise ConfigError(f"{where}: {key!r} must be {describe_value(kinds[0](), article=True)}, got {describe_value(value)}")
        values[key] = float(value) if key == "timeout" else value
    if "severity" in table:
        values["severity"] = _span_severity(table["severity"], "severity", where)
    base = os.path.dirname(source) if source else ""
    if "cache_dir" in values and base and not os.path.isabs(os.path.expanduser(values["cache_dir"])):
        values["cache_dir"] = os.path.join(base, values["cache_dir"])
    settings = JudgeSettings(**values)
    try:
        # 'require' without a model is checked once flags are applied: --judge may add the model.
        replace(settings, require=False).validate()
    except ConfigError as exc:
        raise ConfigError(f"{where}: {exc}") from None
    return settings


def _read_toml(path: str) -> dict[str, Any]:
    try:
        with open(path, "rb") as fh:
            return toml_loads(fh.read().decode("utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: invalid TOML: {exc}") from None
    except UnicodeDecodeError:
        raise ConfigError(f"{path}: invalid TOML: not UTF-8 text") from None
    except OSError as exc:
        raise ConfigError(f"cannot read configuration {path}: {exc.strerror or exc}") from None


def _pyproject_table(data: Mapping[str, Any], path: str) -> Mapping[str, Any] | None:
    tool = data.get("tool")
    if not isinstance(tool, dict) or "evalkit" not in tool:
        return None
    table = tool["evalkit"]
    if not isinstance(table, dict):
        raise ConfigError(f"{path}: [{PYPROJECT_TABLE}] must be a table, got {describe_value(table)}")
    return table


def _has_pyproject_table(path: str) -> bool:
    return _pyproject_table(_read_toml(path), path) is not None


def _start_directory(first: str) -> str:
    if first == "-":
        return "."
    if os.path.isdir(first):
        return first
    if not os.path.exists(first) and any(ch in first for ch in "*?["):
        first = re.split(r"[*?\[]", first, maxsplit=1)[0] + "x"  # the directory part before the pattern
    return os.path.dirname(first) or "."


# --- validation ------------------------------------------------------------------------------------


def _validate_names(
    disable: frozenset[str], severity: Mapping[str, Severity], *, where: str, severity_where: str | None = None
) -> None:
    from evalkit.checks import CHECKS, all_codes

    codes = all_codes()
    known = set(codes) | set(CHECKS.names()) | {c.split(".", 1)[0] for c in codes}
    for name in sorted(disable):
        if name not in known:
            raise UnknownNameError(_at(where, unknown_name_message("check or code", name, sorted(known))))
    categories = {c.split(".", 1)[0] for c in codes}
    for code in sorted(severity):
        if code not in codes and code not in categories:
            message = unknown_name_message("finding code or category", code, sorted(set(codes) | categories))
            raise UnknownNameError(_at(severity_where or where, message))


def _check_tables(checks: Mapping[str, Any], where: str) -> dict[str, dict[str, Any]]:
    """``{check name: options}`` from the ``checks`` table.

    Check names contain dots, so ``[tool.evalkit.checks.truncation.source]`` arrives as nested tables;
    the quoted ``[tool.evalkit.checks."truncation.source"]`` works as well.
    """
    from evalkit.checks import CHECKS, load_checks

    load_checks()
    names = CHECKS.names()
    found: dict[str, dict[str, Any]] = {}

    def walk(table: Mapping[str, Any], prefix: str) -> None:
        for key, value in table.items():
            name = f"{prefix}{key}"
            if name in CHECKS:
                if not isinstance(value, dict):
                    raise ConfigError(f"{where}: options of check {name!r} must be a table, got {describe_value(value)}")
                if name in found:
                    raise ConfigError(f"{where}: check {name!r} is configured twice")
                _validate_check_options(name, value, where=_where_sub(where, name))
                found[name] = dict(value)
            elif isinstance(value, dict) and any(n.startswith(f"{name}.") for n in names):
                walk(value, f"{name}.")
            else:
                raise UnknownNameError(f"{where}: {unknown_name_message('check', name, names)}")

    walk(checks, "")
    return found


def _validate_check_options(check_name: str, options: Mapping[str, Any], *, where: str) -> None:
    """The check must exist, and every option must be one its class declares (``options``), of the same kind."""
    from evalkit.checks import CHECKS, load_checks

    load_checks()
    try:
        cls = CHECKS.get(check_name)
    except UnknownNameError as exc:
        raise UnknownNameError(_at(where, str(exc))) from None
    declared = cls.options
    for key, value in options.items():
        if not _plain(value):
            kinds = "a string, number, boolean, array or table"
            raise ConfigError(_at(where, f"option {key!r} must be {kinds}, got {describe_value(value)}"))
        if not declared:
            # An option the check does not declare would be accepted and then ignored: say so instead.
            raise UnknownNameError(_at(where, f"check {check_name!r} takes no options, got {key!r}"))
        if key not in declared:
            raise UnknownNameError(_at(where, unknown_name_message(f"option of {check_name}", key, sorted(declared))))
        if not _same_kind(declared[key], value):
            raise ConfigError(
                _at(where, f"option {key!r} must be {describe_value(declared[key], article=True)}, got {describe_value(value)}")
            )


def reject_unknown_keys(
    data: Mapping[str, Any],
    known: Sequence[str],
    kind: str,
    where: str,
    *,
    nested: Mapping[str, Sequence[str]] | None = None,
    table: str = "",
) -> None:
    """Refuse a key of ``data`` that is not ``known``, with a "did you mean", for every TOML table evalkit
    reads. A key that belongs to one of the ``nested`` sub-tables (``max_failing_share`` written in
    ``[gate]`` instead of ``[gate.issue]``) is pointed there."""
    import difflib

    for key in data:
        if key in known:
            continue
        for sub, keys in (nested or {}).items():
            close = difflib.get_close_matches(key, list(keys), n=1, cutoff=0.8)
            if close:
                raise UnknownNameError(f"{where}: unknown {kind} {key!r}; did you mean {close[0]!r} in [{table}.{sub}]?")
        raise UnknownNameError(f"{where}: {unknown_name_message(kind, key, list(known))}")


def _table(data: Mapping[str, Any], key: str, where: str) -> Mapping[str, Any]:
    value = data.get(key, {})
    if not isinstance(value, dict):
        raise ConfigError(f"{where}: {key!r} must be a table, got {describe_value(value)}")
    return value


def flatten_dotted(table: Mapping[str, Any], prefix: str = "") -> dict[str, Any]:
    """``{"truncation": {"source": "warning"}}`` (an unquoted dotted TOML key) -> ``{"truncation.source": "warning"}``."""
    out: dict[str, Any] = {}
    for key, value in table.items():
        if isinstance(value, dict):
            out.update(flatten_dotted(value, f"{prefix}{key}."))
        else:
            out[f"{prefix}{key}"] = value
    return out


def _plain(value: Any) -> bool:
    """TOML values that go into JSON unchanged (no dates or times)."""
    if isinstance(value, (datetime.date, datetime.time)):
        return False
    if isinstance(value, list):
        return all(_plain(v) for v in value)
    if isinstance(value, dict):
        return all(_plain(v) for v in value.values())
    return True


def _same_kind(default: Any, value: Any) -> bool:
    if default is None:
        return True
    if isinstance(default, bool) or isinstance(value, bool):
        return isinstance(default, bool) and isinstance(value, bool)
    if isinstance(default, int):
        return isinstance(value, int)
    if isinstance(default, float):
        return isinstance(value, (int, float))
    if isinstance(default, (list, tuple)):
        return isinstance(value, (list, tuple))
    if isinstance(default, Mapping):
        return isinstance(value, Mapping)
    return isinstance(value, type(default))


def describe_value(value: Any, article: bool = False) -> str:
    """``a string 'x'`` / ``an array`` ...: what a wrong value is, for the messages of every TOML table
    evalkit reads (configuration, gate policy)."""
    if isinstance(value, bool):
        kind = "a boolean"
    elif isinstance(value, int):
        kind = "an integer"
    elif isinstance(value, float):
        kind = "a float"
    elif isinstance(value, str):
        kind = "a string"
    elif isinstance(value, (list, tuple)):
        kind = "an array"
    elif isinstance(value, Mapping):
        kind = "a table"
    elif isinstance(value, (datetime.date, datetime.time)):
        kind = "a date or time"
    else:
        kind = f"a {type(value).__name__}"
    if article or isinstance(value, (list, tuple, Mapping)):
        return kind
    return f"{kind} {value!r}" if isinstance(value, (str, int, float)) else kind


def _sorted_dict(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {k: _sorted_dict(value[k]) for k in sorted(value)}
    return value


def table_location(source: str | None, table: str) -> str:
    """``pyproject.toml [tool.evalkit.severity]`` / ``evalkit.toml`` / ``evalkit.toml [severity]``: where a
    message points."""
    shown = source or "configuration"
    return f"{shown} [{table}]" if table else shown


def _subtable(table: str, key: str) -> str:
    return f"{table}.{key}" if table else key


def _where_sub(where: str, key: str) -> str:
    """``where`` with ``"key"`` appended to its table, for the per-check option tables."""
    quoted = f'"{key}"' if "." in key else key
    if where.endswith("]"):
        return f"{where[:-1]}.{quoted}]"
    return f"{where} [{quoted}]"


def _at(where: str, message: str) -> str:
    return f"{where}: {message}" if where else message


# --- from the command line -------------------------------------------------------------------------


@dataclass(frozen=True)
class ConfigFlags:
    """The command-line flags of ``evalkit score`` and ``evalkit gate`` that shape a :class:`Config`.

    Each field holds a flag's value as given, ``None`` (or empty, or ``False``) when the flag was not
    given, so the configuration file's value stands. ``paths`` are the digest inputs, where the file is
    searched from; ``triples`` is ``score --triples FILE``. The sacrebleu fields are named as in
    :class:`SacrebleuSettings`; ``severity`` holds ``CODE=LEVEL`` items as typed.
    """

    paths: Sequence[str] = ()
    triples: str | None = None
    config_file: str | None = None
    no_config: bool = False
    references: str | None = None
    no_references: bool = False
    disable: Sequence[str] = ()
    severity: Sequence[str] = ()
    max_file_size: str | None = None
    no_align: bool = False
    metrics: Sequence[str] | None = None
    bootstrap: int | None = None
    comet_models: Sequence[str] | None = None
    no_comet: bool = False
    require_comet: bool = False
    comet_mode: str | None = None
    comet_precision: str | None = None
    comet_device: str | None = None
    comet_batch_size: int | None = None
    comet_cache: bool | None = None
    offline: bool = False
    bleu_tokenize: str | None = None
    bleu_lowercase: bool | None = None
    chrf_word_order: int | None = None
    chrf_lowercase: bool | None = None
    ter_normalized: bool | None = None
    ter_asian_support: bool | None = None
    ter_case_sensitive: bool | None = None
    ter_no_punct: bool | None = None
    judge_model: str | None = None
    no_judge: bool = False
    require_judge: bool = False
    judge_scope: str | None = None
    judge_budget: int | None = None
    judge_base_url: str | None = None

    def check(self) -> "ConfigFlags":
        """Raise :class:`ConfigError` for flags that contradict each other (before anything is read); return ``self``."""
        if self.config_file is not None and self.no_config:
            raise ConfigError("--config and --no-config cannot be used together")
        if self.triples is not None and self.paths:
            raise ConfigError("give either digest paths or --triples FILE, not both")
        if self.references is not None and self.no_references:
            raise ConfigError("--references and --no-references cannot be used together")
        if self.triples is not None and self.references is not None:
            raise ConfigError("--triples FILE holds its own references; --references does not apply")
        if self.no_judge and (self.judge_model is not None or self.require_judge):
            raise ConfigError("--no-judge cannot be used with --judge or --require-judge")
        return self


def config_from_flags(flags: ConfigFlags) -> Config:
    """The :class:`Config` of a run: the configuration file (``--config``, or the one found from the first
    input, or none with ``--no-config``) with the flags applied on top, as :meth:`Config.with_overrides` says."""
    flags.check()
    start = [flags.triples] if flags.triples is not None else list(flags.paths) or ["."]
    if flags.no_config:
        base = Config()
    else:
        base = load_config(flags.config_file) if flags.config_file else discover_config(start)
    return base.with_overrides(
        disable=flags.disable,
        severity=dict(_severity_override(item) for item in flags.severity),
        max_file_size=None if flags.max_file_size is None else parse_size(flags.max_file_size, "--max-file-size"),
        align=False if flags.no_align else None,
        references=flags.references,
        use_references=False if flags.no_references else None,
        metrics=flags.metrics,
        bootstrap=flags.bootstrap,
        comet={
            "models": () if flags.no_comet else flags.comet_models,
            "require": False if flags.no_comet else True if flags.require_comet else None,
            "mode": flags.comet_mode,
            "precision": flags.comet_precision,
            "device": flags.comet_device,
            "batch_size": flags.comet_batch_size,
            "cache": flags.comet_cache,
            "download": False if flags.offline else None,
        },
        sacrebleu={key: getattr(flags, key) for key in SACREBLEU_KEYS},
        judge={
            "model": "" if flags.no_judge else flags.judge_model,
            "require": False if flags.no_judge else True if flags.require_judge else None,
            "scope": flags.judge_scope,
            "budget_tokens": flags.judge_budget,
            "base_url": flags.judge_base_url,
        },
    )


def _severity_override(item: str) -> tuple[str, Severity]:
    """``(code, severity)`` from one ``--severity CODE=LEVEL``."""
    code, sep, level = item.partition("=")
    if not sep or not code.strip():
        raise ConfigError(f"--severity expects CODE=LEVEL, got {item!r}")
    return code.strip(), parse_severity(level)
