"""The compact JSON report (evalkit.report.compact): smaller, the same data, streamed, and read back by every
reader as the canonical report."""

from __future__ import annotations

import json
import shutil
from functools import lru_cache
from pathlib import Path

import pytest
from typer.testing import CliRunner

from evalkit.cli import app
from evalkit.config import Config
from evalkit.errors import InputError
from evalkit.pipeline import score
from evalkit.report import SCHEMA, build_report, dumps_report, iter_report_json
from evalkit.report.compact import COMPACT_SCHEMA, compact_json, dumps_compact, expand_report, iter_compact_json
from evalkit.report.html import load_report
from tests.digest_builder import FIXTURES, build_digest, make_entry
from tests.report.test_html import EXAMPLE, REFERENCES

runner = CliRunner()

# Text that tests the spans where the JSON form and the string differ most: characters outside the BMP
# (one code point, two UTF-16 units), controls and bidi marks json_text escapes, and a CI log command.
ODD_EN = "We test 𝔼𝕩𝕒𝕔𝕥 spans \U0001f600 of odd text. A DEL\x7f and a CSI\x9b stay; ##[error] is no command. It ends here."
ODD_ZH = "我们测试𠀀𠀁字符的\U0001f600跨度。删除符\x7f和\u202e反向标记保留；##[error]不是命令。到此为止。"


def odd_digest() -> str:
    """Two entries, the first with the odd texts above."""
    return build_digest([make_entry(1, abstract_en=ODD_EN, abstract_zh=ODD_ZH), make_entry(2)])


@pytest.fixture
def work(tmp_path, monkeypatch) -> Path:
    """A working directory with the fixture digests, the repository's example digest (it has references,
    so pair scores) and the odd digest under ``digests/``."""
    shutil.copytree(FIXTURES, tmp_path / "digests")
    shutil.copy(EXAMPLE, tmp_path / "digests")
    (tmp_path / "digests" / "20260301T000000Z_0dd0dd00_cs.CL.md").write_text(odd_digest(), encoding="utf-8")
    (tmp_path / ".git").mkdir()  # the configuration search stops here, above it nothing is read
    monkeypatch.chdir(tmp_path)
    return tmp_path


def config() -> Config:
    """Every check, the repository's references (pair scores), few bootstrap samples."""
    return Config(references=REFERENCES, bootstrap=50)


@lru_cache(maxsize=1)
def scored_texts() -> tuple[str, str]:
    """(canonical, compact) text of the fixtures, the example and the odd digest, scored once."""
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        odd = Path(tmp) / "20260301T000000Z_0dd0dd00_cs.CL.md"
        odd.write_text(odd_digest(), encoding="utf-8")
        cfg = config()
        report = build_report(score([str(FIXTURES), EXAMPLE, str(odd)], cfg), cfg)
        return dumps_report(report), dumps_compact(report)


def pairs_of(report: dict) -> list[dict]:
    return [p for i in report["issues"] for e in i["entries"] for p in e["pairs"]]


def invoke(*args: str):
    result = runner.invoke(app, list(args), env={"COLUMNS": "200"})
    assert "Traceback" not in result.output, result.output
    return result


# --- the form -------------------------------------------------------------------------------------


def test_compact_parses_says_so_and_is_smaller():
    canonical, compact = scored_texts()
    data = json.loads(compact)
    assert data["schema"] == COMPACT_SCHEMA == "evalkit.report/1+compact"
    assert list(data) == list(json.loads(canonical))  # the same keys, in the same order
    pairs = pairs_of(data)
    assert pairs and all("en" not in p and "zh" not in p for p in pairs)
    assert all("en_span" in p and "zh_span" in p for p in pairs)
    assert len(compact.encode()) < 0.6 * len(canonical.encode())


def test_no_indentation_and_one_line_per_entry():
    _, compact = scored_texts()
    data = json.loads(compact)
    lines = compact.split("\n")
    assert lines[-1] == "" and all(not line.startswith(" ") for line in lines)
    # the first line: every key before the issues, dumped without any whitespace
    head = {k: v for k, v in data.items() if k not in ("issues", "errors", "skipped")}
    assert lines[0] == compact_json(head)[:-1] + ',"issues":['
    entries = [e for i in data["issues"] for e in i["entries"]]
    # the head, one line per issue, one per entry, one closing each issue with entries, the last line
    with_entries = sum(1 for i in data["issues"] if i["entries"])
    assert len(lines) - 1 == 1 + len(data["issues"]) + len(entries) + with_entries + 1
    entry_lines = [line.removesuffix(",") for line in lines if line.startswith('{"ref":')]
    assert entry_lines == [compact_json(e) for e in entries]


