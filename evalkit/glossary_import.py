"""Read a user's own glossary (TSV, CSV or semicolon-separated) into evalkit's glossary format.

evalkit's format is that of ``references/glossary.tsv`` (:mod:`evalkit.glossary`): ``English term<TAB>accepted
renderings<TAB>forbidden renderings``, renderings separated by ``|``. A glossary kept in a spreadsheet or a
translation tool has other columns and conventions; this module reads it:

* **Delimiter.** A tab in the first row means tab-separated (tabs never occur inside a term); otherwise
  :class:`csv.Sniffer` chooses between ``,`` and ``;`` (quoted cells are understood), or the caller says.
* **Columns.** A first row whose cells name an English and a Chinese column (:data:`COLUMN_NAMES`, compared
  case-insensitively, ``_``/``-`` read as spaces) is a header; without one, column 1 is English and column 2
  Chinese, and there is no forbidden column (a third column of a user's file is usually a note). The caller may
  name each column by header name or 1-based number.
* **Renderings.** One cell may hold several, separated by any character of :data:`RENDERING_SEPARATORS`
  (``|``, ``;``, ``；``, ``、``, ``/``), or of the separators the caller gives (``|`` always separates: it is
  the separator of evalkit's format). Commas do not, by default: a rendering may hold one.
* **Merging.** Rows of one English term (case, spaces and hyphens ignored: :func:`evalkit.glossary.term_key`)
  become one row, renderings in the order first seen.
* **Bad rows.** A row with fewer columns than the English and Chinese columns need stops the import
  (:class:`~evalkit.errors.InputError` naming the file and line: usually the wrong delimiter). A row with an
  empty English or Chinese cell is skipped and reported (:class:`SkippedRow`); the import goes on. Blank rows
  and rows starting with ``#`` are comments.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from pathlib import Path

from evalkit.errors import ConfigError, InputError
from evalkit.glossary import parse_glossary, term_key

#: Characters that separate several renderings in one cell, by default.
RENDERING_SEPARATORS = "|;；、/"

#: The delimiters a user's file may use, by the names the command line accepts.
DELIMITERS = {"tab": "\t", "comma": ",", "semicolon": ";"}

#: Header names of each column, in normalised form (:func:`_header_name`).
COLUMN_NAMES = {
    "english": frozenset(
        {"en", "eng", "english", "en us", "en gb", "english term", "source", "source term", "source language", "src",
         "term", "terms", "英文", "英语", "英文术语", "原文", "术语"}
    ),
    "chinese": frozenset(
        {"zh", "zh cn", "zh hans", "zh sg", "cn", "chs", "chinese", "chinese term", "simplified chinese", "target",
         "target term", "target language", "tgt", "translation", "translations", "rendering", "renderings",
         "accepted", "中文", "汉语", "简体中文", "中文术语", "译文", "译名", "翻译", "中文译名"}
    ),
    "forbidden": frozenset(
        {"forbidden", "forbidden renderings", "avoid", "do not use", "don't use", "dont use", "not", "wrong",
         "incorrect", "prohibited", "banned", "禁用", "禁用译法", "禁用译名", "错误译法", "避免", "不要用"}
    ),
}

#: Bytes of the file's start that the delimiter sniffer reads.
_SNIFF_BYTES = 16384


@dataclass(frozen=True)
class ImportedTerm:
    """One English term of the user's glossary with its renderings, merged over ``lines`` (1-based)."""

    english: str
    accepted: tuple[str, ...]
    forbidden: tuple[str, ...]
    lines: tuple[int, ...]


@dataclass(frozen=True)
class SkippedRow:
    """A row left out of the import, and why (shaped like an input problem, for the CLI's error lines)."""

    path: str
    line: int
    message: str


@dataclass(frozen=True)
class ImportedGlossary:
    """What :func:`read_user_glossary` read: the merged terms, the skipped rows, and how the file was read."""

    path: str
    terms: tuple[ImportedTerm, ...]
    skipped: tuple[SkippedRow, ...]
    delimiter: str
    header: bool
    rows: int


@dataclass(frozen=True)
class MergeResult:
    """The text of an evalkit glossary with imported terms merged in, and what changed."""

    text: str
    new_terms: int
    new_renderings: int
    skipped: tuple[SkippedRow, ...]


