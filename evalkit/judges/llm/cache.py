"""The LLM judge's answer cache: one SQLite file keyed by sha256 of what decides an answer.

The key holds the model name, the prompt version, the exact messages sent (the prompt's text and both
abstracts) and the settings that change an answer (seed, ``max_output_tokens``; temperature is always
0). A rerun over unchanged entries sends no request. Only answers that were readable JSON are kept: a
malformed answer is asked again next time. The file sits next to COMET's (``$EVALKIT_CACHE_DIR``,
else ``$XDG_CACHE_HOME/evalkit``, else ``~/.cache/evalkit``); a damaged file is moved aside, and a
cache that cannot be used (read-only, full disk) turns itself off for the run with a notice.
"""

from __future__ import annotations

import hashlib
import json
import os
from typing import Iterable, Mapping, Sequence

from evalkit.sqlite_cache import SqliteCache

#: The cache file's name; the number changes when its layout does.
CACHE_FILE = "judge-v1.sqlite3"
#: Mixed into every key: bump it when the meaning of a cached answer changes.
KEY_VERSION = "evalkit.judge.llm/1"

_SCHEMA = "CREATE TABLE IF NOT EXISTS answers (key TEXT PRIMARY KEY, content TEXT NOT NULL, checksum TEXT NOT NULL)"


def answer_key(
    *, model: str, prompt: str, messages: Sequence[Mapping[str, str]], seed: int | None, max_output_tokens: int
) -> str:
    """The cache key of one request: sha256 over everything that decides the answer (never the API key)."""
    payload = json.dumps(
        [KEY_VERSION, model, prompt, [[m["role"], m["content"]] for m in messages], seed, max_output_tokens],
        ensure_ascii=False, separators=(",", ":"),
    )
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def _checksum(key: str, content: str) -> str:
    return hashlib.sha256(f"{key}\x1f{content}".encode("utf-8")).hexdigest()[:16]


class AnswerCache(SqliteCache):
    """Judge answers in one SQLite file, safe to share between processes (WAL journal, busy timeout).

    A row whose checksum does not match is treated as missing (counted in ``corrupt``) and overwritten
    by the next answer. Problems never stop the run: they go into ``notices``.
    """

    label = "LLM judge cache"
    work = "judging"
    schema = (_SCHEMA,)

    def __init__(self, directory: str | os.PathLike[str] | None = None) -> None:
        super().__init__(directory, CACHE_FILE)

    def get_many(self, keys: Sequence[str]) -> dict[str, str]:
        """``key -> answer text`` for the keys held and intact."""
        found: dict[str, str] = {}
        for key, content, checksum in self._select("SELECT key, content, checksum FROM answers WHERE key IN ({marks})", keys):
            if isinstance(content, str) and checksum == _checksum(key, content):
                found[key] = content
            else:
                self.corrupt += 1
        return found

    def put_many(self, rows: Iterable[tuple[str, str]]) -> None:
        """Store ``(key, answer text)`` rows in one transaction."""
        data = [(key, content, _checksum(key, content)) for key, content in rows]
        if data:
            self._write([("INSERT OR REPLACE INTO answers (key, content, checksum) VALUES (?, ?, ?)", data)])
