"""Reference translations on disk: one JSONL file per source under the references directory.

Each line of a ``*.jsonl`` file is one reference::

    {"arxiv_id": "2608.14231", "title": "…", "abstract": "…",
     "provenance": {"who": "evalkit maintainers", "when": "2026-08-21", "how": "human translation",
                    "source": "examples/20260820T091500Z_0a1b2c3d_cs.CL.md"}}

``title`` is optional; ``provenance.source`` (what was translated or post-edited) is optional, the
other provenance fields are required. Within one file an arXiv id appears once; several references for
one id come from several files (sources). Blank lines, invalid JSON, unknown or missing keys, empty
texts, malformed ids and the same reference text twice are errors that name the file and line.
Other files in the directory (``README.md``, ``glossary.tsv``) are ignored.
"""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable, Mapping, Sequence

from evalkit.errors import ConfigError, InputError
from evalkit.records import ReferenceInfo
from evalkit.registry import unknown_name_message
from evalkit.safe_load import json_loads

#: The default references directory name, looked for next to the configuration file or in the CWD.
DEFAULT_DIRECTORY = "references"
#: Reference files are the ``*.jsonl`` files directly in the directory.
SUFFIX = ".jsonl"
#: arXiv identifiers without version: new style ``2608.14231`` or old style ``hep-th/9901001``.
ARXIV_ID = re.compile(r"^(?:\d{4}\.\d{4,5}|[a-z][a-z.\-]*/\d{7})$")
_VERSIONED = re.compile(r"^(.+)v\d+$")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}(?:[T ][0-9:.+\-Z]+)?$")
RECORD_KEYS = ("arxiv_id", "title", "abstract", "provenance")
PROVENANCE_KEYS = ("who", "when", "how", "source")


class ReferenceFileError(InputError):
    """A reference file (or line) is invalid; ``path`` and ``line`` say where."""


@dataclass(frozen=True)
class Provenance:
    """Who made a reference, when (ISO date), how (``human translation``, ``post-edit``, ...), from what."""

    who: str
    when: str
    how: str
    source: str | None = None

    def to_dict(self) -> dict[str, str]:
        """JSON-ready form; ``source`` only when known."""
        out = {"who": self.who, "when": self.when, "how": self.how}
        if self.source is not None:
            out["source"] = self.source
        return out


@dataclass(frozen=True)
class Reference:
    """One reference translation of an arXiv paper's abstract (and optionally its title).

    ``path`` and ``line`` say where it was read (empty/0 for one not yet saved).
    """

    arxiv_id: str
    abstract: str
    provenance: Provenance
    title: str | None = None
    path: str = ""
    line: int = 0

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form in the file's key order."""
        out: dict[str, Any] = {"arxiv_id": self.arxiv_id}
        if self.title is not None:
            out["title"] = self.title
        out["abstract"] = self.abstract
        out["provenance"] = self.provenance.to_dict()
        return out

    @property
    def where(self) -> str:
        """``file:line`` for messages."""
        return f"{self.path}:{self.line}"


@dataclass(frozen=True)
class ReferenceProblem:
    """Something wrong in a reference file."""

    path: str
    line: int | None
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.message}" if self.line else f"{self.path}: {self.message}"


@dataclass(frozen=True)
class ReferenceSet:
    """Every valid reference of a directory, indexed by arXiv id.

    ``directory`` is the path as shown to the user; ``files`` the reference files read, sorted.
    """

    directory: str
    references: tuple[Reference, ...]
    files: tuple[str, ...] = ()
    _by_id: Mapping[str, tuple[Reference, ...]] = field(default_factory=dict, repr=False, compare=False)

    def __post_init__(self) -> None:
        index: dict[str, list[Reference]] = {}
        for ref in self.references:
            index.setdefault(ref.arxiv_id, []).append(ref)
        object.__setattr__(self, "_by_id", {k: tuple(v) for k, v in index.items()})

    def for_id(self, arxiv_id: str | None) -> tuple[Reference, ...]:
        """The references of one paper, in file order (none for ``None`` or an unknown id)."""
        return self._by_id.get(arxiv_id, ()) if arxiv_id else ()

    @property
    def ids(self) -> list[str]:
        """The arXiv ids that have at least one reference, sorted."""
        return sorted(self._by_id)

    def __len__(self) -> int:
        return len(self.references)

    def info(self) -> ReferenceInfo:
        """What the report says about this set."""
        return ReferenceInfo(
            path=self.directory,
            files=tuple(os.path.basename(f) for f in self.files),
            ids=len(self._by_id),
            references=len(self.references),
        )


