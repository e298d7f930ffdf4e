"""``language``: the Chinese fields are written in another language, script or character set.

* ``language.wrong`` — the text is Japanese (a large share of kana beside the kanji), Korean
  (Hangul), Russian or another non-Han script, or the Chinese abstract has no Chinese at all
  (docs/format.md §12 counts 15 real entries: English left as is, another Latin-script language, or
  nothing but the arXiv ID). The share of the foreign script among the letters decides, not its
  presence: a Chinese abstract may quote a Japanese or Korean name.
* ``language.traditional`` — the text is Traditional rather than Simplified Chinese. The digest is
  Simplified; Traditional is readable, so this is a warning. Detected with a small table of
  frequent characters that have distinct traditional and simplified forms: a text whose characters
  from that table are mostly traditional is Traditional Chinese.
"""

from __future__ import annotations

import re
from typing import Iterable, Iterator

from evalkit.checks.base import Check, CodeSpec, register_check
from evalkit.records import CHINESE_FIELDS, FIELD_LABELS, Entry, Evidence, Finding, Issue, Severity
from evalkit.text.chars import clip

#: Fields checked, with the words used in messages.
FIELDS = {field: FIELD_LABELS[field] for field in CHINESE_FIELDS}

HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
#: Scripts that do not belong in a Chinese translation, by the language they suggest. Greek is not
#: here: its letters are maths in these papers.
SCRIPTS = {
    "Japanese": re.compile(r"[\u3041-\u3096\u30a1-\u30fa]"),  # hiragana and katakana letters, no marks
    "Korean": re.compile(r"[\uac00-\ud7af\u1100-\u11ff\u3131-\u318e]"),
    "Cyrillic-script": re.compile(r"[\u0400-\u04ff]"),
    "Arabic-script": re.compile(r"[\u0600-\u06ff]"),
    "Hebrew": re.compile(r"[\u0590-\u05ff]"),
    "Devanagari-script": re.compile(r"[\u0900-\u097f]"),
    "Thai": re.compile(r"[\u0e00-\u0e7f]"),
}
#: Any of those letters: one search decides whether the per-script counting is needed at all.
ANY_FOREIGN = re.compile("|".join(p.pattern for p in SCRIPTS.values()))
#: Fewest letters of a foreign script before its share is looked at (a quoted name is shorter).
MIN_FOREIGN = 5
#: Share of foreign letters among foreign + Han letters from which the text is in that language.
#: Japanese text is typically 30-60% kana; kanji-heavy scientific Japanese still exceeds 15%.
MIN_SHARE = {"Japanese": 0.15}
DEFAULT_MIN_SHARE = 0.3

#: Latin words and English function words, to describe an abstract with no Chinese.
WORD = re.compile(r"[A-Za-z]+")
ENGLISH_WORDS = frozenset("the of and to in for with that is are we this on by from as be our which".split())
#: Fewest words of English source for "no Chinese" to mean a failed translation rather than an
#: English "abstract" that is itself only an ID or a formula.
MIN_SOURCE_WORDS = 5

#: Frequent characters with distinct forms, as traditional-simplified pairs. Only characters whose
#: traditional form is not also in everyday simplified use are listed (no 后/後-style ambiguity
#: on the simplified side matters: the share below tolerates it).
PAIRS = """
這这 們们 對对 說说 個个 時时 會会 來来 與与 為为 學学 發发 體体 關关 實实 點点 於于 經经 過过 從从
還还 後后 進进 現现 樣样 種种 據据 應应 問问 題题 機机 資资 訊讯 網网 絡络 數数 統统 計计 處处 間间
動动 變变 開开 區区 長长 準准 確确 類类 態态 構构 設设 結结 驗验 證证 際际 條条 級级 論论 義义 並并
無无 習习 練练 優优 勢势 標标 達达 選选 擇择 顯显 號号 連连 續续 線线 圖图 視视 覺觉 語语 詞词 聲声
頻频 層层 維维 雜杂 議议 產产 業业 務务 環环 場场 圍围 導导 車车 駕驾 醫医 療疗 藥药 電电 腦脑 軟软
雲云 儲储 記记 憶忆 錄录 讀读 寫写 書书 頁页 國国 該该 將将 當当 兩两 認认 識识 評评 測测 試试 規规
劃划 則则 參参 預预 訓训 決决 輸输 範范 異异 質质 損损 較较 庫库 覽览 觀观 響响 嚴严 廣广 鍵键 節节
邊边 濾滤 錯错 誤误 隨随 遞递 歸归 協协 調调 適适 擴扩 總总 討讨 報报 傳传 檢检 術术 專专 門门 億亿
萬万 約约 簡简 單单 雙双 積积 純纯 淨净 備备 細细 頭头 員员 給给 東东 們们 讓让 觸触 獲获
""".split()
TRADITIONAL_CHARS = "".join(sorted({pair[0] for pair in PAIRS if pair[0] != pair[1]}))
SIMPLIFIED_CHARS = "".join(sorted({pair[1] for pair in PAIRS if pair[0] != pair[1]}))
TRADITIONAL = re.compile(f"[{TRADITIONAL_CHARS}]")
SIMPLIFIED = re.compile(f"[{SIMPLIFIED_CHARS}]")
#: Fewest traditional characters before a field is judged, and their share among the table's
#: characters from which it is Traditional Chinese. A simplified text may hold a stray 於 or 後.
MIN_TRADITIONAL = 3
MIN_TRADITIONAL_SHARE = 0.6


