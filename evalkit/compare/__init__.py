"""``evalkit compare``: two or more translation systems (or versions of a digest) side by side.

- :mod:`.systems`: read a system (digests, a saved report, a triples file) into :class:`~.systems.Unit` records;
- :mod:`.match`: which entry of one system is which entry of another (arXiv id, then ref);
- :mod:`.measures`: every compared measure as per-segment statistics (BLEU/chrF/TER, model scores, checks);
- :mod:`.significance`: sacrebleu's paired bootstrap and approximate randomization tests over them;
- :mod:`.diff`: findings that appear, disappear or persist per entry; win/tie/loss; buckets;
- :mod:`.report`: the ``evalkit.compare/1`` report every output is rendered from;
- :mod:`.markdown`, :mod:`.table`, :mod:`.html`: the outputs.
"""

from __future__ import annotations

from evalkit.lazy_exports import lazy_exports

#: Each name this package exports -> the module that defines it, imported on first use (PEP 562): the
#: CLI reads the defaults of :mod:`.significance` on every start, not the rest of the package.
_EXPORTS = {
    "SCHEMA": "report",
    "CompareSettings": "report",
    "build_compare_report": "report",
    "dumps_compare": "report",
    "TestSettings": "significance",
    "System": "systems",
    "Unit": "systems",
    "load_system": "systems",
}

__all__ = sorted(_EXPORTS)
__getattr__ = lazy_exports(__name__, _EXPORTS)
