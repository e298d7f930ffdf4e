"""Waivers: known failures accepted for a while, with a reason and an expiry date.

A waiver file (``evalkit-waivers.toml`` by default) is TOML, one ``[[waiver]]`` table per waiver::

    [[waiver]]
    arxiv_id = "2401.10003"          # the paper (no version); or issue = "<issue id or file name>"
    code = "numbers.changed"         # a finding code, a category, or a gate code such as score.comet
    reason = "The English abstract has the typo; the Chinese follows the paper."
    expires = 2026-12-31             # a TOML date (or "2026-12-31"); the waiver holds through that day (UTC)

A waiver turns a matching failure into a recorded pass. Once expired it no longer does: the failure
fails the gate again and says which waiver expired. Waivers that matched nothing are reported so the
file does not fill up with dead entries. TOML gives no line numbers, so the lines of the ``[[waiver]]``
headers are found in the text (they name the waiver in CI annotations).

Expiry is judged against one clock, :func:`gate_today` (the UTC date), never the machine's local zone:
the same waiver must not pass on a runner in UTC+14 and fail on one in UTC-12 at the same moment.
"""

from __future__ import annotations

import datetime
import re
import tomllib
from dataclasses import dataclass
from typing import Any, Iterable, Mapping, Sequence

from evalkit.errors import ConfigError, UnknownNameError
from evalkit.registry import unknown_name_message
from evalkit.safe_load import toml_loads

_KEYS = ("arxiv_id", "issue", "code", "reason", "expires")
_HEADER = re.compile(r"^\s*\[\[\s*waiver\s*\]\]\s*(?:#.*)?$")
#: New-style (2401.01234) and old-style (hep-th/9901001, math.AG/0101001) arXiv identifiers, no version.
_ARXIV_ID = re.compile(r"^(?:\d{4}\.\d{4,5}|[a-z][a-z\-]*(?:\.[A-Z]{2})?/\d{7})$")
_VERSION = re.compile(r"v\d+$")


#: The clock waiver expiry is judged by; the gate report states it beside ``today``.
GATE_CLOCK = "UTC"


def gate_today() -> datetime.date:
    """Today's date on the gate's clock (:data:`GATE_CLOCK`), whatever the local time zone."""
    return datetime.datetime.now(datetime.timezone.utc).date()


class WaiverFileError(ConfigError):
    """The waiver file cannot be read or holds an invalid waiver (the message names the file and waiver)."""


