"""The check interface: one class per check, registered by name, declaring the codes it emits.

Findings that a model judges (XCOMET's error spans, QE thresholds, an LLM judge's errors) are made by
their own stages, not by a check; their codes are declared in :mod:`evalkit.judges.codes`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar, Iterable, Mapping

from evalkit.records import Entry, Evidence, Finding, Issue, Severity
from evalkit.registry import Registry


@dataclass(frozen=True)
class CodeSpec:
    """A finding code a check can emit, with its default severity and one line of help."""

    code: str
    severity: Severity
    help: str


class Check:
    """Base class of every check.

    Subclasses set ``name`` (the registry key, also the code prefix they own), ``codes`` and override
    :meth:`check_entry` (called once per entry) and/or :meth:`check_issue` (once per file).
    ``needs_reference``/``needs_model``/``needs_alignment`` tell the pipeline what a check requires
    (``needs_alignment``: the sentence aligner or its bilingual lexicon, skipped by ``--no-align``).

    ``options`` on the class declares the options a check takes, with their defaults (the configuration
    validates names and value kinds against it). An instance's ``options`` are the effective ones: the
    defaults updated by ``[checks.<name>]`` of the configuration, as the pipeline passes them in. A
    subclass with its own ``__init__`` takes ``options`` and hands it on to this one.
    """

    name: ClassVar[str]
    codes: ClassVar[tuple[CodeSpec, ...]]
    needs_reference: ClassVar[bool] = False
    needs_model: ClassVar[bool] = False
    needs_alignment: ClassVar[bool] = False
    options: Mapping[str, Any] = {}

    def __init__(self, options: Mapping[str, Any] | None = None) -> None:
        self.options = {**type(self).options, **(options or {})}

    def check_entry(self, entry: Entry, issue: Issue) -> Iterable[Finding]:
        """Findings for one entry; the default has none."""
        return ()

    def check_issue(self, issue: Issue) -> Iterable[Finding]:
        """Findings about the file as a whole; the default has none."""
        return ()

    @classmethod
    def spec(cls, code: str) -> CodeSpec:
        """The declared :class:`CodeSpec` of ``code``; emitting an undeclared code is a bug."""
        for spec in cls.codes:
            if spec.code == code:
                return spec
        raise KeyError(f"{cls.__name__} does not declare code {code!r}")

    def finding(
        self,
        code: str,
        message: str,
        *,
        line: int | None = None,
        entry: Entry | None = None,
        evidence: Evidence | None = None,
        severity: Severity | None = None,
    ) -> Finding:
        """Build a finding; ``severity`` defaults to the code's (config overrides are applied later).

        A check passes ``severity`` only where context makes the same defect milder or worse.
        """
        return Finding(
            code=code,
            severity=severity or self.spec(code).severity,
            message=message,
            line=line if line is not None else (entry.line if entry else None),
            ref=entry.ref if entry else None,
            evidence=evidence,
        )


CHECKS: Registry[type[Check]] = Registry("check")
register_check = CHECKS.register

