"""Read generic parallel data for ``evalkit score --triples FILE``: JSONL, CSV/TSV or Parquet.

Every row needs ``src``, ``mt`` and ``ref`` (the source, the machine translation, a reference); ``id``
is optional. More references per row: ``ref`` as a JSON list of strings, or further columns ``ref2``,
``ref3``, ... (an empty or null extra reference is absent, so rows may have different numbers). The
format follows the extension: ``.jsonl``/``.ndjson``/``.json`` (one object per line), ``.csv``, ``.tsv``,
``.parquet`` (needs the ``data`` extra: pandas and pyarrow). Problems raise
:class:`~evalkit.errors.InputError` naming the file and line (row for Parquet).
"""

from __future__ import annotations

import json
import os
import re
from typing import Any, Iterator, Mapping

from evalkit.errors import InputError
from evalkit.records import Triple
from evalkit.safe_load import json_loads

REQUIRED = ("src", "mt", "ref")
_EXTRA_REF = re.compile(r"^ref(\d{1,9})$")
FORMATS = {".jsonl": "jsonl", ".ndjson": "jsonl", ".json": "jsonl", ".csv": "csv", ".tsv": "tsv", ".parquet": "parquet"}


def read_triples(path: str) -> list[Triple]:
    """Every row of a triples file, validated."""
    fmt = FORMATS.get(os.path.splitext(path)[1].lower())
    if fmt is None:
        raise InputError(path, "unknown triples format; use a .jsonl, .csv, .tsv or .parquet file")
    if not os.path.isfile(path):
        raise InputError(path, "no such file" if not os.path.exists(path) else "not a file")
    rows = {"jsonl": _jsonl_rows, "csv": _csv_rows, "tsv": _tsv_rows, "parquet": _parquet_rows}[fmt](path)
    triples = [_triple(row, path, line) for line, row in rows]
    if not triples:
        raise InputError(path, "no rows")
    return triples


def _triple(row: Mapping[str, Any], path: str, line: int) -> Triple:
    def fail(message: str) -> InputError:
        return InputError(path, message, line)

    for key in REQUIRED:
        if key not in row:
            raise fail(f"missing column {key!r} (every row needs src, mt and ref)")
    texts: dict[str, str] = {}
    for key in ("src", "mt"):
        value = row[key]
        if value is None:
            value = ""
        if not isinstance(value, str):
            raise fail(f"{key!r} must be a string, got {type(value).__name__}")
        texts[key] = value
    first = row["ref"]
    refs: list[str] = []
    for value in first if isinstance(first, list) else [first]:
        if not isinstance(value, str):
            raise fail(f"'ref' must be a string or a list of strings, got {type(value).__name__}")
        refs.append(value)
    extra = sorted((int(m[1]), key) for key in row if (m := _EXTRA_REF.match(str(key))))
    for _, key in extra:
        value = row[key]
        if value is None or value == "" or (isinstance(value, float) and value != value):  # null, empty, NaN
            continue
        if not isinstance(value, str):
            raise fail(f"{key!r} must be a string, got {type(value).__name__}")
        refs.append(value)
    if not refs or any(not r.strip() for r in refs):
        raise fail("empty reference")
    row_id = row.get("id")
    return Triple(line=line, id=None if row_id is None else str(row_id), src=texts["src"], mt=texts["mt"], refs=tuple(refs))


def _jsonl_rows(path: str) -> Iterator[tuple[int, Mapping[str, Any]]]:
    with _open(path) as fh:
        blank: int | None = None  # first of a run of blank lines: fine at the end of the file only
        for number, raw in enumerate(_lines(fh, path), start=1):
            if not raw.strip():
                blank = blank or number
                continue
            if blank is not None:
                raise InputError(path, "empty line (every line must hold one JSON object)", blank)
            try:
                data = json_loads(raw)
            except json.JSONDecodeError as exc:
                raise InputError(path, f"invalid JSON: {exc.msg} at column {exc.colno}", number) from None
            if not isinstance(data, dict):
                raise InputError(path, f"expected a JSON object, got {type(data).__name__}", number)
            yield number, data


def _lines(fh: Any, path: str) -> Iterator[str]:
    number = 0
    try:
        for number, raw in enumerate(fh, start=1):
            yield raw.rstrip("\r\n")
    except UnicodeDecodeError:
        raise InputError(path, "not UTF-8 text", number + 1) from None


def _csv_rows(path: str, delimiter: str = ",") -> Iterator[tuple[int, Mapping[str, Any]]]:
    import csv

    with _open(path, newline="") as fh:
        reader = csv.DictReader(fh, delimiter=delimiter)
        try:
            header = reader.fieldnames or []
            missing = [c for c in REQUIRED if c not in header]
            if missing:
                raise InputError(path, f"the header lacks column(s) {', '.join(missing)} (it has: {', '.join(header)})", 1)
            for row in reader:
                if None in row:
                    raise InputError(path, f"more fields than the header has ({len(header)})", reader.line_num)
                if any(v is None for v in row.values()):
                    raise InputError(path, f"fewer fields than the header has ({len(header)})", reader.line_num)
                yield reader.line_num, row
        except csv.Error as exc:
            raise InputError(path, f"malformed CSV: {exc}", reader.line_num) from None
        except UnicodeDecodeError:
            raise InputError(path, "not UTF-8 text", reader.line_num + 1) from None


def _tsv_rows(path: str) -> Iterator[tuple[int, Mapping[str, Any]]]:
    return _csv_rows(path, delimiter="\t")


def _parquet_rows(path: str) -> Iterator[tuple[int, Mapping[str, Any]]]:
    try:
        import pandas
    except ImportError:
        raise InputError(path, "reading Parquet needs pandas and pyarrow: pip install 'evalkit[data]'") from None
    try:
        frame = pandas.read_parquet(path)
    except Exception as exc:  # pyarrow raises many types for a damaged file
        raise InputError(path, f"cannot read Parquet: {exc}") from None
    for number, row in enumerate(frame.to_dict("records"), start=1):
        if isinstance(row.get("ref"), (list, tuple)) or type(row.get("ref")).__name__ == "ndarray":
            row["ref"] = [str(r) for r in row["ref"]]
        yield number, row


def _open(path: str, newline: str | None = None) -> Any:
    try:
        return open(path, encoding="utf-8-sig", newline=newline)
    except OSError as exc:
        raise InputError(path, f"cannot read: {exc.strerror or exc}") from None
