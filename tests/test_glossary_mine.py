"""evalkit.glossary_mine and terminology.outlier: renderings learnt from aligned pairs, rare ones flagged.

Every English and Chinese text here is written for these tests.
"""

from __future__ import annotations

import pytest

from evalkit.errors import ConfigError
from evalkit.glossary_mine import load_mined, mine, to_tsv
from tests.checks.util import parse, run_check
from tests.digest_builder import build_digest, make_entry


def entries(n: int, zh_term: str, start: int = 0) -> list:
    """``n`` distinct entries whose one sentence says "sparse probe" and renders it as ``zh_term``."""
    # the words around the term vary, as they do across papers
    contexts = [("reads layer {i} of the network", "读取网络的第{i}层"), ("predicts the label of image {i}", "预测第{i}张图像的标签"),
                ("finds {i} features in the model", "在模型中找到{i}个特征"), ("runs on {i} servers", "在{i}台服务器上运行")]
    specs = []
    for i in range(start + 1, start + n + 1):
        en, zh = contexts[i % len(contexts)]
        specs.append(make_entry(i, abstract_en=f"The sparse probe {en.format(i=i)}.", abstract_zh=f"该{zh_term}{zh.format(i=i)}。"))
    return list(parse(build_digest(specs)).entries)


def test_mine_counts_the_usual_and_the_rare_rendering():
    rows = mine(entries(60, "稀疏探针") + entries(2, "稀少探头", start=60), min_pairs=10)
    mined = {(r.english, r.chinese): r for r in rows if r.english == "sparse probe"}
    usual = mined[("sparse probe", "稀疏探针")]
    assert (usual.count, usual.pairs, usual.status()) == (60, 62, "usual")
    rare = [r for (_, zh), r in mined.items() if "稀少" in zh]
    assert rare and rare[0].status() == "rare" and rare[0].count == 2


def test_a_term_below_min_pairs_is_not_mined():
    assert not [r for r in mine(entries(5, "稀疏探针"), min_pairs=10) if r.english == "sparse probe"]


def test_tsv_round_trip_and_malformed_rows(tmp_path):
    rows = mine(entries(60, "稀疏探针") + entries(2, "稀少探头", start=60), min_pairs=10)
    path = tmp_path / "mined.tsv"
    path.write_text(to_tsv(rows), encoding="utf-8")
    [term] = [t for t in load_mined(path) if t.english == "sparse probe"]
    assert "稀疏探针" in term.usual and any("稀少" in r for r in term.rare)
    bad = tmp_path / "bad.tsv"
    bad.write_text("# c\nsparse probe\t稀疏探针\t3\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"bad\.tsv:2:"):
        load_mined(bad)


def test_outlier_fires_only_when_configured_and_only_without_a_usual_rendering(tmp_path):
    path = tmp_path / "mined.tsv"
    path.write_text(
        "english\tchinese\tcount\tpairs\tshare\tstatus\n"
        "sparse probe\t稀疏探针\t30\t32\t0.938\tusual\n"
        "sparse probe\t稀少探头\t2\t32\t0.062\trare\n",
        encoding="utf-8",
    )
    en = "We train a sparse probe on the hidden states of a small model."
    zh = "我们在一个小模型的隐藏状态上训练了一个稀少探头。"
    digest = build_digest([make_entry(1, abstract_en=en, abstract_zh=zh)])
    from evalkit.checks import CHECKS, load_checks

    load_checks()
    check = CHECKS.get("terminology")({"mined_glossary": str(path)})
    entry = parse(digest).entries[0]
    [f] = [f for f in check.check_entry(entry, parse(digest)) if f.code == "terminology.outlier"]
    s, e = f.evidence.translation_span
    assert zh[s:e] == "稀少探头"
    assert not [f for f in run_check("terminology", digest) if f.code == "terminology.outlier"]  # off by default
    fine = build_digest([make_entry(1, abstract_en=en, abstract_zh=zh.replace("稀少探头", "稀疏探针"))])
    entry = parse(fine).entries[0]
    assert not [f for f in check.check_entry(entry, parse(fine)) if f.code == "terminology.outlier"]
