"""Which unit of one system is which unit of another: entries are matched by arXiv id.

A paper appears once per issue as a rule, but a directory of digests (or one digest with a duplicated
entry) can hold the same id several times. Then the occurrences are matched within digests of the same file
name and ``ref`` first (two versions of one issue), then by ``ref`` alone, and whatever is left in the
order the units were read. Units
without an id are matched by ``ref``. What finds no partner is listed as unmatched, never dropped silently.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from pathlib import PurePath
from evalkit.compare.systems import System, Unit


@dataclass(frozen=True)
class Matched:
    """Units of two systems that are the same entry; ``key`` is how reports name the pair."""

    key: str
    a: Unit
    b: Unit


@dataclass(frozen=True)
class Matching:
    """The matched units of two systems, in the baseline's order, and each side's unmatched units."""

    pairs: tuple[Matched, ...]
    only_a: tuple[Unit, ...]
    only_b: tuple[Unit, ...]


def _identity(unit: Unit) -> str:
    return unit.arxiv_id if unit.arxiv_id else f"ref {unit.ref}"


def match_units(a: System, b: System) -> Matching:
    """Match the units of ``a`` (the baseline) and ``b`` by arXiv id, then ref, as the module says."""
    groups_b: dict[str, list[tuple[int, Unit]]] = defaultdict(list)
    for k, unit in enumerate(b.units):
        groups_b[_identity(unit)].append((k, unit))
    counts_a: dict[str, int] = defaultdict(int)
    for unit in a.units:
        counts_a[_identity(unit)] += 1
    taken: set[int] = set()
    partner: dict[int, int] = {}
    # passes: same id, digest file name and ref; same id and ref; same id, in reading order
    passes = (
        lambda u, o: o.ref == u.ref and PurePath(o.path).name == PurePath(u.path).name,
        lambda u, o: o.ref == u.ref,
        lambda u, o: True,
    )
    for fits in passes:
        for i, unit in enumerate(a.units):
            if i in partner:
                continue
            for k, other in groups_b.get(_identity(unit), []):
                if k in taken or not fits(unit, other):
                    continue
                partner[i] = k
                taken.add(k)
                break
    pairs: list[Matched] = []
    used: set[str] = set()
    for i, unit in enumerate(a.units):
        if i not in partner:
            continue
        other = b.units[partner[i]]
        ident = _identity(unit)
        repeated = counts_a[ident] > 1 or len(groups_b.get(ident, ())) > 1
        key = f"{ident}#{unit.ref}" if repeated and unit.ref is not None else ident
        pairs.append(Matched(_unique(key, used), unit, other))
    only_a = tuple(u for i, u in enumerate(a.units) if i not in partner)
    only_b = tuple(u for k, u in enumerate(b.units) if k not in taken)
    return Matching(tuple(pairs), only_a, only_b)


def _unique(key: str, used: set[str]) -> str:
    """``key``, or ``key@2``, ``key@3``... when an earlier pair already has it (same id and ref twice);
    the key returned is added to ``used``."""
    out, n = key, 2
    while out in used:
        out, n = f"{key}@{n}", n + 1
    used.add(out)
    return out