@dataclass(frozen=True)
class ReferenceScan:
    """Everything read from a directory: the valid references and every problem found."""

    references: ReferenceSet
    problems: tuple[ReferenceProblem, ...]


# --- where the directory is ----------------------------------------------------------------------------


def resolve_references_dir(
    references: str | None, *, source: str | None = None, base: str = "config"
) -> tuple[str | None, bool]:
    """The references directory for a run and whether the user named it explicitly.

    An explicit path (configuration ``references`` or ``--references``) is relative to the
    configuration file's directory (``base="config"``) or to the working directory (``base="cwd"``).
    Without one: ``references/`` next to the configuration file ``source``, else ``references/`` in the
    working directory, else ``None``.
    """
    if references is not None:
        path = references
        if not os.path.isabs(path) and base == "config" and source:
            path = os.path.join(os.path.dirname(source), path)
        return os.path.normpath(path), True
    if source:
        candidate = os.path.normpath(os.path.join(os.path.dirname(source), DEFAULT_DIRECTORY))
        if os.path.isdir(candidate):
            return candidate, False
    if os.path.isdir(DEFAULT_DIRECTORY):
        return DEFAULT_DIRECTORY, False
    return None, False


def reference_files(directory: str) -> list[str]:
    """The ``*.jsonl`` files directly in ``directory``, sorted by name."""
    return sorted(
        os.path.join(directory, name)
        for name in os.listdir(directory)
        if name.endswith(SUFFIX) and os.path.isfile(os.path.join(directory, name))
    )


def require_directory(directory: str) -> None:
    """Raise :class:`ConfigError` unless ``directory`` exists and is a directory."""
    if not os.path.exists(directory):
        raise ConfigError(f"references directory {directory} does not exist")
    if not os.path.isdir(directory):
        raise ConfigError(f"references path {directory} is not a directory")


# --- reading -------------------------------------------------------------------------------------------


def scan_references(directory: str) -> ReferenceScan:
    """Read every reference file of ``directory``; collect problems instead of stopping at the first."""
    require_directory(directory)
    files = reference_files(directory)
    references: list[Reference] = []
    problems: list[ReferenceProblem] = []
    seen_text: dict[tuple[str, str], Reference] = {}
    for path in files:
        refs, file_problems = read_reference_file(path)
        problems.extend(file_problems)
        for ref in refs:
            key = (ref.arxiv_id, _normalise(ref.abstract))
            if key in seen_text:
                problems.append(
                    ReferenceProblem(path, ref.line, f"duplicate reference: {ref.arxiv_id} has the same abstract at {seen_text[key].where}")
                )
                continue
            seen_text[key] = ref
            references.append(ref)
    return ReferenceScan(ReferenceSet(directory, tuple(references), tuple(files)), tuple(problems))


def load_references(directory: str) -> ReferenceSet:
    """The references of ``directory``; :class:`ReferenceFileError` (first problem, with file and line) if any is invalid."""
    scan = scan_references(directory)
    if scan.problems:
        first = scan.problems[0]
        more = len(scan.problems) - 1
        suffix = f" (and {more} more problem(s); run evalkit refs check)" if more else ""
        raise ReferenceFileError(first.path, first.message + suffix, first.line)
    return scan.references


def read_reference_file(path: str) -> tuple[list[Reference], list[ReferenceProblem]]:
    """Parse one JSONL file: the valid references and the problems of the invalid lines."""
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        return [], [ReferenceProblem(path, None, f"cannot read: {exc.strerror or exc}")]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        return [], [ReferenceProblem(path, line, "not UTF-8 text")]
    if text.startswith("\ufeff"):
        text = text[1:]
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()  # the final newline
    refs: list[Reference] = []
    problems: list[ReferenceProblem] = []
    first_line: dict[str, int] = {}
    for number, raw in enumerate(lines, start=1):
        try:
            ref = parse_reference_line(raw.rstrip("\r"), path, number)
        except ReferenceFileError as exc:
            problems.append(ReferenceProblem(path, number, exc.message))
            continue
        if ref.arxiv_id in first_line:
            problems.append(
                ReferenceProblem(
                    path, number, f"duplicate arxiv_id {ref.arxiv_id} (first at line {first_line[ref.arxiv_id]}); "
                    "put a second reference for the same paper in another file"
                )
            )
            continue
        first_line[ref.arxiv_id] = number
        refs.append(ref)
    return refs, problems