def test_no_raw_control_characters_and_no_ci_commands():
    _, compact = scored_texts()
    assert "\x7f" not in compact and "\x9b" not in compact and "\u202e" not in compact
    assert "##[" not in compact
    assert "\U0001f600" in compact and "𠀀" in compact  # printable text stays as it is


def test_expands_to_exactly_the_canonical_report():
    canonical, compact = scored_texts()
    expanded = expand_report(json.loads(compact), "r.json")
    assert expanded == json.loads(canonical)
    assert dumps_report(expanded) == canonical  # key order too: the very bytes of the canonical report
    odd = [p for p in pairs_of(expanded) if "𝔼𝕩𝕒𝕔𝕥" in p["en"] or "𠀀" in p["zh"]]
    assert len(odd) >= 1  # the odd sentences were aligned and came back from their spans


def test_pairs_without_a_sentence_expand_to_empty_text():
    canonical, compact = scored_texts()
    one_sided = [p for p in pairs_of(json.loads(canonical)) if p["en_span"] is None or p["zh_span"] is None]
    assert one_sided and all(p["en" if p["en_span"] is None else "zh"] == "" for p in one_sided)
    assert pairs_of(expand_report(json.loads(compact), "r.json")) == pairs_of(json.loads(canonical))


def test_a_canonical_report_is_returned_as_it_is():
    canonical, _ = scored_texts()
    data = json.loads(canonical)
    assert expand_report(data, "r.json") is data
    assert expand_report([1, 2], "r.json") == [1, 2]


def test_streaming_yields_the_bytes_of_the_one_shot_dump(digest_dir):
    cfg = config()
    for paths in ([str(FIXTURES), EXAMPLE, str(digest_dir)], [str(FIXTURES / "empty.md")], []):
        run = score(paths, cfg)
        chunks = list(iter_compact_json(run, cfg))
        assert "".join(chunks) == dumps_compact(build_report(run, cfg))
    run = score([str(FIXTURES), EXAMPLE], cfg)
    chunks = list(iter_compact_json(run, cfg))
    entries = sum(len(i.entries) for i in run.issues)
    # written entry by entry: no chunk is more than one entry's line (or the head)
    assert len(chunks) > entries and max(map(len, chunks)) < len("".join(chunks)) / 4


def test_an_empty_run_is_a_valid_compact_report():
    cfg = config()
    text = "".join(iter_compact_json(score([], cfg), cfg))
    assert json.loads(text)["issues"] == [] and text.endswith("}\n") and text.count("\n") == 1
    assert expand_report(json.loads(text), "r.json") == json.loads("".join(iter_report_json(score([], cfg), cfg)))


# --- reading malformed compact reports ------------------------------------------------------------


def write_json(tmp_path: Path, data: object) -> str:
    path = tmp_path / "r.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return str(path)


def compact_data() -> dict:
    return json.loads(scored_texts()[1])


def first_pair(data: dict) -> dict:
    return next(e for i in data["issues"] for e in i["entries"] if e["pairs"])["pairs"][0]


@pytest.mark.parametrize(
    "span, why",
    [([0, 100000], "within"), ([5, 2], "within"), ([-1, 3], "within"), ("0-3", "within"), ([0, True], "within"), ([1], "within")],
)
def test_a_span_that_does_not_fit_its_text_is_an_input_error(tmp_path, span, why):
    data = compact_data()
    first_pair(data)["en_span"] = span
    with pytest.raises(InputError, match=rf"malformed compact report: issues\[\d+\]\.entries\[\d+\]\.pairs\[0\]\.en_span is not a \[start, end\] span {why} text\.abstract_en"):
        load_report(write_json(tmp_path, data))


