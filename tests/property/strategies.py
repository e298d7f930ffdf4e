"""Hypothesis strategies for hostile digests: valid skeletons with mutated fields, broken structure, raw text.

Digests are generated structurally from :mod:`tests.digest_builder` (so most examples get past the
header and exercise the entry parser and the checks) and then damaged line by line; raw random text,
with or without the ``# 摘要`` header, covers the rest.
"""

from __future__ import annotations

from hypothesis import strategies as st

from tests.digest_builder import EntrySpec, build_digest, cut, make_entry, s1_title, s3_abstract

#: Characters and snippets that have broken (or could break) a text tool: control characters, line and
#: paragraph separators other than "\n", bidi controls, zero-width and combining marks, astral-plane
#: characters, Markdown/TeX syntax, the digest grammar's own markers, and the strings the checks key on.
SPECIALS = (
    # control characters and separators that str.splitlines() splits on but str.split("\n") does not
    "\x00", "\x01", "\x08", "\x1b[31m", "\x7f", "\x85", "\u2028", "\u2029", "\r", "\t", "\x0b", "\x0c", "\x1c",
    # bidi, zero-width, BOM, replacement character, combining marks, emoji, CJK extension B, fullwidth
    "\u200e", "\u200f", "\u202a", "\u202b", "\u202d", "\u202e", "\u2066", "\u2067", "\u2069", "\u200b", "\u200d",
    "\ufeff", "\ufffd", "e\u0301", "\u0301\u0301\u0301", "\U0001f600", "\U0001f468\u200d\U0001f4bb", "\U00020000",
    "\ufb01", "\uff21", "\u3000", "\xa0", "\U000e0001",
    # Markdown, HTML, TeX and the digest grammar
    "[", "]", "(", ")", "|", " | ", "[^1]", "[^2]: ", "[^999999999999999999999]", "](https://arxiv.org/abs/2401.00001)",
    "# 摘要", "# 详细", "    ", "$", "$$", "\\", "\\textit{", "{", "}", "*", "_", "`", "```", "<script>alert(1)</script>",
    "&amp;", "-->", "<!--", "%s", "{0}", "\\u0000",
    # what the checks look for
    "。", "！", "？", "；", "，", "、", "：", "...", "…", "……", "（原文截断）", "（摘要截断）",
    "Announce Type: new", "公告类型：新", "摘要：", "arXiv:2401.00001v1", "1，183", "3.5万", "2亿", "10 million",
    "1,000", "0.5%", "−3", "1e-9", "LLMs（大型语言模型）", "LLM", "BERT", "e.g.", "et al.", "Fig. 3", "U.S.", "i.e.",
    "è‡ªç„¶", "é\x8d\x8d", "锟斤拷", "鍩轰簬",
)
WORDS = (
    "我们", "提出", "模型", "翻译", "神经网络", "方法", "实验", "结果", "语言", "数据", "本文",
    "We", "propose", "a", "model", "translation", "neural", "network", "results", "show", "the", "data",
)

_CHAR = st.characters(exclude_categories=("Cs",))  # lone surrogates cannot come out of UTF-8 decoding
_PIECE = st.one_of(st.sampled_from(SPECIALS), st.sampled_from(WORDS), _CHAR, st.text(_CHAR, max_size=4))


def hostile_text(max_pieces: int = 30) -> st.SearchStrategy[str]:
    """Text made of :data:`SPECIALS`, words and arbitrary characters (newlines possible)."""
    return st.lists(_PIECE, max_size=max_pieces).map("".join)


def hostile_line(max_pieces: int = 30) -> st.SearchStrategy[str]:
    """:func:`hostile_text` without "\\n": one line of a field."""
    return hostile_text(max_pieces).map(lambda s: s.replace("\n", " "))


FIELDS = ("title_zh", "title_en", "link", "summary_zh", "summary_en", "abstract_zh", "abstract_en")


@st.composite
def field_value(draw, original: str) -> str:
    """A replacement for one field: hostile, empty, spliced into the original, repeated, or deeply nested."""
    kind = draw(st.sampled_from(["hostile", "empty", "splice", "repeat", "nested", "keep", "keep"]))
    if kind == "hostile":
        return draw(hostile_line())
    if kind == "empty":
        return draw(st.sampled_from(["", " ", "\t", "\u3000"]))
    if kind == "splice":
        at = draw(st.integers(0, len(original)))
        return original[:at] + draw(hostile_line(8)) + original[at:]
    if kind == "repeat":
        return (original + " ") * draw(st.integers(2, 30))
    if kind == "nested":
        depth = draw(st.integers(1, 300))
        opener, closer = draw(st.sampled_from([("(", ")"), ("[", "]"), ("{", "}"), ("$", "$"), ("\\frac{", "}"), ("（", "）")]))
        balanced = draw(st.booleans())
        return original[:40] + opener * depth + "x" + (closer * depth if balanced else "")
    return original