def parse_reference_line(text: str, path: str = "<string>", line: int = 1) -> Reference:
    """One JSONL line as a :class:`Reference`; :class:`ReferenceFileError` saying what is wrong."""

    def fail(message: str) -> ReferenceFileError:
        return ReferenceFileError(path, message, line)

    if not text.strip():
        raise fail("empty line (every line must hold one reference)")
    try:
        data = json_loads(text)
    except json.JSONDecodeError as exc:
        raise fail(f"invalid JSON: {exc.msg} at column {exc.colno}") from None
    if not isinstance(data, dict):
        raise fail(f"expected a JSON object, got {type(data).__name__}")
    for key in data:
        if key not in RECORD_KEYS:
            raise fail(unknown_name_message("key", key, list(RECORD_KEYS)))
    arxiv_id = _required_text(data, "arxiv_id", fail)
    versioned = _VERSIONED.match(arxiv_id)
    if versioned and ARXIV_ID.match(versioned[1]):
        raise fail(f"arxiv_id {arxiv_id!r} carries a version; write {versioned[1]!r}")
    if not ARXIV_ID.match(arxiv_id):
        raise fail(f"arxiv_id {arxiv_id!r} is not an arXiv identifier such as 2401.01234")
    abstract = _required_text(data, "abstract", fail)
    title = data.get("title")
    if title is not None and (not isinstance(title, str) or not title.strip()):
        raise fail("'title' must be a non-empty string when given")
    provenance = data.get("provenance")
    if provenance is None:
        raise fail("missing key 'provenance' (an object with who, when, how and optionally source)")
    if not isinstance(provenance, dict):
        raise fail("'provenance' must be an object with who, when, how and optionally source")
    for key in provenance:
        if key not in PROVENANCE_KEYS:
            raise fail(unknown_name_message("provenance key", key, list(PROVENANCE_KEYS)))
    who = _required_text(provenance, "who", fail, "provenance.")
    when = _required_text(provenance, "when", fail, "provenance.")
    if not _DATE.match(when):
        raise fail(f"'provenance.when' must be an ISO date such as 2026-08-21, got {when!r}")
    how = _required_text(provenance, "how", fail, "provenance.")
    source = provenance.get("source")
    if source is not None and (not isinstance(source, str) or not source.strip()):
        raise fail("'provenance.source' must be a non-empty string when given")
    return Reference(
        arxiv_id=arxiv_id,
        abstract=abstract,
        title=title,
        provenance=Provenance(who=who, when=when, how=how, source=source),
        path=path,
        line=line,
    )


def is_iso_date(value: str) -> bool:
    """Whether ``value`` looks like an ISO date (``2026-08-21``, optionally with a time)."""
    return bool(_DATE.match(value))


def _required_text(data: Mapping[str, Any], key: str, fail: Any, prefix: str = "") -> str:
    if key not in data:
        raise fail(f"missing key '{prefix}{key}'")
    value = data[key]
    if not isinstance(value, str):
        raise fail(f"'{prefix}{key}' must be a string, got {type(value).__name__}")
    if not value.strip():
        raise fail(f"empty '{prefix}{key}'")
    return value


def _normalise(text: str) -> str:
    return re.sub(r"\s+", "", text)


# --- writing -------------------------------------------------------------------------------------------


def dumps_references(references: Iterable[Reference]) -> str:
    """JSONL text, one reference per line, Chinese unescaped."""
    return "".join(json.dumps(r.to_dict(), ensure_ascii=False) + "\n" for r in references)


def save_references(path: str, references: Sequence[Reference]) -> None:
    """Write one reference file atomically (a reader sees the old file or the new one)."""
    from evalkit.report.write import write_text

    write_text(path, dumps_references(references))