def read_user_glossary(
    path: str,
    *,
    english_column: str | None = None,
    chinese_column: str | None = None,
    forbidden_column: str | None = None,
    delimiter: str | None = None,
    separators: str = RENDERING_SEPARATORS,
) -> ImportedGlossary:
    """Read the glossary at ``path`` (UTF-8, with or without BOM; any line endings).

    A column is a header name or a 1-based number (``None``: found from the header, else 1 for English,
    2 for Chinese, none for forbidden). ``delimiter`` is one of :data:`DELIMITERS`' values (``None``: sniffed).
    Raises :class:`InputError` for an unreadable file, one that is not UTF-8, a row with too few columns and a
    file with no usable row; :class:`ConfigError` for a column the header does not have.
    """
    text = _read_text(path)
    delimiter = delimiter or _sniff_delimiter(text)
    rows = [(line, row) for line, row in _rows(text, path, delimiter) if not _is_comment(row)]
    if not rows:
        raise InputError(path, "no glossary rows (the file holds only blank or # comment lines)")
    given = {"english": english_column, "chinese": chinese_column, "forbidden": forbidden_column}
    header_line, header = rows[0]
    roles = _header_roles(header)
    has_header = ("english" in roles and "chinese" in roles) or any(v and not v.isdigit() for v in given.values())
    columns = {role: _column(path, role, spec, header if has_header else None) for role, spec in given.items()}
    for role in ("english", "chinese", "forbidden"):
        if columns[role] is None and has_header:
            columns[role] = roles.get(role)
    english_at = 0 if columns["english"] is None else columns["english"]
    chinese_at = 1 if columns["chinese"] is None else columns["chinese"]
    if english_at == chinese_at:
        raise ConfigError(f"{path}: the English and the Chinese column are the same column ({english_at + 1})")
    forbidden_at = columns["forbidden"]
    split = _splitter(separators)
    merged: dict[str, tuple[str, list[str], list[str], list[int]]] = {}
    skipped: list[SkippedRow] = []
    body = rows[1:] if has_header else rows
    for line, row in body:
        needed = max(english_at, chinese_at) + 1
        if len(row) < needed:
            raise InputError(
                path,
                f"{len(row)} column(s), but the {'English' if english_at + 1 == needed else 'Chinese'} column is column"
                f" {needed} (the file was read as {_delimiter_name(delimiter)}-separated; --delimiter changes that)",
                line,
            )
        english = " ".join(row[english_at].split())
        accepted = split(row[chinese_at])
        forbidden = split(row[forbidden_at]) if forbidden_at is not None and forbidden_at < len(row) else []
        if not english:
            skipped.append(SkippedRow(path, line, "empty English cell; row skipped"))
            continue
        if not accepted:
            skipped.append(SkippedRow(path, line, f"no Chinese rendering for '{english}'; row skipped"))
            continue
        slot = merged.setdefault(term_key(english), (english, [], [], []))
        slot[1].extend(a for a in accepted if a not in slot[1])
        slot[2].extend(f for f in forbidden if f not in slot[2])
        slot[3].append(line)
    if not merged:
        raise InputError(path, f"no usable glossary rows ({len(skipped)} skipped for an empty cell)")
    terms = []
    for english, accepted, forbidden, lines in merged.values():
        clash = [f for f in forbidden if f in accepted]
        if clash:
            # a rendering cannot be both: the accepted one wins, since forbidding it would flag right translations
            message = f"'{english}': {' / '.join(clash)} both accepted and forbidden; kept as accepted"
            skipped.append(SkippedRow(path, lines[0], message))
        terms.append(ImportedTerm(english, tuple(accepted), tuple(f for f in forbidden if f not in accepted), tuple(lines)))
    return ImportedGlossary(
        path, tuple(terms), tuple(sorted(skipped, key=lambda s: s.line)), delimiter, has_header, len(body)
    )


def to_glossary_tsv(glossary: ImportedGlossary) -> str:
    """evalkit's glossary format of the imported terms, with a comment naming the source file."""
    lines = [
        f"# Glossary imported from {Path(glossary.path).name} by `evalkit glossary import` ({len(glossary.terms)} terms).",
        "# Columns (tab-separated): English term | accepted Chinese renderings (separated by |) | forbidden renderings (|)",
    ]
    lines += [_row(t.english, t.accepted, t.forbidden) for t in glossary.terms]
    return "\n".join(lines) + "\n"


