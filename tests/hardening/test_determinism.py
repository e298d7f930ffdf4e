"""Same input and configuration, same bytes: across runs, processes, hash seeds and job counts."""

from __future__ import annotations

from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from evalkit.config import Config
from evalkit.pipeline import score
from evalkit.report.canonical import build_report, dumps_report
from tests.digest_builder import fixture_text
from tests.hardening.util import run_evalkit
from tests.property.budget import examples
from tests.property.strategies import digest_text, skeleton

FIXTURES = ("v1_s1.md", "v1_s2.md", "v1_s3.md", "v0.md", "hazards.md", "mixed.md")
CONFIG = Config(use_references=False, bootstrap=0)


def _write_inputs(directory: Path, texts: list[str]) -> list[str]:
    directory.mkdir(parents=True, exist_ok=True)
    paths = []
    for k, text in enumerate(texts):
        path = directory / f"2024010{k % 10}T000000Z_abcdef{k:02d}_cs.CL.md"
        path.write_bytes(text.encode("utf-8"))
        paths.append(str(path))
    return paths


@examples(3)
@given(st.lists(st.one_of(skeleton(max_entries=3), digest_text()), min_size=4, max_size=6))
def test_one_process_and_two_give_the_same_report(tmp_path_factory, texts):
    paths = _write_inputs(tmp_path_factory.mktemp("inputs"), texts)
    serial = dumps_report(build_report(score(paths, CONFIG, jobs=1), CONFIG))
    parallel = dumps_report(build_report(score(paths, CONFIG, jobs=2), CONFIG))
    assert serial == parallel


def test_the_command_line_gives_the_same_bytes_whatever_the_hash_seed_and_job_count(tmp_path):
    (tmp_path / ".git").mkdir()
    texts = [fixture_text(name) for name in FIXTURES]
    texts.append(fixture_text("hazards.md").replace("我们", "我们\u202e\u200b", 3))  # bidi and zero-width marks
    _write_inputs(tmp_path / "in", texts)
    outputs = []
    for seed, jobs in (("0", "1"), ("random", "2")):
        proc = run_evalkit(["score", "in", "--format", "json", "--no-references", "-j", jobs], tmp_path, PYTHONHASHSEED=seed)
        assert proc.returncode == 0, proc.stderr
        outputs.append(proc.stdout)
    assert outputs[0] == outputs[1]


def test_markdown_and_table_are_stable_across_hash_seeds(tmp_path):
    (tmp_path / ".git").mkdir()
    _write_inputs(tmp_path / "in", [fixture_text(name) for name in FIXTURES])
    for fmt in ("markdown", "table"):
        runs = [
            run_evalkit(["score", "in", "--format", fmt, "--no-references", "-j1", "--no-align"], tmp_path, PYTHONHASHSEED=s, COLUMNS="120")
            for s in ("1", "2")
        ]
        assert runs[0].returncode == runs[1].returncode == 0
        assert runs[0].stdout == runs[1].stdout, fmt
