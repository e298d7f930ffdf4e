"""Run configuration: which checks run, at what severity, with which limits.

Precedence, stated once: command-line flags > configuration file > these defaults.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Mapping

from evalkit.errors import ConfigError, UnknownNameError
from evalkit.parse.reader import DEFAULT_MAX_FILE_SIZE
from evalkit.records import Severity
from evalkit.registry import unknown_name_message


@dataclass(frozen=True)
class Config:
    """What a run does. ``disable`` holds check names or finding codes (``numbers`` or ``numbers.changed``
    or a whole category such as ``leak``); ``severity`` overrides a code's default severity."""

    disable: frozenset[str] = frozenset()
    severity: Mapping[str, Severity] = field(default_factory=dict)
    max_file_size: int = DEFAULT_MAX_FILE_SIZE

    def validate(self) -> "Config":
        """Raise :class:`UnknownNameError` for names no registered check knows; return ``self``."""
        from evalkit.checks import CHECKS, all_codes

        codes = all_codes()
        known = set(codes) | set(CHECKS.names()) | {c.split(".", 1)[0] for c in codes}
        for name in sorted(self.disable):
            if name not in known:
                raise UnknownNameError(unknown_name_message("check or code", name, sorted(known)))
        for code in sorted(self.severity):
            if code not in codes:
                raise UnknownNameError(unknown_name_message("finding code", code, sorted(codes)))
        if self.max_file_size <= 0:
            raise ConfigError("max_file_size must be a positive number of bytes")
        return self

    def is_enabled(self, check_name: str, code: str | None = None) -> bool:
        """Whether a check (and, if given, one of its codes) is switched on."""
        names = {check_name, check_name.split(".", 1)[0]}
        if code:
            names |= {code, code.split(".", 1)[0]}
        return not (names & self.disable)

    def to_dict(self) -> dict[str, Any]:
        """The configuration as it goes into the report, so a reader can rerun the same thing."""
        return {
            "disable": sorted(self.disable),
            "severity": {code: sev.value for code, sev in sorted(self.severity.items())},
            "max_file_size": self.max_file_size,
        }


def parse_severity(value: str) -> Severity:
    """A :class:`Severity` from its name, with a helpful error."""
    try:
        return Severity(value.strip().lower())
    except ValueError:
        raise ConfigError(f"unknown severity {value!r}; use info, warning or error") from None