@dataclass(frozen=True)
class Waiver:
    """One accepted failure: ``code`` for paper ``arxiv_id`` (or for issue ``issue``) until ``expires``.

    ``path`` and ``line`` locate the waiver's ``[[waiver]]`` header (``line`` ``None`` when unknown).
    """

    code: str
    reason: str
    expires: datetime.date
    arxiv_id: str | None = None
    issue: str | None = None
    path: str = ""
    line: int | None = None

    def expired(self, today: datetime.date) -> bool:
        """Whether the waiver has run out: it holds through its ``expires`` day."""
        return today > self.expires

    def covers(self, code: str, arxiv_id: str | None, issue_names: Sequence[str]) -> bool:
        """Whether the waiver is about this failure (whatever its expiry)."""
        from evalkit.gate.policy import matches_code

        if not matches_code(code, self.code):
            return False
        if self.arxiv_id is not None:
            return arxiv_id is not None and arxiv_id == self.arxiv_id
        return self.issue in issue_names

    @property
    def subject(self) -> str:
        """``arXiv 2401.10003`` or ``issue <id>``: what the waiver is for, for messages."""
        return f"arXiv {self.arxiv_id}" if self.arxiv_id is not None else f"issue {self.issue}"

    @property
    def location(self) -> str:
        """``file:line`` of the waiver (``file`` alone when the line is unknown)."""
        return f"{self.path}:{self.line}" if self.line else self.path

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form, as in the gate report."""
        return {
            "arxiv_id": self.arxiv_id,
            "issue": self.issue,
            "code": self.code,
            "reason": self.reason,
            "expires": self.expires.isoformat(),
            "path": self.path,
            "line": self.line,
        }


@dataclass(frozen=True)
class WaiverMatch:
    """What the waivers say about one failure: the waiver that holds, or one that matched but expired."""

    active: Waiver | None = None
    expired: Waiver | None = None


@dataclass(frozen=True)
class WaiverSet:
    """The waivers of one file (possibly none), in file order."""

    waivers: tuple[Waiver, ...] = ()
    path: str | None = None

    def lookup(
        self, code: str, today: datetime.date, *, arxiv_id: str | None = None, issue_names: Sequence[str] = ()
    ) -> WaiverMatch:
        """The first unexpired waiver covering this failure, else the first expired one that covers it."""
        active = expired = None
        for waiver in self.waivers:
            if waiver.covers(code, arxiv_id, issue_names):
                if not waiver.expired(today):
                    active = active or waiver
                else:
                    expired = expired or waiver
        return WaiverMatch(active=active, expired=None if active else expired)

    def __len__(self) -> int:
        return len(self.waivers)


def load_waivers(path: str) -> WaiverSet:
    """Read and validate a waiver file; :class:`WaiverFileError` naming the file (and waiver line) if invalid."""
    try:
        with open(path, "rb") as fh:
            raw = fh.read()
    except OSError as exc:
        raise WaiverFileError(f"cannot read waiver file {path}: {exc.strerror or exc}") from None
    try:
        text = raw.decode("utf-8")
        data = toml_loads(text)
    except UnicodeDecodeError:
        raise WaiverFileError(f"{path}: invalid TOML: not UTF-8 text") from None
    except tomllib.TOMLDecodeError as exc:
        raise WaiverFileError(f"{path}: invalid TOML: {exc}") from None
    return waivers_from_mapping(data, path=path, lines=header_lines(text))


def header_lines(text: str) -> list[int]:
    """1-based lines of the ``[[waiver]]`` headers, in order (lines inside multi-line strings are rare enough)."""
    return [n for n, line in enumerate(text.split("\n"), start=1) if _HEADER.match(line)]


def waivers_from_mapping(data: Mapping[str, Any], *, path: str = "waivers", lines: Sequence[int] = ()) -> WaiverSet:
    """Validate parsed TOML (``{"waiver": [...]}``) into a :class:`WaiverSet`."""
    for key in data:
        if key != "waiver":
            raise UnknownNameError(f"{path}: {unknown_name_message('table', key, ['waiver'])}; write one [[waiver]] table per waiver")
    items = data.get("waiver", [])
    if not isinstance(items, list) or not all(isinstance(item, dict) for item in items):
        raise WaiverFileError(f"{path}: 'waiver' must be an array of tables: write one [[waiver]] table per waiver")
    known_lines = list(lines) if len(lines) == len(items) else [None] * len(items)
    waivers = [_waiver(item, path, n, line) for n, (item, line) in enumerate(zip(items, known_lines), start=1)]
    _reject_duplicates(waivers)
    return WaiverSet(waivers=tuple(waivers), path=path)


def _waiver(item: Mapping[str, Any], path: str, number: int, line: int | None) -> Waiver:
    where = f"{path}:{line}" if line else f"{path}: waiver {number}"
    for key in item:
        if key not in _KEYS:
            raise UnknownNameError(f"{where}: {unknown_name_message('waiver key', key, list(_KEYS))}")
    arxiv_id, issue = item.get("arxiv_id"), item.get("issue")
    if (arxiv_id is None) == (issue is None):
        raise WaiverFileError(f"{where}: give either 'arxiv_id' (a paper) or 'issue' (a whole digest), not both or neither")
    if arxiv_id is not None:
        if not isinstance(arxiv_id, str):
            raise WaiverFileError(f"{where}: 'arxiv_id' must be a string such as \"2401.01234\", got {arxiv_id!r}")
        arxiv_id = arxiv_id.strip()
        if _VERSION.search(arxiv_id) and _ARXIV_ID.match(_VERSION.sub("", arxiv_id)):
            raise WaiverFileError(f"{where}: 'arxiv_id' is written without version: {_VERSION.sub('', arxiv_id)!r}, not {arxiv_id!r}")
        if not _ARXIV_ID.match(arxiv_id):
            raise WaiverFileError(f"{where}: 'arxiv_id' {arxiv_id!r} is not an arXiv identifier such as \"2401.01234\"")
    if issue is not None and (not isinstance(issue, str) or not issue.strip()):
        raise WaiverFileError(f"{where}: 'issue' must be an issue id or file name (a non-empty string), got {issue!r}")
    code = item.get("code")
    if not isinstance(code, str) or not code.strip():
        raise WaiverFileError(f"{where}: 'code' is required: the finding code (or category) to waive, e.g. \"numbers.changed\"")
    _check_code(code.strip(), where)
    reason = item.get("reason")
    if not isinstance(reason, str) or not reason.strip():
        raise WaiverFileError(f"{where}: 'reason' is required: say why this failure is accepted")
    expires = _date(item.get("expires"), where)
    return Waiver(
        code=code.strip(),
        reason=reason.strip(),
        expires=expires,
        arxiv_id=arxiv_id,
        issue=issue.strip() if issue is not None else None,
        path=path,
        line=line,
    )


def _check_code(code: str, where: str) -> None:
    from evalkit.gate.policy import _finding_names, is_known_code

    if not is_known_code(code):
        known = _finding_names() + ["issue.failing-share", "regression.failure_rate", "score.<metric>"]
        raise UnknownNameError(f"{where}: {unknown_name_message('code', code, known)}")


def _date(value: Any, where: str) -> datetime.date:
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    if isinstance(value, str):
        try:
            return datetime.date.fromisoformat(value.strip())
        except ValueError:
            pass
    if value is None:
        raise WaiverFileError(f"{where}: 'expires' is required: the last day the waiver holds, e.g. 2026-12-31")
    raise WaiverFileError(f"{where}: 'expires' must be a date such as 2026-12-31, got {value!r}")


def _reject_duplicates(waivers: Iterable[Waiver]) -> None:
    seen: dict[tuple[str | None, str | None, str], Waiver] = {}
    for waiver in waivers:
        key = (waiver.arxiv_id, waiver.issue, waiver.code)
        if key in seen:
            first = seen[key]
            raise WaiverFileError(
                f"{waiver.location}: waiver for {waiver.subject} {waiver.code} repeats the one at {first.location}; keep one"
            )
        seen[key] = waiver
