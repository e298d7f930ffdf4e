"""Expand the paths a user typed into the list of inputs to score.

Files are taken whatever their extension; directories are walked recursively for ``.md`` and
``.txt``; a path that does not exist but contains ``*``, ``?`` or ``[`` is treated as a glob (for
shells that did not expand it); ``-`` is standard input.
"""

from __future__ import annotations

import glob
import os
import stat
from dataclasses import dataclass
from pathlib import Path

from evalkit.errors import os_error_reason
from evalkit.records import InputProblem
from evalkit.text.unencodable import escape_unencodable

DIGEST_SUFFIXES = (".md", ".txt")
#: Paths longer than this (Linux's PATH_MAX) cannot name a file and are shown shortened in messages: a
#: 10 MB line of a ``--paths-from`` list repeated in full would bury every other message.
SHOWN_PATH_LIMIT = 4096


@dataclass(frozen=True)
class Inputs:
    """The inputs to read, in order, and the typed paths that named nothing readable."""

    paths: tuple[str, ...]
    discovered: frozenset[str]  # found by walking a directory: a non-digest there is skipped, not an error
    problems: tuple[InputProblem, ...]


def expand(raw_paths: list[str]) -> Inputs:
    """Resolve ``raw_paths`` into readable inputs, deduplicated, in a stable order.

    Nothing here raises for one bad path: a name the system refuses (too long, a symlink loop, a
    directory without search permission), a name that is not UTF-8, or a directory that cannot be
    listed becomes one :class:`InputProblem` and the other paths are kept.
    """
    ordered: list[str] = []
    discovered: set[str] = set()
    problems: list[InputProblem] = []
    seen: set[str] = set()

    def add(path: str, found: bool = False) -> None:
        key = path if path == "-" else os.path.realpath(path)
        if key not in seen:
            seen.add(key)
            ordered.append(path)
            if found:
                discovered.add(path)

    for raw in raw_paths:
        if raw == "-":
            add(raw)
            continue
        try:
            mode = os.stat(raw).st_mode
        except (FileNotFoundError, NotADirectoryError):
            if any(ch in raw for ch in "*?["):
                matches = sorted(glob.glob(raw, recursive=True))
                files = [m for m in matches if os.path.isfile(m)]
                if not files:
                    problems.append(InputProblem(_shown(raw), "the pattern matches no file"))
                for f in files:
                    add(f)
            else:
                problems.append(InputProblem(_shown(raw), "no such file or directory"))
            continue
        except OSError as exc:
            problems.append(InputProblem(_shown(raw), _stat_reason(exc)))
            continue
        if stat.S_ISDIR(mode):
            files, unreadable = _walk(raw)
            problems.extend(unreadable)
            if not files and not unreadable:
                problems.append(InputProblem(raw, "directory holds no .md or .txt files"))
            for f in files:
                add(f, found=True)
        else:
            add(raw)
    return Inputs(paths=tuple(ordered), discovered=frozenset(discovered), problems=tuple(problems))


def _walk(top: str) -> tuple[list[str], list[InputProblem]]:
    """The digest files under ``top`` (sorted, spelled as pathlib joins them) and the directories that
    could not be listed. Symbolic links to directories are not followed, so a link loop cannot recurse."""
    unreadable: list[InputProblem] = []

    def refused(exc: OSError) -> None:
        where = str(Path(exc.filename)) if exc.filename else top
        unreadable.append(InputProblem(where, f"cannot read directory: {os_error_reason(exc)}"))

    files = []
    for directory, _, names in os.walk(top, onerror=refused):
        for name in names:
            path = Path(directory) / name
            if path.suffix.lower() in DIGEST_SUFFIXES and os.path.isfile(path):
                files.append(str(path))
    return sorted(files), unreadable


def _stat_reason(exc: OSError) -> str:
    reason = os_error_reason(exc)
    return reason if isinstance(exc, PermissionError) else f"cannot read: {reason}"


def _shown(path: str) -> str:
    """``path`` as it can be printed (undecodable bytes as ``\\xNN``), or for an absurdly long one its start
    and its length."""
    path = escape_unencodable(path)
    if len(path) <= SHOWN_PATH_LIMIT:
        return path
    return f"{path[:60]}… ({len(path):,} characters)"
