"""Two versions of one digest with known changes, for the comparison page's tests.

The baseline has :data:`ENTRIES` entries; the system is the same digest with, and only with:

- entry 2: ``3%`` became ``30%`` and a ``公告类型：新。`` leak was added (→ ``numbers.magnitude`` and
  ``leak.metadata`` appear there);
- entry 3: one sentence dropped (→ ``coverage.omission`` appears);
- entry 5: the baseline's leak is gone from the system (→ ``leak.metadata`` disappears);
- entries 10–21: a leak added to each, so that the leak measure differs significantly;
- entry 4's English title is hostile markup in both versions; entry 24 only in the baseline and entry
  25 only in the system (unmatched on both sides).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tests.digest_builder import EntrySpec, build_digest, make_entry

ENTRIES = 24
LEAK = "公告类型：新。"
HOSTILE_TITLE_EN = "</script><img src=x onerror=alert(1)> A Hostile Title <!-- c -->"
NUMBER_EN = (
    "Large language models are costly to adapt to new domains. We study parameter-efficient tuning with sparse adapters "
    "inserted into a frozen backbone. Only 3% of the parameters are trained. On five benchmarks the adapters match full "
    "fine-tuning while using ten times less memory. We release our code."
)
NUMBER_ZH = (
    "大型语言模型适配新领域的成本很高。我们研究在冻结主干中插入稀疏适配器的参数高效微调方法。只有3%的参数需要训练。"
    "在五个基准上，适配器达到了全量微调的效果，同时内存占用减少为十分之一。我们发布了代码。"
)
DROP_EN = (
    "Evaluating summarization remains difficult. We collect human judgments for summaries from six systems. "
    "We find that existing metrics disagree with annotators on long documents. We propose a new metric that correlates better with humans."
)
DROP_ZH = "摘要评估仍然困难。我们为六个系统生成的摘要收集了人工评判。我们发现现有指标在长文档上与标注者的判断不一致。我们提出了一种与人工评判相关性更高的新指标。"
DROPPED = "我们发现现有指标在长文档上与标注者的判断不一致。"
#: arXiv ids of the entries with injected changes, and the codes that must appear or disappear there.
NUMBER_ID, DROP_ID, FIXED_ID = "2401.10002", "2401.10003", "2401.10005"
APPEARED = {NUMBER_ID: {"numbers.magnitude", "leak.metadata"}, DROP_ID: {"coverage.omission"}}
DISAPPEARED = {FIXED_ID: {"leak.metadata"}}
SUMMARY_WORDS = "甲乙丙丁戊己庚辛壬癸子丑寅卯辰巳午未申酉戌亥天地"


def _entry(n: int) -> EntrySpec:
    # summaries must differ (a shared summary is a summary.other-entry finding) and hold no numbers
    summary = f"本文（{SUMMARY_WORDS[n % len(SUMMARY_WORDS)]}）提出一种检索增强的翻译方法，提升了低资源翻译质量。"
    entry = make_entry(n, summary_zh=summary)
    if n == 2:
        return entry.but(abstract_en=NUMBER_EN, abstract_zh=NUMBER_ZH)
    if n == 3:
        return entry.but(abstract_en=DROP_EN, abstract_zh=DROP_ZH)
    if n == 4:
        return entry.but(title_en=HOSTILE_TITLE_EN)
    if n == 5:
        return entry.but(abstract_zh=entry.abstract_zh + LEAK)
    return entry


def baseline_entries() -> list[EntrySpec]:
    """The baseline version's entries."""
    return [_entry(n) for n in range(1, ENTRIES + 1)]


def system_entries() -> list[EntrySpec]:
    """The system version: the baseline with the module's changes."""
    out = []
    for n in range(1, ENTRIES + 2):
        e = _entry(n)
        if n == 2:
            e = e.but(abstract_zh=NUMBER_ZH.replace("3%", "30%") + LEAK)
        elif n == 3:
            e = e.but(abstract_zh=DROP_ZH.replace(DROPPED, ""))
        elif n == 5:
            e = e.but(abstract_zh=make_entry(5).abstract_zh)
        elif 10 <= n <= 21:
            e = e.but(abstract_zh=e.abstract_zh + LEAK)
        if n != ENTRIES:
            out.append(e)
    return out


def write_versions(folder: Path) -> tuple[Path, Path]:
    """Write ``a.md`` (baseline) and ``b.md`` (system) into ``folder``."""
    a, b = folder / "a.md", folder / "b.md"
    a.write_text(build_digest(baseline_entries()), encoding="utf-8")
    b.write_text(build_digest(system_entries()), encoding="utf-8")
    return a, b


def run_compare(args: list[str]) -> Any:
    """``evalkit compare ARGS`` through typer's CliRunner; the result (exit code, output)."""
    from typer.testing import CliRunner

    from evalkit.cli import app

    return CliRunner().invoke(app, ["compare", *args])
