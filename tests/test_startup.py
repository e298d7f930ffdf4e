"""A small run stays small: ``evalkit gate`` on a clean digest imports none of the heavy libraries that only
some inputs or options need (each costs 20-200 ms of a start that should take well under half a second).

The cached tables (the lexicon, the short Chinese numerals) are built by a first run in a fresh cache
directory; the second run is the one a pre-commit hook sees every time.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "20260820T091500Z_0a1b2c3d_cs.CL.md"

#: Imported only by what needs them: mojibake (ftfy), long Chinese numerals (cn2an), references (sacrebleu),
#: a configured LLM judge (httpx), a COMET model (torch, comet), exports (pandas, datasets), compare.
HEAVY = ("ftfy", "cn2an", "sacrebleu", "httpx", "torch", "comet", "pandas", "datasets", "numpy", "evalkit.compare.report", "evalkit.judges.llm.run")

_PROBE = """
import json, runpy, sys
sys.argv = ["evalkit", "gate", sys.argv[1], "--no-config", "--no-references", "-q"]
try:
    runpy.run_module("evalkit", run_name="__main__")
except SystemExit:
    pass
print(json.dumps(sorted(m for m in sys.modules if m.split(".")[0] in {"evalkit", "ftfy", "cn2an", "sacrebleu", "httpx", "torch", "comet", "pandas", "datasets", "numpy"})), file=sys.stderr)
"""


def test_a_gate_run_on_a_clean_digest_imports_no_heavy_library(tmp_path):
    env = {"EVALKIT_CACHE_DIR": str(tmp_path / "cache"), "PATH": "/usr/bin:/bin", "HOME": str(tmp_path)}
    argv = [sys.executable, "-c", _PROBE, str(EXAMPLE)]
    subprocess.run(argv, env=env, cwd=tmp_path, capture_output=True, check=True)  # fills the caches
    warm = subprocess.run(argv, env=env, cwd=tmp_path, capture_output=True, text=True, check=True)
    imported = set(json.loads(warm.stderr.strip().splitlines()[-1]))
    assert "evalkit.gate.run" in imported  # the probe saw the run
    assert sorted(m for m in HEAVY if m in imported) == []


_SCORER_PROBE = """
import sys
from evalkit.config import Config
from evalkit.metrics.apply import ReferenceScorer
scorer = ReferenceScorer.from_config(Config())
before = "sacrebleu" in sys.modules
scores = scorer.score_segments(["我们提出一种新方法。"], [["我们提出了一种新的方法。"]])
print(before, "sacrebleu" in sys.modules, sorted(scores.system))
"""


def test_the_reference_scorer_imports_sacrebleu_only_when_it_scores(tmp_path):
    # A run with a references directory makes its scorer up front (in the parent, before workers fork),
    # but only an entry that has references needs sacrebleu.
    out = subprocess.run([sys.executable, "-c", _SCORER_PROBE], cwd=tmp_path, capture_output=True, text=True, check=True)
    before, after, metrics = out.stdout.split(" ", 2)
    assert (before, after) == ("False", "True")
    assert "bleu" in metrics
