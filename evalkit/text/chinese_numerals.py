"""cn2an's readings of every short Chinese numeral, kept in a table so that a run never imports cn2an
for them.

Importing cn2an and compiling its patterns costs about 0.2 s, more than a whole small run, while the
numerals of real abstracts are short (``三``, ``两``, ``十二``, ``二点五``). The table holds cn2an's own
answer (its value, or ``None`` where it refuses) for every string of up to :data:`TABLE_LENGTH`
characters over :data:`ALPHABET`, so a lookup gives exactly what cn2an would; longer numerals and
strings with other characters still go to cn2an. The table is built once per machine with cn2an and
kept by :mod:`evalkit.derived_cache`, keyed by :data:`TABLE_VERSION` and cn2an's installed source.
"""

from __future__ import annotations

from functools import lru_cache
from itertools import product
from pathlib import Path

__all__ = ["ALPHABET", "TABLE_LENGTH", "TABLE_VERSION", "cn2an_reading", "short_numerals"]

#: Every character the numeral patterns of :mod:`evalkit.text.numbers` pass to cn2an.
ALPHABET = "零〇一二两三四五六七八九十百千万亿点"
#: Strings up to this long are in the table (18 + 18² + 18³ = 6,174 of them).
TABLE_LENGTH = 3
#: Bump when the table's contents or layout change.
TABLE_VERSION = "1"


def cn2an_reading(numeral: str) -> float | int | None:
    """cn2an's value of ``numeral`` in its "normal" mode, or ``None`` where cn2an refuses it."""
    import cn2an  # ~0.2 s to import with its patterns: only to build the table or read a long numeral

    try:
        return cn2an.cn2an(numeral, "normal")
    except (ValueError, KeyError, IndexError, TypeError):  # cn2an's refusal of a string it cannot read
        return None


@lru_cache(maxsize=1)
def short_numerals() -> dict[str, float | int | None]:
    """The process-wide table: every string of up to :data:`TABLE_LENGTH` characters of :data:`ALPHABET`
    -> :func:`cn2an_reading` of it."""
    from importlib.util import find_spec

    from evalkit.derived_cache import load_or_build, sha256_of

    spec = find_spec("cn2an")
    source = Path(spec.origin).parent if spec is not None and spec.origin else None
    # cn2an's own modules, by path, size and modification time: a new cn2an gives a new table.
    stamp = (
        "\0".join(f"{p.name}:{p.stat().st_size}:{p.stat().st_mtime_ns}" for p in sorted(source.glob("*.py")))
        if source is not None
        else "no cn2an"
    )
    return load_or_build("cn2an-short", sha256_of(TABLE_VERSION, str(source), stamp), build_table)


def build_table() -> dict[str, float | int | None]:
    """Ask cn2an about every short string (what :func:`short_numerals` caches)."""
    return {
        "".join(chars): cn2an_reading("".join(chars))
        for size in range(1, TABLE_LENGTH + 1)
        for chars in product(ALPHABET, repeat=size)
    }