@st.composite
def entry_spec(draw, n: int) -> EntrySpec:
    """A plausible entry of any style/layout whose fields may each be damaged."""
    base = make_entry(n)
    arxiv_id = base.link.rsplit("/", 1)[1]
    style = draw(st.sampled_from(["S1", "S2", "S3"]))
    if style == "S1":
        base = base.but(
            title_en=s1_title(base.title_en + ".", arxiv_id, 1, "cs.CL", draw(st.sampled_from(["", "UPDATED"]))),
            link=f"http://arxiv.org/abs/{arxiv_id}",
        )
    elif style == "S3":
        base = base.but(abstract_en=s3_abstract(arxiv_id, 2, draw(st.sampled_from(["new", "cross", "replace"])), base.abstract_en))
    if draw(st.booleans()):  # the generator's 1,000-character cut
        base = base.but(abstract_en=cut((base.abstract_en + " ") * 4))
    if draw(st.integers(0, 9)) == 0:
        base = base.but(layout="v0", summary_zh="")
    changes = {}
    for name in draw(st.lists(st.sampled_from(FIELDS), max_size=4, unique=True)):
        changes[name] = draw(field_value(getattr(base, name)))
    return base.but(**changes)


@st.composite
def skeleton(draw, max_entries: int = 4) -> str:
    """A digest built by the generator's rules from :func:`entry_spec` entries (fields may hold anything)."""
    count = draw(st.integers(0, max_entries))
    specs = [draw(entry_spec(n)) for n in range(1, count + 1)]
    refs = None
    if specs and draw(st.integers(0, 4)) == 0:  # duplicated, missing or huge reference numbers
        refs = draw(st.lists(st.integers(0, 10**20), min_size=len(specs), max_size=len(specs)))
    return build_digest(specs, sort=draw(st.booleans()), refs=refs)


#: Pieces of the grammar for tiny, oddly assembled files ("# 摘要" alone, a header then an entry head, ...).
FRAGMENTS = (
    "# 摘要", "\n", "\n\n", "# 详细", "| Ref | Title | Summary |", "| --- | --- | --- |", "| [^1] | [t](https://arxiv.org/abs/2401.00001) | s |",
    "[^1]: 标题", "[^1]:", "    ", "    text", "    [https://arxiv.org/abs/2401.00001](https://arxiv.org/abs/2401.00001)", " ", "\ufeff",
)

MUTATIONS = ("delete", "duplicate", "insert", "replace", "swap", "truncate", "strip", "join", "crlf", "repeat-block")


@st.composite
def mutated(draw, text: str) -> str:
    """``text`` after a few line-level mutations (each keeps the result a str; bytes come later)."""
    lines = text.split("\n")
    for op in draw(st.lists(st.sampled_from(MUTATIONS), max_size=4)):
        i = draw(st.integers(0, max(0, len(lines) - 1)))
        if op == "delete" and len(lines) > 1:
            del lines[i]
        elif op == "duplicate":
            lines.insert(i, lines[i])
        elif op == "insert":
            lines.insert(i, draw(hostile_line(10)))
        elif op == "replace":
            lines[i] = draw(hostile_line(10))
        elif op == "swap":
            j = draw(st.integers(0, len(lines) - 1))
            lines[i], lines[j] = lines[j], lines[i]
        elif op == "truncate":
            joined = "\n".join(lines)
            lines = joined[: draw(st.integers(0, len(joined)))].split("\n")
        elif op == "strip":
            lines = [x.rstrip() for x in lines]
        elif op == "join" and i + 1 < len(lines):
            lines[i : i + 2] = [lines[i] + lines[i + 1]]
        elif op == "crlf":
            lines = [x + "\r" for x in lines]
        elif op == "repeat-block":
            size = draw(st.integers(1, 16))
            lines[i:i] = lines[i : i + size] * draw(st.integers(1, 3))
    return "\n".join(lines)


@st.composite
def digest_text(draw) -> str:
    """Any of: an intact skeleton, a mutated skeleton, the header plus raw text, or raw text."""
    kind = draw(st.sampled_from(["skeleton", "mutated", "mutated", "mutated", "header+raw", "raw", "fragments"]))
    if kind == "fragments":  # the grammar's own lines, few and in any order, with or without a final newline
        return draw(st.lists(st.sampled_from(FRAGMENTS), max_size=8).map("".join))
    if kind == "skeleton":
        return draw(skeleton())
    if kind == "mutated":
        return draw(mutated(draw(skeleton())))
    if kind == "header+raw":
        return "# 摘要\n" + draw(hostile_text(60))
    return draw(hostile_text(60))


@st.composite
def digest_bytes(draw) -> bytes:
    """:func:`digest_text` encoded, sometimes with a BOM, sometimes with a few bytes damaged."""
    data = draw(digest_text()).encode("utf-8")
    if draw(st.integers(0, 5)) == 0:
        data = b"\xef\xbb\xbf" + data
    if data and draw(st.integers(0, 5)) == 0:
        at = draw(st.integers(0, len(data) - 1))
        data = data[:at] + draw(st.binary(min_size=1, max_size=4)) + data[at + 1 :]
    return data