def test_a_compact_pair_that_carries_its_text_is_refused(tmp_path):
    data = compact_data()
    first_pair(data)["zh"] = "别的文字"
    with pytest.raises(InputError, match="has its 'zh' text"):
        load_report(write_json(tmp_path, data))


def test_shapes_too_broken_to_expand_are_named_by_the_usual_check(tmp_path):
    data = compact_data()
    data["issues"] = {"not": "a list"}
    with pytest.raises(InputError, match="'issues' is not a list"):
        load_report(write_json(tmp_path, data))
    data = compact_data()
    next(i for i in data["issues"] if i["entries"])["entries"][0]["pairs"] = "nope"
    with pytest.raises(InputError, match=r"pairs is not a list of objects"):
        load_report(write_json(tmp_path, data))


def test_the_canonical_check_refuses_an_unexpanded_compact_report():
    from evalkit.report.html import check_report

    with pytest.raises(InputError, match="expected schema 'evalkit.report/1', found schema 'evalkit.report/1\\+compact'"):
        check_report(compact_data(), "r.json")


# --- the command line, and every reader -----------------------------------------------------------


def score_both(work: Path, *paths: str) -> tuple[Path, Path]:
    """``evalkit score PATHS -f json`` to c.json and with ``--compact`` to k.json."""
    common = [*paths, "--no-config", "--references", REFERENCES, "--bootstrap", "50", "-f", "json"]
    assert invoke("score", *common, "-o", "c.json").exit_code == 0
    assert invoke("score", *common, "--compact", "-o", "k.json").exit_code == 0
    return work / "c.json", work / "k.json"


def test_cli_compact_flag_end_to_end(work):
    canonical, compact = score_both(work, "digests")
    text = compact.read_text(encoding="utf-8")
    assert text.startswith('{"schema":"evalkit.report/1+compact","tool":{')
    assert compact.stat().st_size < 0.6 * canonical.stat().st_size
    assert dumps_report(expand_report(json.loads(text), "k.json")) == canonical.read_text(encoding="utf-8")


def test_the_default_output_is_the_canonical_report_unchanged(work):
    canonical, _ = score_both(work, "digests")
    cfg = Config(references=REFERENCES, bootstrap=50)
    expected = dumps_report(build_report(score(["digests"], cfg), cfg))
    assert canonical.read_text(encoding="utf-8") == expected
    assert expected.startswith('{\n  "schema": "evalkit.report/1",\n  "tool": {')
    assert all("en" in p and "zh" in p for p in pairs_of(json.loads(expected)))


def test_compact_to_stdout(work):
    result = invoke("score", "digests/v1_s3.md", "--no-config", "-f", "json", "--compact")
    assert result.exit_code == 0
    assert json.loads(result.stdout)["schema"] == COMPACT_SCHEMA


@pytest.mark.parametrize("fmt", ["table", "markdown", "html"])
def test_compact_with_another_format_is_a_usage_error(work, fmt):
    result = invoke("score", "digests/v1_s3.md", "--no-config", "-f", fmt, "--compact", "-o", "out.x")
    assert result.exit_code == 2
    assert "--compact is a form of the JSON report: use it with --format json, not --format " + fmt in result.stderr
    assert not (work / "out.x").exists()


def test_compact_triples_report_has_the_same_data(work):
    pytest.importorskip("sacrebleu")
    rows = [{"id": "a", "src": "We propose a method.", "mt": "我们提出一种方法。", "ref": "我们提出了一种方法。"},
            {"id": "b", "src": "It works well.", "mt": "它效果很好。", "ref": "该方法效果很好。"}]
    (work / "t.jsonl").write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    plain = invoke("score", "--triples", "t.jsonl", "-f", "json", "--bootstrap", "20")
    small = invoke("score", "--triples", "t.jsonl", "-f", "json", "--bootstrap", "20", "--compact")
    assert plain.exit_code == small.exit_code == 0
    assert json.loads(small.stdout) == json.loads(plain.stdout)
    assert json.loads(small.stdout)["schema"] == "evalkit.triples/1"  # nothing packed: the same schema
    lines = small.stdout.splitlines()
    assert len(lines) == 2 + len(rows) and lines[1].startswith('{"line":1,')


