"""Expand the paths a user typed into the list of inputs to score.

Files are taken whatever their extension; directories are walked recursively for ``.md`` and
``.txt``; a path that does not exist but contains ``*``, ``?`` or ``[`` is treated as a glob (for
shells that did not expand it); ``-`` is standard input.
"""

from __future__ import annotations

import glob
from dataclasses import dataclass
from pathlib import Path

from evalkit.records import InputProblem

DIGEST_SUFFIXES = (".md", ".txt")


@dataclass(frozen=True)
class Inputs:
    """The inputs to read, in order, and the typed paths that named nothing readable."""

    paths: tuple[str, ...]
    discovered: frozenset[str]  # found by walking a directory: a non-digest there is skipped, not an error
    problems: tuple[InputProblem, ...]


def expand(raw_paths: list[str]) -> Inputs:
    """Resolve ``raw_paths`` into readable inputs, deduplicated, in a stable order."""
    ordered: list[str] = []
    discovered: set[str] = set()
    problems: list[InputProblem] = []
    seen: set[str] = set()

    def add(path: str, found: bool = False) -> None:
        key = path if path == "-" else str(Path(path).resolve())
        if key not in seen:
            seen.add(key)
            ordered.append(path)
            if found:
                discovered.add(path)

    for raw in raw_paths:
        path = Path(raw)
        if raw == "-":
            add(raw)
        elif path.is_dir():
            files = sorted(
                str(p) for p in path.rglob("*") if p.suffix.lower() in DIGEST_SUFFIXES and p.is_file()
            )
            if not files:
                problems.append(InputProblem(raw, "directory holds no .md or .txt files"))
            for f in files:
                add(f, found=True)
        elif path.exists():
            add(raw)
        elif any(ch in raw for ch in "*?["):
            matches = sorted(glob.glob(raw, recursive=True))
            files = [m for m in matches if Path(m).is_file()]
            if not files:
                problems.append(InputProblem(raw, "the pattern matches no file"))
            for f in files:
                add(f)
        else:
            problems.append(InputProblem(raw, "no such file or directory"))
    return Inputs(paths=tuple(ordered), discovered=frozenset(discovered), problems=tuple(problems))
