"""Parse a cn-chat-arxiv digest (layouts v0 and v1, English styles S1/S2/S3) into an :class:`Issue`.

The grammar follows ``make_markdown()`` of the generator (see ``docs/format.md`` §2 to §4)::

    # 摘要 / blank / table header / separator / one row per entry / blank / # 详细 / blank / entries

Each entry is ``[^N]: <zh title>`` followed by paragraphs indented by four spaces and separated by
one empty line: English title, link, Chinese summary and English summary (both v1 only; the English
one is empty in generator output, ``docs/format.md`` §3), Chinese abstract, English abstract, then a
closing line of four spaces. The parser also accepts the
same structure after a person edited it (trailing spaces stripped, a paragraph wrapped over lines;
``docs/format.md`` §15).

A file that is not a digest raises :class:`InputError`; an entry that cannot be read (a file cut in
the middle of it, a wrong number of paragraphs) becomes an :class:`InputProblem` with its line while
the rest of the file is still parsed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import PurePath

from evalkit.errors import NotADigestError
from evalkit.parse import english
from evalkit.parse.reader import SourceText
from evalkit.records import Entry, Evidence, Finding, InputProblem, Issue, Severity, TableRow

SUMMARY_HEADER = "# 摘要"
DETAIL_HEADER = "# 详细"
TABLE_HEADER = re.compile(r"^\|\s*Ref\s*\|\s*Title\s*\|\s*Summary\s*\|\s*$")
TABLE_RULE = re.compile(r"^\|(\s*:?-{3,}:?\s*\|){3}\s*$")
ROW_START = re.compile(r"^\|\s*\[\^(\d+)\]\s*\|\s*")
# The link cell ends a title that may itself hold "[", "]" or "|": anchor on "](http...) | ".
ROW_LINK = re.compile(r"\]\(([^\s\]]+?)\)\s*\|\s?")
ENTRY_HEAD = re.compile(r"^\[\^(\d+)\]:[ \t]?(.*)$")
LINK_PARAGRAPH = re.compile(r"^\[(?P<text>[^\]]*)\]\((?P<url>[^)\s]*)\)$")
FILE_DATE = re.compile(r"(?<!\d)(\d{4})-?(\d{2})-?(\d{2})(?:T\d{6}Z)?(?!\d)")
FILE_NAME = re.compile(r"^\d{8}T\d{6}Z_[0-9a-f]{6,40}_(?P<channel>.+)$")

#: Paragraph fields after the title line, by layout.
FIELDS_V1 = ("title_en", "link", "summary_zh", "summary_en", "abstract_zh", "abstract_en")
FIELDS_V0 = ("title_en", "link", "abstract_zh", "abstract_en")
INDENT = "    "
#: Longest entry number read as one: the largest real digest has 737 entries, and a longer digit run
#: (``[^99999…]``, thousands of digits) would only cost memory and break ``int()``/``str()``.
MAX_REF_DIGITS = 9


@dataclass(frozen=True)
class ParseResult:
    """A parsed issue plus the problems that made parts of it unreadable."""

    issue: Issue
    problems: tuple[InputProblem, ...]


@dataclass(frozen=True)
class _Paragraph:
    line: int  # 1-based line of its first line
    lines: tuple[str, ...]  # raw lines, indentation included

    @property
    def text(self) -> str:
        return " ".join(_dedent(x) for x in self.lines).strip()


def parse_digest(source: SourceText) -> ParseResult:
    """Parse decoded digest text. Raises :class:`InputError` when the text is not a digest at all."""
    path = source.path
    lines = source.text.split("\n")
    findings: list[Finding] = []
    problems: list[InputProblem] = []
    if source.had_bom:
        findings.append(_file_finding("structure.bom", "file starts with a UTF-8 byte-order mark", 1))
    if source.had_crlf:
        findings.append(_file_finding("structure.line-endings", "file uses CRLF line endings", 1))

    first = next((i for i, x in enumerate(lines) if x.strip()), None)
    if first is None:
        raise NotADigestError(path, "file holds only blank lines, not a digest", line=1)
    if lines[first].strip() != SUMMARY_HEADER:
        raise NotADigestError(
            path,
            f"not a digest: expected the '{SUMMARY_HEADER}' header, found {_quote(lines[first])}",
            line=first + 1,
        )

    detail = next((i for i in range(first + 1, len(lines)) if lines[i].strip() == DETAIL_HEADER), None)
    table_end = detail if detail is not None else len(lines)
    table = _parse_table(lines, first + 1, table_end, findings, problems, path)
    if detail is None:
        problems.append(
            InputProblem(path, f"no '{DETAIL_HEADER}' section: the file ends inside the summary table", len(lines))
        )
        entries: list[Entry] = []
    else:
        entries = _parse_entries(lines, detail + 1, path, findings, problems)

    layouts = sorted({e.layout for e in entries})
    stem = PurePath(path).name.rsplit(".", 1)[0] if path != "-" else "stdin"
    name_match = FILE_NAME.match(stem)
    date_match = FILE_DATE.search(stem)
    issue = Issue(
        path=path,
        id=stem,
        date=f"{date_match[1]}-{date_match[2]}-{date_match[3]}" if date_match else None,
        channel=name_match["channel"] if name_match else None,
        layout="/".join(layouts) if layouts else None,
        entries=tuple(entries),
        table=tuple(table),
        findings=tuple(findings),
        line_count=len(lines),
    )
    return ParseResult(issue=issue, problems=tuple(problems))


def _parse_table(
    lines: list[str], start: int, end: int, findings: list[Finding], problems: list[InputProblem], path: str
) -> list[TableRow]:
    header = next((i for i in range(start, end) if TABLE_HEADER.match(lines[i])), None)
    if header is None:
        # the line after the "# 摘要" header, or the header itself when the file ends there
        line = min(start + 1, len(lines))
        findings.append(_file_finding("structure.table", "the summary table header '| Ref | Title | Summary |' is missing", line))
        return []
    rows: list[TableRow] = []
    i = header + 1
    if i < end and TABLE_RULE.match(lines[i]):
        i += 1
    while i < end and lines[i].startswith("|"):
        row = _parse_row(lines[i], i + 1)
        if row is None:
            findings.append(_file_finding("structure.table", f"table row does not parse: {_quote(lines[i])}", i + 1))
        else:
            rows.append(row)
        i += 1
    return rows


def _parse_row(line: str, lineno: int) -> TableRow | None:
    head = ROW_START.match(line)
    body = line[head.end():] if head else ""
    if not head or len(head[1]) > MAX_REF_DIGITS or not body.startswith("[") or not body.rstrip().endswith("|"):
        return None
    link = ROW_LINK.search(body)
    if not link:
        return None
    summary = body[link.end():].rstrip()
    summary = summary[:-1].rstrip() if summary.endswith("|") else summary
    return TableRow(ref=int(head[1]), title=body[1 : link.start()], link=link[1], summary=summary, line=lineno)


def _parse_entries(
    lines: list[str], start: int, path: str, findings: list[Finding], problems: list[InputProblem]
) -> list[Entry]:
    heads = [i for i in range(start, len(lines)) if ENTRY_HEAD.match(lines[i])]
    stray = next((i for i in range(start, heads[0] if heads else len(lines)) if lines[i].strip()), None)
    if stray is not None:
        findings.append(_file_finding("structure.stray-text", f"text before the first entry: {_quote(lines[stray])}", stray + 1))
    entries = []
    for k, head in enumerate(heads):
        stop = heads[k + 1] if k + 1 < len(heads) else len(lines)
        is_last = k + 1 == len(heads)
        previous_layout = entries[-1].layout if entries else None
        entry = _parse_entry(lines, head, stop, is_last, path, problems, previous_layout)
        if entry is not None:
            entries.append(entry)
    return entries


def _paragraphs(lines: list[str], start: int, stop: int) -> tuple[list[_Paragraph], bool]:
    """Split an entry body into paragraphs; also say whether the closing 4-space line is there."""
    while stop > start and lines[stop - 1] == "":
        stop -= 1
    paragraphs: list[_Paragraph] = []
    i = start
    while i < stop:
        if lines[i] == "":
            i += 1  # the separator before a paragraph
            if i < stop and lines[i] == "":
                # two empty lines in a row: an empty paragraph whose 4 spaces an editor stripped
                paragraphs.append(_Paragraph(i + 1, ("",)))
                i += 1
            continue
        j = i
        while j < stop and lines[j] != "":
            j += 1
        paragraphs.append(_Paragraph(i + 1, tuple(lines[i:j])))
        i = j
    closed = False
    if paragraphs:
        last = paragraphs[-1]
        body = list(last.lines)
        while len(body) > 1 and not body[-1].strip():
            body.pop()
            closed = True
        paragraphs[-1] = _Paragraph(last.line, tuple(body))
    return paragraphs, closed


def _parse_entry(
    lines: list[str],
    head: int,
    stop: int,
    is_last: bool,
    path: str,
    problems: list[InputProblem],
    previous_layout: str | None = None,
) -> Entry | None:
    m = ENTRY_HEAD.match(lines[head])
    assert m is not None  # heads were selected by this pattern
    if len(m[1]) > MAX_REF_DIGITS:
        problems.append(
            InputProblem(path, f"entry [^{m[1][:12]}…] has a {len(m[1])}-digit number; entries are numbered 1..N", head + 1)
        )
        return None
    ref = int(m[1])
    paragraphs, closed = _paragraphs(lines, head + 1, stop)
    # The generator closes every entry with a 4-space line; a last entry without it, with fewer than
    # six paragraphs, after v1 entries, is a cut file rather than the 4-paragraph v0 layout.
    cut_short = is_last and not closed and len(paragraphs) < len(FIELDS_V1) and previous_layout == "v1"
    if len(paragraphs) == len(FIELDS_V1):
        layout, names = "v1", FIELDS_V1
    elif len(paragraphs) == len(FIELDS_V0) and not cut_short:
        layout, names = "v0", FIELDS_V0
    else:
        if cut_short or (is_last and len(paragraphs) < len(FIELDS_V1)):
            message = (
                f"the file ends in the middle of entry [^{ref}]: {len(paragraphs)} of its "
                f"{len(FIELDS_V1)} paragraphs are there (was the file cut?)"
            )
        else:
            message = (
                f"entry [^{ref}] has {len(paragraphs)} paragraphs; a digest entry has {len(FIELDS_V1)} "
                f"(English title, link, summary, English summary, Chinese abstract, English abstract) "
                f"or {len(FIELDS_V0)} in the oldest layout"
            )
        problems.append(InputProblem(path, message, head + 1))
        return None
    ends_file_cut = is_last and not closed and not lines[-1] == "" and stop == len(lines)
    if ends_file_cut:
        problems.append(
            InputProblem(
                path,
                f"the file ends without a newline inside entry [^{ref}]'s English abstract (was the file cut?)",
                paragraphs[-1].line,
            )
        )
        return None

    fields = dict(zip(names, paragraphs))
    title = english.split_title(fields["title_en"].text)
    raw_en = " ".join(_dedent(x) for x in fields["abstract_en"].lines)
    abstract = english.split_abstract(raw_en.lstrip())
    link_text = fields["link"].text
    link_match = LINK_PARAGRAPH.match(link_text)
    link = link_match["url"] if link_match else link_text
    link_label = link_match["text"] if link_match else link_text
    lines_of = {"title_zh": head + 1, **{name: p.line for name, p in fields.items()}}
    return Entry(
        ref=ref,
        line=head + 1,
        layout=layout,
        english_style=english.english_style(link, title, abstract),
        title_zh=m[2].strip(),
        title_en=title.title,
        link=link,
        link_label=link_label,
        arxiv_id=english.arxiv_id_from_link(link) or title.arxiv_id or abstract.arxiv_id,
        version=title.version or abstract.version,
        category=title.category,
        announce_type=abstract.announce_type or title.announce_type,
        summary_zh=fields["summary_zh"].text if "summary_zh" in fields else "",
        summary_en=fields["summary_en"].text if "summary_en" in fields else "",
        abstract_zh=fields["abstract_zh"].text,
        abstract_en=abstract.body.strip(),
        abstract_en_length=len(raw_en),
        source_truncated=english.is_source_truncated(raw_en),
        lines=lines_of,
    )


def _dedent(line: str) -> str:
    return line[len(INDENT):] if line.startswith(INDENT) else line.lstrip(" ")


def _quote(line: str, width: int = 60) -> str:
    text = line.strip()
    return repr(text if len(text) <= width else text[:width] + "…")


def _file_finding(code: str, message: str, line: int) -> Finding:
    """A fact about the file; the ``structure.format`` check reports it with its declared severity."""
    return Finding(code=code, severity=Severity.INFO, message=message, line=line, evidence=Evidence())
