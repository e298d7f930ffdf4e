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