def merge_into(existing_path: str, glossary: ImportedGlossary) -> MergeResult:
    """The evalkit glossary at ``existing_path`` with ``glossary``'s terms merged in.

    Every line of the existing file stays where it is (comments included); a term it already has gains the
    renderings it lacks on its first row; new terms are added at the end under a comment naming the source.
    An imported accepted rendering that the existing file forbids for the term is not added (reported), since
    which one is right is the maintainer's call. Raises :class:`ConfigError` for an existing file evalkit
    cannot read as a glossary.
    """
    try:
        text = Path(existing_path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{existing_path}: cannot read the glossary to merge into: {exc}") from None
    existing = parse_glossary(text, existing_path)
    first_row: dict[str, int] = {}
    accepted: dict[str, list[str]] = {}
    forbidden: dict[str, list[str]] = {}
    for term in existing:
        key = term_key(term.english)
        first_row.setdefault(key, term.line)
        accepted.setdefault(key, []).extend(a for a in term.accepted if a not in accepted[key])
        forbidden.setdefault(key, []).extend(f for f in term.forbidden if f not in forbidden[key])
    lines = text.splitlines()
    added_lines: list[str] = []
    new_renderings, skipped = 0, []
    for term in glossary.terms:
        key = term_key(term.english)
        if key not in first_row:
            added_lines.append(_row(term.english, term.accepted, term.forbidden))
            continue
        refused = [a for a in term.accepted if a in forbidden[key]]
        if refused:
            message = f"'{term.english}': {' / '.join(refused)} not added: {existing_path} forbids it"
            skipped.append(SkippedRow(glossary.path, term.lines[0], message))
        more_accepted = [a for a in term.accepted if a not in accepted[key] and a not in forbidden[key]]
        more_forbidden = [f for f in term.forbidden if f not in forbidden[key] and f not in accepted[key]]
        if not more_accepted and not more_forbidden:
            continue
        number = first_row[key]
        row = next(t for t in existing if t.line == number)
        lines[number - 1] = _row(row.english, row.accepted + tuple(more_accepted), row.forbidden + tuple(more_forbidden))
        new_renderings += len(more_accepted) + len(more_forbidden)
    if added_lines:
        lines += [f"# Imported from {Path(glossary.path).name} by `evalkit glossary import`.", *added_lines]
    return MergeResult("\n".join(lines) + "\n", len(added_lines), new_renderings, tuple(skipped))


def _row(english: str, accepted: tuple[str, ...] | list[str], forbidden: tuple[str, ...] | list[str]) -> str:
    return f"{english}\t{'|'.join(accepted)}\t{'|'.join(forbidden)}".rstrip("\t")


def _read_text(path: str) -> str:
    from evalkit.parse.reader import read_source

    try:
        empty = Path(path).stat().st_size == 0 and Path(path).is_file()
    except OSError:
        empty = False  # read_source says why it cannot be read
    if empty:
        raise InputError(path, "the file is empty (0 bytes): no glossary rows")
    # read_source refuses other encodings with the line of the first bad byte and a guess of the encoding;
    # it drops a UTF-8 BOM and turns CRLF into LF.
    return read_source(path).text


def _sniff_delimiter(text: str) -> str:
    content = [line for line in text[:_SNIFF_BYTES].splitlines() if line.strip() and not line.lstrip().startswith("#")]
    if not content:
        return "\t"
    if "\t" in content[0]:
        return "\t"
    try:
        return csv.Sniffer().sniff("\n".join(content[:50]), delimiters=",;").delimiter
    except csv.Error:
        # one row, or rows the sniffer cannot tell apart: the more frequent of the two in the first row
        return ";" if content[0].count(";") > content[0].count(",") else ","


def _rows(text: str, path: str, delimiter: str):  # type: ignore[no-untyped-def]
    """``(first line, cells)`` of each row (a quoted cell may span lines)."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    start = 1
    try:
        for row in reader:
            yield start, row
            start = reader.line_num + 1
    except csv.Error as exc:
        raise InputError(path, f"malformed {_delimiter_name(delimiter)}-separated row: {exc}", start) from None


def _is_comment(row: list[str]) -> bool:
    return not any(cell.strip() for cell in row) or row[0].lstrip().startswith("#")


def _header_name(cell: str) -> str:
    return " ".join(re.sub(r"[_\-]", " ", cell.casefold()).strip(" :：()（）").split())


def _header_roles(header: list[str]) -> dict[str, int]:
    roles: dict[str, int] = {}
    for index, cell in enumerate(header):
        name = _header_name(cell)
        for role, names in COLUMN_NAMES.items():
            if name in names and role not in roles:
                roles[role] = index
                break
    return roles


def _column(path: str, role: str, spec: str | None, header: list[str] | None) -> int | None:
    """The 0-based index of a column given by 1-based number or header name (``None`` when not given)."""
    if spec is None:
        return None
    option = f"--{role}-column"
    if spec.isdigit():
        if int(spec) < 1:
            raise ConfigError(f"{option} {spec}: columns are numbered from 1")
        return int(spec) - 1
    names = [_header_name(cell) for cell in header or []]
    if _header_name(spec) in names:
        return names.index(_header_name(spec))
    raise ConfigError(f"{option} {spec!r}: {path} has no such column (its first row: {', '.join(header or [])})")


def _splitter(separators: str):  # type: ignore[no-untyped-def]
    # "|" always separates: it is the separator of evalkit's own format, so no rendering may hold one
    pattern = re.compile("[" + re.escape("|" + separators) + "]")

    def split(cell: str) -> list[str]:
        out: list[str] = []
        for part in pattern.split(cell):
            part = " ".join(part.split())  # a line break inside a quoted cell would end the row
            if part and part not in out:
                out.append(part)
        return out

    return split


def _delimiter_name(delimiter: str) -> str:
    return next((name for name, d in DELIMITERS.items() if d == delimiter), repr(delimiter))