@register_check
class Language(Check):
    """Chinese fields in another language or script, or in Traditional characters."""

    name = "language"
    codes = (
        CodeSpec("language.wrong", Severity.ERROR, "a Chinese field is in another language or script (Japanese, Korean, Cyrillic, no Chinese at all)"),
        CodeSpec("language.traditional", Severity.WARNING, "a Chinese field is in Traditional rather than Simplified characters"),
    )

    def check_entry(self, entry: Entry, issue: Issue) -> Iterable[Finding]:
        """One finding per Chinese field: the wrong language, else Traditional characters."""
        for field, label in FIELDS.items():
            text = getattr(entry, field)
            if not text.strip():
                continue  # empty fields are structure.empty-field / translation.empty
            wrong = _foreign_script(text)
            if wrong is None and field == "abstract_zh":
                wrong = _no_chinese(text, entry.abstract_en)
            if wrong:
                yield self.finding(
                    "language.wrong",
                    f"[^{entry.ref}]: the {label} {wrong}: '{clip(text)}'",
                    line=entry.line_of(field),
                    entry=entry,
                    evidence=Evidence(field=field, translation=text, translation_span=(0, len(text))),
                )
                continue
            yield from self._traditional(entry, field, label, text)

    def _traditional(self, entry: Entry, field: str, label: str, text: str) -> Iterator[Finding]:
        first = TRADITIONAL.search(text)
        if first is None:
            return
        traditional = len(TRADITIONAL.findall(text))
        simplified = len(SIMPLIFIED.findall(text))
        if traditional < MIN_TRADITIONAL or traditional / (traditional + simplified) < MIN_TRADITIONAL_SHARE:
            return
        start = max(0, first.start() - 10)
        stretch = text[start : first.end() + 20]
        yield self.finding(
            "language.traditional",
            f"[^{entry.ref}]: the {label} is in Traditional Chinese ({traditional} traditional and "
            f"{simplified} simplified forms of common characters): '{clip(stretch)}'",
            line=entry.line_of(field),
            entry=entry,
            evidence=Evidence(field=field, translation=stretch, translation_span=(start, start + len(stretch))),
        )


def _foreign_script(text: str) -> str | None:
    """``"is in Korean (...)"`` when a foreign script makes up enough of the letters, else None."""
    if not ANY_FOREIGN.search(text):
        return None
    han = len(HAN.findall(text))
    for language, pattern in SCRIPTS.items():
        foreign = len(pattern.findall(text))
        if foreign < MIN_FOREIGN:
            continue
        share = foreign / (foreign + han)
        if share >= MIN_SHARE.get(language, DEFAULT_MIN_SHARE):
            return f"is in {language} ({foreign} {language} letters against {han} Chinese characters)"
    return None


def _no_chinese(text: str, source: str) -> str | None:
    """A description when the abstract holds no Chinese although the English is prose, else None."""
    if HAN.search(text) or len(WORD.findall(source)) < MIN_SOURCE_WORDS:
        return None
    words = [w.lower() for w in WORD.findall(text)]
    english = sum(1 for w in words if w in ENGLISH_WORDS)
    if len(words) >= MIN_SOURCE_WORDS and english / len(words) >= 0.1:
        return "has no Chinese: it is left in English"
    if len(words) >= MIN_SOURCE_WORDS:
        return "has no Chinese: it is in another Latin-script language"
    return "has no Chinese at all"
