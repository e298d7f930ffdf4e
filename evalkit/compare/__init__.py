"""``evalkit compare``: two or more translation systems (or versions of a digest) side by side.

- :mod:`.systems`: read a system (digests, a saved report, a triples file) into :class:`~.systems.Unit` records;
- :mod:`.match`: which entry of one system is which entry of another (arXiv id, then ref);
- :mod:`.measures`: every compared measure as per-segment statistics (BLEU/chrF/TER, model scores, checks);
- :mod:`.significance`: sacrebleu's paired bootstrap and approximate randomization tests over them;
- :mod:`.diff`: findings that appear, disappear or persist per entry; win/tie/loss; buckets;
- :mod:`.report`: the ``evalkit.compare/1`` report every output is rendered from;
- :mod:`.markdown`, :mod:`.table`, :mod:`.html`: the outputs.
"""

from evalkit.compare.report import SCHEMA, CompareSettings, build_compare_report, dumps_compare
from evalkit.compare.significance import TestSettings
from evalkit.compare.systems import System, Unit, load_system

__all__ = ["SCHEMA", "CompareSettings", "System", "TestSettings", "Unit", "build_compare_report", "dumps_compare", "load_system"]
