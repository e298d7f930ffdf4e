"""Stage 1: read digest files and parse them into :class:`~evalkit.records.Issue` records."""

from evalkit.parse.digest import ParseResult, parse_digest
from evalkit.parse.reader import DEFAULT_MAX_FILE_SIZE, SourceText, decode, read_source

__all__ = ["DEFAULT_MAX_FILE_SIZE", "ParseResult", "SourceText", "decode", "parse_digest", "read_source"]