def test_render_gives_the_same_html_and_markdown(work):
    canonical, compact = score_both(work, "digests")
    assert invoke("render", str(canonical), "-o", "c_site").exit_code == 0
    assert invoke("render", str(compact), "-o", "k_site").exit_code == 0
    c_pages = sorted(p.relative_to(work / "c_site") for p in (work / "c_site").rglob("*") if p.is_file())
    k_pages = sorted(p.relative_to(work / "k_site") for p in (work / "k_site").rglob("*") if p.is_file())
    assert c_pages == k_pages and len(c_pages) > 2
    for page in c_pages:
        assert (work / "k_site" / page).read_bytes() == (work / "c_site" / page).read_bytes(), page
    one_c = invoke("render", str(canonical), "--issue", "v1_s3", "-o", "-")
    one_k = invoke("render", str(compact), "--issue", "v1_s3", "-o", "-")
    assert one_c.exit_code == one_k.exit_code == 0 and one_c.stdout == one_k.stdout and "<html" in one_c.stdout
    md_c = invoke("render", str(canonical), "-f", "markdown")
    md_k = invoke("render", str(compact), "-f", "markdown")
    assert md_c.exit_code == 0 and md_c.stdout == md_k.stdout


def test_the_index_reads_it_the_same(work):
    canonical, compact = score_both(work, "digests")
    (work / "a").mkdir()
    (work / "b").mkdir()
    shutil.copy(canonical, work / "a" / "report.json")
    shutil.copy(compact, work / "b" / "report.json")  # the same name: the pages may show it
    assert invoke("report", "a", "-o", "site_a").exit_code == 0
    assert invoke("report", "b", "-o", "site_b").exit_code == 0
    pages = sorted(p.relative_to(work / "site_a") for p in (work / "site_a").rglob("*") if p.is_file())
    assert Path("index.html") in pages
    assert pages == sorted(p.relative_to(work / "site_b") for p in (work / "site_b").rglob("*") if p.is_file())
    for page in pages:
        a = (work / "site_a" / page).read_text(encoding="utf-8")
        b = (work / "site_b" / page).read_text(encoding="utf-8")
        assert a.replace("a/report.json", "b/report.json") == b, page


def test_compare_reads_it_the_same(work):
    from evalkit.compare import load_system

    canonical, compact = score_both(work, "digests")
    cfg = Config(references=REFERENCES, bootstrap=50)
    a = load_system("sys", [str(canonical)], cfg)
    b = load_system("sys", [str(compact)], cfg)
    assert a.kind == b.kind == "report"
    assert a.units == b.units and a.report == b.report and a.input_errors == b.input_errors
    # old.json against new.json, the new one canonical (y/) or compact (z/): the same comparison
    for folder, report in (("x", canonical), ("y", canonical), ("z", compact)):
        (work / folder).mkdir()
        shutil.copy(report, work / folder / ("old.json" if folder == "x" else "new.json"))
    plain = invoke("compare", "x/old.json", "y/new.json", "-f", "json", "--no-config", "--no-references")
    packed = invoke("compare", "x/old.json", "z/new.json", "-f", "json", "--no-config", "--no-references")
    assert plain.exit_code == packed.exit_code == 0, packed.output
    assert json.loads(plain.stdout)["comparisons"][0]["matched"] == len(a.units) > 0
    assert packed.stdout == plain.stdout.replace("y/new.json", "z/new.json")


def test_export_writes_the_same_tables(work):
    pytest.importorskip("pyarrow")
    pytest.importorskip("datasets")
    import pyarrow.parquet as pq

    canonical, compact = score_both(work, "digests")
    assert invoke("export", str(canonical), "-o", "c_data").exit_code == 0
    assert invoke("export", str(compact), "-o", "k_data").exit_code == 0
    for table in ("entries", "pairs", "findings"):
        c = pq.read_table(work / "c_data" / f"{table}.parquet")
        k = pq.read_table(work / "k_data" / f"{table}.parquet")
        assert c.num_rows > 0 and c.equals(k), table
    pairs = pq.read_table(work / "k_data" / "pairs.parquet").to_pylist()
    assert any(p["en"] for p in pairs) and any(p["zh"] for p in pairs)


def test_canonical_schema_constant_is_what_compact_expands_to():
    assert COMPACT_SCHEMA.startswith(SCHEMA) and COMPACT_SCHEMA != SCHEMA
