"""``terminology``: glossary violations, dropped acronyms and acronym expansions the English does not give.

Four codes, read from the English abstract and its Chinese translation (``references/glossary.tsv``
through :func:`evalkit.glossary.load_glossary`; rows with the same English term are merged):

* ``terminology.forbidden`` (error): the English holds a glossary term and the Chinese uses a rendering the
  glossary forbids for it ("zero-shot" -> 零射击). Not reported: a forbidden string inside an accepted
  rendering of *another* term the English holds (政策 is wrong for the "policy" of reinforcement learning,
  right in 货币政策 for "monetary policy"); one that does not start and end on word boundaries (greedy
  longest-match segmentation, as the lexicon segments); one whose words render, in order, another phrase
  of the English (语言模式 for "language patterns" beside "language models"). A term that is an ordinary
  English word ("policy", "attention") has senses the glossary does not cover, so its forbidden renderings
  count only in an abstract that also holds a multi-word glossary term (the glossary's field), and only
  as a warning.
* ``terminology.glossary`` (warning): the English holds a glossary term, the Chinese has none of its accepted
  renderings (allowing a character or two inserted, or a lost last character: 对抗性攻击 for 对抗攻击) and
  does not keep the English either, wholly or in part (零-shot). Only multi-word or hyphenated terms and
  single words that are no ordinary English word (see above: 关注 is right for "attracted attention").
  Occurrences in the cut last sentence of a truncated source, or in a sentence the aligner leaves
  untranslated (``coverage.omission``'s business), do not count; nor does a Chinese far shorter than the
  English (``truncation.translation``'s).
* ``terminology.acronym-dropped`` (warning): an acronym or coined name of the English ("PCA", "OT", "HiQA",
  "ValiTex", "GPT-4", see :func:`is_name`) is missing from the Chinese, compared case-insensitively.
  Translators keep such names, or write out their expansion at every use; so an occurrence is dropped
  when its aligned Chinese sentence holds neither the name nor half the words of its expansion. Not
  reported: acronyms translators usually render in Chinese (:data:`RENDERED_ACRONYMS`); acronyms whose
  known expansion (:data:`KNOWN_EXPANSIONS`, or the initials of a multi-word glossary term) the Chinese
  renders with a glossary rendering (PDE -> 偏微分方程); an acronym the English only introduces in
  parentheses and never uses again; an all-capital acronym with no known expansion whose aligned Chinese
  sentence holds otherwise unexplained words spelling its letters (:func:`spelled_out`: 用户设备 for UE);
  occurrences in the cut last sentence or in an untranslated sentence.
* ``terminology.invented-expansion`` (warning): the Chinese writes an acronym with a parenthetical Chinese
  expansion ("LLMs（逻辑-概率模型）"), or a Chinese term with the acronym in parentheses, and the expansion
  contradicts what the acronym stands for. The English expansion is found with the algorithm of Schwartz
  & Hearst, "A simple algorithm for identifying abbreviation definitions in biomedical text" (PSB 2003): a
  parenthesised short form next to a long form whose words supply its letters in order. Without one,
  :data:`KNOWN_EXPANSIONS` stands in, and only when the English puts no parenthesis of its own next to the
  acronym (the Chinese may mirror "RNNs (linear and non-linear)"). FORMAT.md §4 finds an acronym with a
  parenthetical in 3.7% of real abstracts, mostly correct, and a dictionary knows few synonyms, so only
  clear contradictions count (:meth:`Terminology._contradiction`): a forbidden rendering of the glossary
  term the expansion holds; or, for an expansion that is a glossary term, none of its renderings and no
  word of it; or, for a parenthetical after an English-defined acronym, no word in common with the
  expansion nor with anything else in the English. A Chinese term before a parenthesised acronym is
  judged through the glossary only, since where that term starts is unknown.

Findings are computed once per (English, Chinese) pair: entries are republished verbatim in many digests.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache
from typing import Iterable, Iterator

from evalkit.align import align_entry
from evalkit.align.segment import split_english
from evalkit.checks.base import Check, CodeSpec, register_check
from evalkit.glossary import load_glossary
from evalkit.records import Entry, Evidence, Finding, Issue, Severity

# --------------------------------------------------------------------------------------------------
# Named constants

#: Acronyms translators usually render in Chinese instead of keeping them (AI -> 人工智能, LLM -> 大语言模型,
#: US -> 美国, EUR -> 欧元), so their absence from the Chinese is no defect. Lower-case, singular.
RENDERED_ACRONYMS = frozenset(
    """ai ml nlp llm lm rl cv qa dl nn dnn ann ar vr iot us usa uk eu un phd sota tv pc covid
    id ip os hr io eur gbp jpy cny rmb""".split()
)

#: What frequent acronyms stand for, when the English does not spell them out: lower-case singular
#: acronym -> English expansions. Used to accept a Chinese rendering of the expansion in place of a
#: dropped acronym (the glossary gives the renderings; multi-word glossary terms also stand for their
#: initials, "knowledge graph" for KG) and, for ``invented-expansion``, as the meaning to compare with,
#: unless the acronym is also in :data:`AMBIGUOUS_ACRONYMS`.
KNOWN_EXPANSIONS: dict[str, tuple[str, ...]] = {
    "llm": ("large language model",),
    "mllm": ("multimodal large language model",),
    "plm": ("pretrained language model",),
    "vlm": ("vision-language model",),
    "lvlm": ("large vision-language model",),
    "nlp": ("natural language processing",),
    "nlu": ("natural language understanding",),
    "nlg": ("natural language generation",),
    "ai": ("artificial intelligence",),
    "xai": ("explainable artificial intelligence",),
    "ml": ("machine learning",),
    "dl": ("deep learning",),
    "rl": ("reinforcement learning",),
    "drl": ("deep reinforcement learning",),
    "marl": ("multi-agent reinforcement learning",),
    "rlhf": ("reinforcement learning from human feedback",),
    "rag": ("retrieval-augmented generation",),
    "cnn": ("convolutional neural network",),
    "rnn": ("recurrent neural network",),
    "gnn": ("graph neural network",),
    "dnn": ("deep neural network",),
    "gan": ("generative adversarial network",),
    "vae": ("variational autoencoder",),
    "mlp": ("multilayer perceptron",),
    "lstm": ("long short-term memory",),
    "svm": ("support vector machine",),
    "pca": ("principal component analysis",),
    "kg": ("knowledge graph",),
    "kgc": ("knowledge graph completion",),
    "icl": ("in-context learning",),
    "cot": ("chain-of-thought",),
    "sft": ("supervised fine-tuning",),
    "nmt": ("neural machine translation",),
    "ner": ("named entity recognition",),
    "vqa": ("visual question answering",),
    "pos": ("part-of-speech",),
    "wer": ("word error rate",),
    "har": ("human activity recognition",),
    "hci": ("human-computer interaction",),
    "fl": ("federated learning",),
    "kd": ("knowledge distillation",),
    "moe": ("mixture of experts",),
    "sgd": ("stochastic gradient descent",),
    "pde": ("partial differential equation",),
    "ode": ("ordinary differential equation",),
    "ood": ("out-of-distribution",),
    "iid": ("independent and identically distributed",),
    "mse": ("mean squared error",),
    "snr": ("signal-to-noise ratio",),
    "fpr": ("false positive rate",),
    "mdp": ("Markov decision process",),
    "mcmc": ("Markov chain Monte Carlo",),
    "mle": ("maximum likelihood estimation",),
    "anova": ("analysis of variance",),
    "dof": ("degree of freedom",),
    "e2e": ("end-to-end",),
    "eeg": ("electroencephalography", "electroencephalogram"),
    "ecg": ("electrocardiogram",),
    "mri": ("magnetic resonance imaging",),
    "ehr": ("electronic health record",),
    "icu": ("intensive care unit",),
    "uav": ("unmanned aerial vehicle",),
    "lidar": ("light detection and ranging",),
    "mmwave": ("millimeter wave",),
    "usd": ("US dollar",),
    "co2": ("carbon dioxide",),
    "gpu": ("graphics processing unit",),
    "cpu": ("central processing unit",),
    "ram": ("random access memory",),
    "vm": ("virtual machine",),
    "xor": ("exclusive or",),
    "hd": ("high definition",),
    "iq": ("intelligence quotient",),
    "fps": ("frames per second",),
    "bev": ("bird's-eye view",),
    "pii": ("personally identifiable information",),
    "ptq": ("post-training quantization",),
    "uq": ("uncertainty quantification",),
    "asd": ("autism spectrum disorder",),
    "ppg": ("photoplethysmography",),
    "ci": ("confidence interval",),
    "asr": ("automatic speech recognition",),
}

#: Acronyms of :data:`KNOWN_EXPANSIONS` with other meanings in use (POS: part of speech or point of sale),
#: so ``invented-expansion`` does not judge them unless the English spells them out.
AMBIGUOUS_ACRONYMS = frozenset(
    """pos fl kd dof e2e har icu usd co2 lidar mmwave ram vm hd iq fps ci asd uq ptq ppg bev""".split()
)

#: Units, Roman numerals and the like: capitalised, but no names.
NOT_NAMES = frozenset(
    """db ghz mhz khz gb mb tb kb kwh mwh gw mw kw ii iii iv vi vii viii ix xi xii xiii arxiv""".split()
)
#: An all-capital English word at least this long is shouting ("CORRECTION"), not an acronym.
SHOUTED_WORD_LENGTH = 7

#: How many characters may be inserted between two characters of an accepted glossary rendering.
MAX_INSERTED = 2
#: Below this ratio of Chinese to English characters the translation covers far less than the source
#: (``truncation.translation`` reports it), so missing terms and names are no news.
MIN_LENGTH_RATIO = 0.15

#: Extra words a long form may have beyond its short form's letters (Schwartz & Hearst: min(|A|+5, 2|A|)).
LONG_FORM_EXTRA_WORDS = 5
#: An occurrence of an acronym counts as rendered when its aligned Chinese renders at least this share
#: of the content words of the acronym's expansion.
EXPANSION_RENDERED_SHARE = 0.5
#: invented-expansion: a Chinese parenthetical is judged only if it is this long (CJK characters) ...
MIN_GLOSS_CHARS, MAX_GLOSS_CHARS = 2, 16
#: ... and the English expansion has at least this many content words (one word says too little).
MIN_EXPANSION_WORDS = 2
#: Parentheticals that list examples or explain rather than expand ("LLMs（如GPT-4）").
NOT_AN_EXPANSION = re.compile(
    r"^(?:例如|如|比如|诸如|包括|即|像|从|涵盖|每|这|一种|一个|其|以|由|共|约|及|和|据|见)|我们|[、，,；;：:。]"
)

# --------------------------------------------------------------------------------------------------
# Regular expressions, compiled once

#: A Latin word that may be a name: an upper-case letter or a digit after its first letter ("PCA",
#: "HiQA", "SHapley", "T5", "Llama2"); :func:`is_name` decides.
_CANDIDATE = re.compile(r"(?<![A-Za-z0-9])[A-Za-z][a-z]*[A-Z0-9][A-Za-z0-9]*")
_CAMEL_PART = re.compile(r"[A-Z]+(?=[A-Z][a-z])|[A-Z]?[a-z]+|[A-Z]+|[0-9]+")
_LATIN_PIECE = re.compile(r"[A-Za-z0-9]+")
_LEADING_LETTERS = re.compile(r"[a-z]+")
_WORD = re.compile(r"[A-Za-z][A-Za-z'’]*")
_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_CJK_RUN = re.compile(r"[\u4e00-\u9fff]+")
_TERM_SPLIT = re.compile(r"[\s\-]+")
_PUNCTUATION_TO_SPACE = str.maketrans({ch: " " for ch in "!\"#$%&()*+,-./:;<=>?@[\\]^_`{|}~’“”"})
_SUB_SUPERSCRIPT = re.compile(r"[₀-₉⁰¹²³⁴-⁹]")
_SUB_SUPERSCRIPT_DIGITS = str.maketrans("₀₁₂₃₄₅₆₇₈₉⁰¹²³⁴⁵⁶⁷⁸⁹", "01234567890123456789")
#: Masked before the English is scanned (offsets kept): TeX math, TeX command names (the text of
#: \emph{...} stays, the argument of \color{...}, \cite{...} and the like goes), URLs and arXiv ids,
#: and citations (see :func:`_mask_citations`). Each runs only when its cheap gate is in the text.
_TEX_MATH = re.compile(r"\$\$.+?\$\$|\$[^$]*\$|\\\(.+?\\\)|\\\[.+?\\\]", re.DOTALL)
_URL = re.compile(r"(?:https?://|www\.)\S+|arXiv:\s*\S+")
_TEX_COMMAND = re.compile(
    r"\\(?:(?:text)?color|definecolor|label|ref|eqref|cite[a-z]*|url|href|includegraphics)\{[^{}]*\}|\\[A-Za-z]+\*?"
)
_YEAR = re.compile(r"(?:19|20)[0-9][0-9]")
_PAREN = re.compile(r"\(([^()]{1,120})\)")
_SHORT_FORM = re.compile(r"[A-Za-z][A-Za-z0-9\-]{0,9}")
_SHORT_BEFORE = re.compile(r"(?<![A-Za-z0-9])([A-Za-z][A-Za-z0-9\-]{0,9})\s*$")
#: Chinese: a parenthesis (either width), then what may stand before it: a Latin acronym ("RAG（检索增强
#: 生成）") or a run of Chinese characters ("检索增强生成（RAG）").
_ZH_PAREN = re.compile(r"[（(]([^（）()]{1,40})[）)]")
_ZH_ACRONYM = re.compile(r"([A-Za-z][A-Za-z0-9\-]*[A-Z][A-Za-z0-9\-]*?)(s?)")
_ZH_ACRONYM_BEFORE = re.compile(r"(?<![A-Za-z0-9\-])([A-Za-z][A-Za-z0-9\-]*[A-Z][A-Za-z0-9\-]*?)(s?)\s*$")


# --------------------------------------------------------------------------------------------------
# Names in the English


@dataclass(frozen=True)
class Name:
    """An acronym or coined name of the English: its comparison key, first spelling and all spellings
    ("LLM", "LLMs"), and the masked English it was found in."""

    key: str
    text: str
    spellings: tuple[str, ...]
    masked: str

    @property
    def spans(self) -> tuple[tuple[int, int], ...]:
        """Where the name occurs, in text order (computed on demand: most names need no spans)."""
        return _name_spans(self.spellings, self.masked)


def _name_spans(spellings: tuple[str, ...], masked: str) -> tuple[tuple[int, int], ...]:
    spans = []
    for spelling in spellings:
        start = masked.find(spelling)
        while start >= 0:
            end = start + len(spelling)
            glued_before = start > 0 and _is_ascii_alnum(masked[start - 1])
            if not glued_before and not (end < len(masked) and _is_ascii_alnum(masked[end])):
                spans.append((start, end))
            start = masked.find(spelling, start + 1)
    return tuple(sorted(spans))


def _is_ascii_alnum(ch: str) -> bool:
    return ch.isascii() and ch.isalnum()


@dataclass(frozen=True)
class Definition:
    """An acronym the English spells out, "long form (SF)" or "SF (long form)", with both spans."""

    key: str
    short: str
    long: str
    short_span: tuple[int, int]
    long_span: tuple[int, int]

    def covers(self, span: tuple[int, int]) -> bool:
        """Whether ``span`` is the short form in the definition or lies inside its long form."""
        return span == self.short_span or self.long_span[0] <= span[0] < self.long_span[1]


def mask_english(text: str) -> str:
    """``text`` with TeX, URLs, arXiv ids and citations blanked out by spaces (offsets kept)."""
    blank = lambda m: " " * len(m.group())  # noqa: E731
    if "$" in text or "\\(" in text or "\\[" in text:
        text = _TEX_MATH.sub(blank, text)
    if "http" in text or "www." in text or "arXiv:" in text:
        text = _URL.sub(blank, text)
    if "\\" in text:
        text = _TEX_COMMAND.sub(blank, text)
    if ("19" in text or "20" in text) and _YEAR.search(text):
        text = _mask_citations(text)
    return text


def _mask_citations(text: str) -> str:
    """Blank citations: a parenthesis holding a year ("(ICML 2019)", "(Smith et al., 2021)") and
    BibTeX-style keys glued to a year ("vaswani2017attention")."""
    spans = []
    for m in _YEAR.finditer(text):
        start, end = m.start(), m.end()
        if (start and text[start - 1].isdigit()) or (end < len(text) and text[end].isdigit()):
            continue  # part of a longer number
        if start and text[start - 1].isalpha():
            while start and text[start - 1].isalnum():
                start -= 1
            while end < len(text) and text[end].isalpha():
                end += 1
            spans.append((start, end))
            continue
        left, right = text.rfind("(", 0, start), text.find(")", end)
        enclosed = 0 <= left and 0 <= right and right - left < 120
        if enclosed and ")" not in text[left:start] and "(" not in text[end:right]:
            spans.append((left, right + 1))
    if not spans:
        return text
    chars = list(text)
    for a, b in spans:
        chars[a:b] = " " * (b - a)
    return "".join(chars)


def name_key(piece: str) -> str:
    """Comparison key of a name: lower-case, an acronym's plural "s" dropped ("LLMs" -> "llm")."""
    if len(piece) > 2 and piece.endswith("s") and piece[-2].isupper():
        return piece[:-1].lower()
    return piece.lower()


@lru_cache(maxsize=65536)
def is_name(piece: str) -> bool:
    """Whether a Latin word is an acronym or coined name rather than an English word.

    Names: two capitals or more ("PCA", "HiQA"), a capital after a lower-case letter ("ValiTex"), letters
    and digits with a capital ("T5", "GPT4"). Not names: units and Roman numerals (:data:`NOT_NAMES`),
    a number with a unit ("3D", "7B"), all-capital English words of :data:`SHOUTED_WORD_LENGTH` letters
    or more, styled English words ("eXplainable", "PROmpting") and camel-case compounds of English
    words ("AutoEncoder", "LinkedIn").
    """
    if len(piece) < 2 or piece[0].isdigit() or name_key(piece) in NOT_NAMES:
        return False
    capitals = sum(c.isupper() for c in piece)
    if capitals == 0 or (capitals == 1 and piece[0].isupper() and piece[1:].isalpha()):
        return False  # a plain or capitalised word
    letters = piece.rstrip("0123456789")
    if letters.isupper() or (len(letters) > 2 and letters[:-1].isupper() and letters.endswith("s")):
        if piece.lower() in _stop_words():
            return False  # "IN", "OR": a capitalised small word
        return not (len(piece) >= SHOUTED_WORD_LENGTH and piece.isalpha() and _is_word(piece))
    if _is_word(piece):
        return False  # a styled word
    parts = _CAMEL_PART.findall(piece)
    if any(len(p) >= 2 and p.isupper() for p in parts) or any(p.isdigit() for p in parts):
        return True  # "HiQA", "ChatGPT", "Llama2"
    return not all(_is_word(p) for p in parts)


def _is_word(part: str) -> bool:
    """Whether ``part`` is an English word: a stop word, or its stem among CC-CEDICT's gloss stems."""
    from evalkit.align.lexicon import STOP_WORDS, stem

    low = part.lower()
    if low in STOP_WORDS:
        return True
    s = stem(low)
    return s is not None and len(low) > 2 and s in _vocabulary()


@lru_cache(maxsize=1)
def _stop_words() -> frozenset[str]:
    from evalkit.align.lexicon import STOP_WORDS

    return STOP_WORDS


@lru_cache(maxsize=1)
def _vocabulary() -> frozenset[str]:
    from evalkit.align.lexicon import load_lexicon

    return frozenset().union(*load_lexicon().glosses.values())


def english_names(masked: str) -> dict[str, Name]:
    """Acronyms and coined names of a masked English text, by :func:`name_key`, in order of appearance."""
    found: dict[str, list[str]] = {}
    for piece in dict.fromkeys(_CANDIDATE.findall(masked)):
        if is_name(piece):
            found.setdefault(name_key(piece), []).append(piece)
    return {k: Name(k, spellings[0], tuple(spellings), masked) for k, spellings in found.items()}


def find_definitions(masked: str) -> list[Definition]:
    """Acronyms a masked English text spells out: "long form (SF)" and "SF (long form)", in text order."""
    out = []
    for m in _PAREN.finditer(masked):
        d = _definition_at(masked, m.start(), m.end())
        if d is not None:
            out.append(d)
    return out


def _definition_at(masked: str, start: int, end: int) -> Definition | None:
    """The definition made by the parenthesis ``masked[start:end]``, if it makes one."""
    inside = masked[start + 1 : end - 1].strip()
    if not inside or len(inside) > 120:
        return None
    if _SHORT_FORM.fullmatch(inside) and any(c.isupper() for c in inside):
        letters = sum(c.isalnum() for c in inside)
        words = list(_WORD.finditer(masked, max(0, start - 160), start))[-min(letters + LONG_FORM_EXTRA_WORDS, 2 * letters) :]
        if not words:
            return None
        first = words[0].start()
        found = _match_long_form(inside, masked[first:start])
        if found is None:
            return None
        a = first + found
        long_text = masked[a:start].strip(" -")
        short_span = (start + 1 + masked[start + 1 : end].index(inside[0]), 0)
        short_span = (short_span[0], short_span[0] + len(inside))
        return Definition(name_key(inside), inside, long_text, short_span, (a, a + len(long_text)))
    if len(inside.split()) >= 2:
        before = _SHORT_BEFORE.search(masked, max(0, start - 12), start)
        if before and any(c.isupper() for c in before.group(1)) and _match_long_form(before.group(1), inside) == 0:
            inner = start + 1 + masked[start + 1 : end].index(inside[0])
            return Definition(name_key(before.group(1)), before.group(1), inside, before.span(1), (inner, inner + len(inside)))
    return None


def _definition_of(masked: str, key: str) -> Definition | None:
    """The first definition of the acronym ``key`` in a masked English text (plural spellings included).

    Only the parentheses next to the acronym are looked at: "(KEY)", "(KEYs)", "KEY (", "KEYs (".
    """
    lower = masked.lower()
    found = []
    for variant in (key, key + "s"):
        for probe, offset in ((f"({variant})", 0), (f"{variant} (", len(variant) + 1), (f"{variant}(", len(variant))):
            at = lower.find(probe)
            while at >= 0:
                paren = at + offset
                end = masked.find(")", paren)
                d = _definition_at(masked, paren, end + 1) if end > paren else None
                if d is not None and d.key == key:
                    found.append(d)
                    break
                at = lower.find(probe, at + 1)
    return min(found, key=lambda d: min(d.short_span, d.long_span)) if found else None


def _match_long_form(short: str, long_text: str) -> int | None:
    """Schwartz & Hearst's match: where the shortest long form of ``short`` starts in ``long_text``.

    Every letter or digit of the short form, read backwards, is looked for in the long form, read
    backwards; the first one must start a word. A plural "s" of the short form is ignored.
    """
    if len(short) > 2 and short.endswith("s") and short[:-1].isupper():
        short = short[:-1]
    chars = [c.lower() for c in short if c.isalnum()]
    if not chars:
        return None
    text = long_text.lower()
    i = len(text) - 1
    for s in range(len(chars) - 1, -1, -1):
        while i >= 0 and (text[i] != chars[s] or (s == 0 and i > 0 and text[i - 1].isalnum())):
            i -= 1
        if i < 0:
            return None
        i -= 1
    start = i + 1
    if not long_text[start:].strip() or long_text[start:].strip().lower() == short.lower():
        return None
    return start


# --------------------------------------------------------------------------------------------------
# The Chinese side


def chinese_latin_keys(chinese: str) -> frozenset[str]:
    """Keys under which the Latin words of a Chinese text can match an English name.

    Each alphanumeric piece lower-cased, without a plural "s", its leading letters alone ("gpt4" ->
    "gpt"), and joined with the next piece when a space, hyphen or dot is all that separates them
    ("GPT-4", "Llama 2" -> "gpt4", "llama2").
    """
    out: set[str] = set()
    prev: re.Match[str] | None = None
    if _SUB_SUPERSCRIPT.search(chinese):
        chinese = chinese.translate(_SUB_SUPERSCRIPT_DIGITS)  # "CO₂" -> "CO2"
    for m in _LATIN_PIECE.finditer(chinese):
        low = m.group().lower()
        out.add(low)
        if low.endswith("s"):
            out.add(low[:-1])
        letters = _LEADING_LETTERS.match(low)
        if letters and letters.end() < len(low):
            out.add(letters.group())
        if not m.group().islower():
            out.update(part.lower() for part in _CAMEL_PART.findall(m.group()))  # "ReRAM" -> "ram"
        if prev is not None and chinese[prev.end() : m.start()] in ("", " ", "-", ".", "_"):
            out.add(prev.group().lower() + low)
        prev = m
    return frozenset(out)


def _verbatim(key: str, lower: str) -> bool:
    """Whether the lower-case Chinese holds ``key`` as a Latin word of its own (a fast path of
    :func:`chinese_latin_keys`): no letter or digit before it, no letter after it but a plural "s"."""
    start = lower.find(key)
    while start >= 0:
        end = start + len(key)
        before = lower[start - 1] if start else " "
        after = lower[end : end + 2]
        glued_before = before.isascii() and before.isalnum()
        glued_after = after[:1].isascii() and after[:1].isalpha() and not (after[0] == "s" and not after[1:2].isalpha())
        if not glued_before and not glued_after:
            return True
        start = lower.find(key, start + 1)
    return False


def _content_words(text: str) -> tuple[str, ...]:
    from evalkit.align.lexicon import stem

    return tuple(w.lower() for w in _LATIN_PIECE.findall(text) if w.isalpha() and stem(w))


def _renders(keys: frozenset[str], word: str) -> bool:
    """Whether a Chinese token with these gloss stems may render the English ``word``.

    Lenient on purpose, since a dictionary knows few synonyms: the same first four letters
    ("decision" / "decide"), a stem that starts the word, or a stem of five letters or more inside it
    ("encode" in "autoencoders").
    """
    head = word[:4] if len(word) >= 4 else None
    for k in keys:
        if (head is not None and k.startswith(head)) or (word.startswith(k) and len(k) >= 2) or (len(k) >= 5 and k in word):
            return True
    return False


def rendered_share(words: tuple[str, ...], chinese: str) -> float:
    """Share of the English content ``words`` that the Chinese text renders (or keeps in Latin)."""
    from evalkit.align.lexicon import load_lexicon

    if not words:
        return 0.0
    latin = {w.lower() for w in _LATIN_PIECE.findall(chinese)}
    tokens = [t.keys for t in load_lexicon().tokens(chinese) if not t.latin]
    hits = sum(1 for w in words if w in latin or any(_renders(keys, w) for keys in tokens))
    return hits / len(words)


# --------------------------------------------------------------------------------------------------
# The glossary, compiled once


@dataclass(frozen=True)
class _Row:
    """A glossary term ready for matching: rows with the same English are merged."""

    english: str
    norm: str  # lower-case, words separated by single spaces
    words: frozenset[str]  # its lower-case words: every English match holds them (a cheap pre-filter)
    pattern: re.Pattern[str]
    accepted: tuple[str, ...]
    forbidden: tuple[str, ...]
    renderings: re.Pattern[str]  # any accepted rendering, loosely (see :func:`_loose_renderings`)
    checked: bool  # reported by terminology.glossary (see the module docstring)
    latin_words: tuple[str, ...]  # its longer English words, to see the term kept in part ("零-shot")
    initials: tuple[str, ...]  # its acronyms, with and without small words ("dnn"; "moe", "me")


@lru_cache(maxsize=8)
def _rows(terms: tuple) -> tuple[_Row, ...]:
    merged: dict[str, list] = {}
    for term in terms:
        norm = _norm(term.english)
        slot = merged.setdefault(norm, [term, [], []])
        slot[1] += [a for a in term.accepted if a not in slot[1]]
        slot[2] += [f for f in term.forbidden if f not in slot[2]]
    out = []
    for norm, (term, accepted, forbidden) in merged.items():
        words = norm.split()
        checked = len(words) > 1 or not _is_word(words[0])
        out.append(
            _Row(
                term.english,
                norm,
                frozenset(words),
                term.pattern,
                tuple(accepted),
                tuple(forbidden),
                _loose_renderings(accepted),
                checked,
                tuple(w for w in words if len(w) > 2),
                _initials(words),
            )
        )
    return tuple(sorted(out, key=lambda row: -len(row.norm)))  # longest first: the most specific wins


def _loose_renderings(accepted: list[str]) -> re.Pattern[str]:
    """A pattern for the accepted renderings with the small liberties translators take.

    Up to :data:`MAX_INSERTED` characters may stand between two characters of a rendering
    (对抗性攻击 for 对抗攻击, 大规模语言模型 for 大语言模型, 问题回答 for 问答), and a rendering of
    four characters or more may lose its last one (知识图 for 知识图谱, 自注意 for 自注意力).
    """
    gap = rf"[^，。；：、\s]{{0,{MAX_INSERTED}}}"
    options = []
    for zh in accepted:
        chars = [re.escape(ch) for ch in zh]
        options.append(gap.join(chars))
        if len(zh) >= 4 and _CJK.match(zh[-1]):
            options.append(gap.join(chars[:-1]))
    return re.compile("|".join(options) or "(?!)", re.IGNORECASE)


def _initials(words: list[str]) -> tuple[str, ...]:
    """The acronyms a multi-word term may go by: its initials, with and without its small words."""
    from evalkit.align.lexicon import STOP_WORDS

    if len(words) < 2:
        return ()
    forms = ("".join(w[0] for w in words), "".join(w[0] for w in words if w not in STOP_WORDS))
    return tuple(dict.fromkeys(f for f in forms if len(f) >= 2))


@lru_cache(maxsize=8)
def _expansion_renderings(terms: tuple) -> dict[str, tuple[str, ...]]:
    """Lower-case acronym -> accepted Chinese renderings of what it stands for.

    From :data:`KNOWN_EXPANSIONS` and from the initials of every multi-word glossary term, with and
    without its small words ("mixture of experts" -> "moe" and "me").
    """
    rows = _rows(terms)
    by_norm = {row.norm: row.accepted for row in rows}
    out: dict[str, set[str]] = {}
    for key, expansions in KNOWN_EXPANSIONS.items():
        for expansion in expansions:
            out.setdefault(key, set()).update(by_norm.get(_norm(expansion), ()))
    for row in rows:
        for initials in row.initials:
            out.setdefault(initials, set()).update(row.accepted)
    return {k: tuple(sorted(v)) for k, v in out.items() if v}


# --------------------------------------------------------------------------------------------------
# The check


@dataclass(frozen=True)
class _Raw:
    """A finding before it is tied to an entry: what :meth:`Terminology._analyse` caches per text pair."""

    code: str
    message: str
    evidence: Evidence
    severity: Severity | None = None


@register_check
class Terminology(Check):
    """Glossary violations, dropped acronyms and invented acronym expansions (see the module docstring)."""

    name = "terminology"
    codes = (
        CodeSpec(
            "terminology.forbidden",
            Severity.ERROR,
            "the Chinese renders a term of the English in a way the glossary forbids",
        ),
        CodeSpec(
            "terminology.glossary",
            Severity.WARNING,
            "a glossary term of the English has none of its accepted renderings in the Chinese",
        ),
        CodeSpec(
            "terminology.acronym-dropped",
            Severity.WARNING,
            "an acronym or coined name of the English is missing from the Chinese",
        ),
        CodeSpec(
            "terminology.invented-expansion",
            Severity.WARNING,
            "the Chinese expands an acronym in a way the English does not",
        ),
    )
    needs_alignment = True  # the aligner's sentence links and its bilingual lexicon
    #: Entries are republished verbatim in many digests: results are kept for this many text pairs.
    CACHE_SIZE = 16384

    def __init__(self) -> None:
        self.terms = load_glossary()
        self.rows = _rows(self.terms)
        # every row under its rarest word among the rows (the longest of those), singular and plural:
        # one set intersection finds the rows an English text may hold
        shared = Counter(word for row in self.rows for word in row.words)
        self.rows_by_word: dict[str, list[tuple[int, frozenset[str]]]] = {}
        for i, row in enumerate(self.rows):
            word = min(row.words, key=lambda w: (shared[w], -len(w), w))
            for form in {word, word + "s", word + "es", word[:-1] + "ies" if word.endswith("y") else word}:
                self.rows_by_word.setdefault(form, []).append((i, row.words))
        self.renderings = _expansion_renderings(self.terms)
        self._cache: dict[tuple[str, str, bool], tuple[_Raw, ...]] = {}
        self._row_of_expansion: dict[str, _Row | None] = {}
        self._term_finder: tuple[re.Pattern[str], dict[str, _Row]] | None = None

    def check_entry(self, entry: Entry, issue: Issue) -> Iterable[Finding]:
        if not entry.abstract_en.strip() or not _CJK.search(entry.abstract_zh):
            return  # empty or untranslated: translation.empty and language report it
        key = (entry.abstract_en, entry.abstract_zh, entry.source_truncated)
        raws = self._cache.get(key)
        if raws is None:
            if len(self._cache) >= self.CACHE_SIZE:
                self._cache.clear()
            raws = self._cache[key] = tuple(self._analyse(_Context(entry)))
        line = entry.line_of("abstract_zh")
        for raw in raws:
            message = f"[^{entry.ref}]: {raw.message}"
            yield self.finding(raw.code, message, line=line, entry=entry, evidence=raw.evidence, severity=raw.severity)

    def _analyse(self, c: "_Context") -> Iterator[_Raw]:
        yield from self._glossary(c)
        yield from self._acronyms(c)
        yield from self._expansions(c)

    # -- terminology.forbidden and terminology.glossary --------------------------------------------

    def _glossary(self, c: "_Context") -> Iterator[_Raw]:
        words = set(c.english.lower().translate(_PUNCTUATION_TO_SPACE).split())
        hits = words.intersection(self.rows_by_word)
        if not hits:
            return
        seen: set[int] = set()
        for word in hits:
            for i, term_words in self.rows_by_word[word]:
                # every word of the term, singular or plural, is in the English
                if term_words <= words or _holds(words, term_words):
                    seen.add(i)
        if not seen:
            return
        candidates = [self.rows[i] for i in sorted(seen)]
        c.glossary_rows = candidates
        chinese = c.chinese
        if any(bad in chinese for row in candidates for bad in row.forbidden):
            yield from self._forbidden(c, candidates)
        if c.too_short:
            return
        for row in candidates:
            if not row.checked or any(zh in chinese for zh in row.accepted) or any(bad in chinese for bad in row.forbidden):
                continue
            if row.renderings.search(chinese):
                continue  # a small liberty with an accepted rendering
            if row.pattern.search(chinese) or any(w in c.chinese_lower for w in row.latin_words):
                continue  # the English kept, wholly or in part ("零-shot")
            if any(_verbatim(initials, c.chinese_lower) for initials in row.initials):
                continue  # its acronym used instead ("DNN" for "deep neural networks")
            for occurrence in row.pattern.finditer(c.english):
                if self._inside_longer_term(c, row, occurrence.span()):
                    continue  # "Markov chain" inside "Markov chain Monte Carlo" is judged as that term
                zh = c.aligned_chinese(occurrence.start())
                if zh is None:
                    continue  # in the cut tail or in an untranslated sentence
                yield _Raw(
                    "terminology.glossary",
                    f"'{occurrence.group()}' has none of its glossary renderings"
                    f" ({' / '.join(row.accepted)}) in the Chinese",
                    Evidence(
                        field="abstract_zh",
                        source=occurrence.group(),
                        translation=chinese[zh[0] : zh[1]],
                        source_span=occurrence.span(),
                        translation_span=zh,
                    ),
                )
                break

    @staticmethod
    def _inside_longer_term(c: "_Context", row: _Row, span: tuple[int, int]) -> bool:
        for other in c.glossary_rows:
            if len(other.words) > len(row.words) and row.words <= other.words:
                for m in other.pattern.finditer(c.english):
                    if m.start() <= span[0] and span[1] <= m.end():
                        return True
        return False

    def _forbidden(self, c: "_Context", candidates: list[_Row]) -> Iterator[_Raw]:
        matched = [(row, m) for row in candidates for m in [row.pattern.search(c.english)] if m]
        matched.sort(key=lambda rm: rm[1].start())
        # an ordinary word ("policy") is only held to the glossary in an abstract of its field
        in_domain = any(row.checked and len(row.words) > 1 for row, _ in matched)
        for row, m in matched:
            bad = self._forbidden_use(c, row, matched)
            if bad is None or not (row.checked or in_domain):
                continue
            yield _Raw(
                "terminology.forbidden",
                f"'{m.group()}' is rendered as {c.chinese[bad[0]:bad[1]]}, which the glossary forbids"
                f" (accepted: {' / '.join(row.accepted)})",
                Evidence(
                    field="abstract_zh",
                    source=m.group(),
                    translation=c.chinese[bad[0] : bad[1]],
                    source_span=m.span(),
                    translation_span=bad,
                ),
                None if row.checked else Severity.WARNING,
            )

    def _forbidden_use(self, c: "_Context", row: _Row, matched: list) -> tuple[int, int] | None:
        """Span of the first forbidden rendering of ``row`` that the Chinese really uses, or ``None``."""
        for bad in row.forbidden:
            start = c.chinese.find(bad)
            if start < 0:
                continue
            if any(other is not row and any(bad in ok for ok in other.accepted) for other, _ in matched):
                continue  # the string renders another term of the English ("monetary policy" -> 货币政策)
            if _renders_other_phrase(bad, c.english, row.words):
                continue  # 语言模式 for "language pattern", 增强学习 for "enhance the learning (process)"
            while start >= 0:
                if c.on_word_boundaries(start, start + len(bad)):
                    return start, start + len(bad)
                start = c.chinese.find(bad, start + 1)
        return None

    # -- terminology.acronym-dropped --------------------------------------------------------------

    def _acronyms(self, c: "_Context") -> Iterator[_Raw]:
        names = c.names
        if not names or c.too_short:
            return
        lower = c.chinese_lower
        candidates = [n for k, n in names.items() if k not in RENDERED_ACRONYMS and not _verbatim(k, lower)]
        if not candidates:
            return
        keys = c.chinese_latin
        candidates = [n for n in candidates if n.key not in keys and not (n.key.endswith("s") and n.key[:-1] in keys)]
        for name in candidates:
            if any(zh in c.chinese for zh in self.renderings.get(name.key, ())):
                continue  # rendered through its known expansion (PDE -> 偏微分方程)
            d = c.definition(name.key)
            # the definition's own parenthesis and its long form are no uses
            spans = [s for s in name.spans if d is None or not d.covers(s)]
            if not spans:
                continue  # only introduced in parentheses: translators often leave the parenthesis out
            expansion = _content_words(d.long) if d else ()
            if not expansion and name.key in KNOWN_EXPANSIONS:
                expansion = _content_words(KNOWN_EXPANSIONS[name.key][0])
            dropped = None
            for span in spans:
                pair = c.aligned_pair(span[0])
                if pair is None:
                    continue  # in the cut tail or an untranslated sentence
                en, zh = pair
                if expansion:
                    if rendered_share(expansion, c.chinese[zh[0] : zh[1]]) >= EXPANSION_RENDERED_SHARE:
                        continue  # the translator wrote the expansion instead
                elif name.text.isupper() and spelled_out(name.key, c.english[en[0] : en[1]], c.chinese[zh[0] : zh[1]]):
                    continue  # an expansion we do not know, rendered in Chinese (用户设备 for UE)
                dropped = (span, zh)
                break
            if dropped is None:
                continue
            (s, e), zh = dropped
            yield _Raw(
                "terminology.acronym-dropped",
                f"'{name.text}' ({len(name.spans)}x in the English) is missing from the Chinese",
                Evidence(
                    field="abstract_zh",
                    source=c.english[s:e],
                    translation=c.chinese[zh[0] : zh[1]],
                    source_span=(s, e),
                    translation_span=zh,
                ),
            )

    # -- terminology.invented-expansion -----------------------------------------------------------

    def _expansions(self, c: "_Context") -> Iterator[_Raw]:
        chinese = c.chinese
        if "（" not in chinese and "(" not in chinese:
            return
        for m in _ZH_PAREN.finditer(chinese):
            inside = m.group(1).strip()
            window = max(0, m.start() - 24)
            acronym = _ZH_ACRONYM.fullmatch(inside)
            if acronym:
                # "检索增强生成（RAG）": the Chinese run before it; one glued to Latin ("Kullback-莱布勒（KL）")
                # starts in the Latin, so it is left alone
                start = _cjk_run_start(chinese, m.start())
                if start is not None:
                    name, gloss = acronym.group(1) + acronym.group(2), chinese[start : m.start()].rstrip()
                    why = self._contradiction(c, name, gloss, exact=False)
                    if why:
                        yield _expansion_raw(c, name, gloss, why, (start, m.end()))
            elif _CJK.search(inside) and _is_gloss(inside):
                before = _ZH_ACRONYM_BEFORE.search(chinese, window, m.start())
                if before:
                    name, start = before.group(1) + before.group(2), before.start(1)
                    why = self._contradiction(c, name, inside, exact=True)
                    if why:
                        yield _expansion_raw(c, name, inside, why, (start, m.end()))

    def _contradiction(self, c: "_Context", acronym: str, gloss: str, *, exact: bool) -> str | None:
        """What the acronym stands for, when the Chinese ``gloss`` contradicts it; ``None`` otherwise.

        ``exact``: the gloss is a whole parenthetical after the acronym; otherwise it is the Chinese run
        before a parenthesised acronym, whose start is unknown, and only a glossary term decides.
        """
        key = name_key(acronym)
        if not exact and not any(
            _spells_in_order(key, row.norm) or any(bad in gloss for bad in row.forbidden) for row in c.glossary_rows
        ):
            return None  # no glossary term of the English can decide (see below): spare the look-ups
        if exact and c.parenthesised(key, after_only=True):
            return None  # the Chinese mirrors an English "DNNs (with step activations)"
        definition = c.definition(key)
        if definition is not None:
            expansion = definition.long
            # Schwartz & Hearst find the shortest long form; the words just before it may belong to it
            context = c.masked[max(0, definition.long_span[0] - 60) : definition.long_span[1]]
            why = f"the English has '{expansion}'"
        elif not exact or c.parenthesised(key):
            return None  # the Chinese mirrors an English parenthesis that is no expansion ("RNNs (linear)")
        elif key in KNOWN_EXPANSIONS and key not in AMBIGUOUS_ACRONYMS:
            expansion = context = KNOWN_EXPANSIONS[key][0]
            why = f"{acronym} usually stands for '{expansion}' and the English does not expand it"
        else:
            return None
        row = self._glossary_row(expansion)
        if row is not None:
            if any(bad in gloss for bad in row.forbidden):
                return why
            if row.renderings.search(gloss):
                return None
            if _norm(expansion) in (row.norm, row.norm + "s", row.norm + "es") and not _shares_words(context, gloss):
                return why  # the expansion is a glossary term, and the gloss has nothing of it
            if not exact:
                return None
        if not exact or len(_content_words(expansion)) < MIN_EXPANSION_WORDS:
            return None
        # no glossary term: the dictionary must find nothing of the gloss in the expansion, nor anywhere
        # in the English (a dictionary knows few synonyms: "human-in-the-loop" is 人工介入)
        if _shares_words(context, gloss) or _shares_words(c.masked, gloss):
            return None
        return why

    def _glossary_row(self, expansion: str) -> _Row | None:
        """The longest glossary term inside an expansion ("federated learning" in "trustworthy federated learning")."""
        norm = _norm(expansion)
        if norm not in self._row_of_expansion:
            if self._term_finder is None:
                by_norm = {row.norm: row for row in self.rows}  # longest first, so the regex prefers them
                alternatives = "|".join(map(re.escape, by_norm))
                self._term_finder = (re.compile(rf"(?<!\S)({alternatives})(?:s|es)?(?!\S)"), by_norm)
            finder, by_norm = self._term_finder
            found = [by_norm[m.group(1)] for m in finder.finditer(norm)]
            self._row_of_expansion[norm] = max(found, key=lambda r: len(r.norm)) if found else None
        return self._row_of_expansion[norm]


def _holds(words: set[str], term_words: frozenset[str]) -> bool:
    """Whether every word of a term is among the English words, singular or plural."""
    return all(w in words or w + "s" in words or w + "es" in words for w in term_words)


def _spells_in_order(key: str, text: str) -> bool:
    """Whether the letters of ``key`` occur in ``text`` in order (a necessary condition for a long form)."""
    rest = iter(text)
    return all(ch in rest for ch in key if ch.isalnum())


def _norm(text: str) -> str:
    """Lower-case words separated by single spaces (hyphens count as spaces)."""
    return " ".join(_TERM_SPLIT.split(text.lower().strip()))


def _cjk_run_start(text: str, end: int) -> int | None:
    """Start of the run of Chinese characters ending at ``end`` (spaces before ``end`` allowed), or ``None``
    when it is shorter than two characters or glued to Latin ("Kullback-莱布勒（KL）" starts in the Latin)."""
    stop = end
    while stop > 0 and text[stop - 1] == " ":
        stop -= 1
    start = stop
    while start > 0 and "\u4e00" <= text[start - 1] <= "\u9fff":
        start -= 1
    if stop - start < 2 or (start > 0 and (_is_ascii_alnum(text[start - 1]) or text[start - 1] == "-")):
        return None
    return start


def _expansion_raw(c: "_Context", acronym: str, gloss: str, why: str, span: tuple[int, int]) -> _Raw:
    return _Raw(
        "terminology.invented-expansion",
        f"{acronym} is expanded as {gloss}, but {why}",
        Evidence(field="abstract_zh", translation=c.chinese[span[0] : span[1]], translation_span=span),
    )


def _is_gloss(text: str) -> bool:
    """Whether a Chinese parenthetical reads like an expansion: short, all Chinese, no list or example."""
    if NOT_AN_EXPANSION.search(text):
        return False
    cjk = len(_CJK.findall(text))
    return MIN_GLOSS_CHARS <= cjk <= MAX_GLOSS_CHARS and cjk == len(text.replace(" ", "").replace("-", ""))


def spelled_out(acronym: str, english: str, chinese: str) -> bool:
    """Whether the Chinese sentence renders the acronym through words the English sentence does not explain.

    The Chinese words (CC-CEDICT + glossary) with no rendering among the English sentence's words are
    what the translator added; if adjacent ones among them have glosses whose initials spell the
    acronym, each letter from a different gloss word and at most n - 1 letters from a word of n
    characters (用户设备, "user; equipment", for UE; 虚拟机, "virtual machine", for VM), the acronym is
    taken as rendered. Dictionary glosses are many, so this also matches by chance: for 300 real
    acronyms tried against unrelated real sentence pairs, 9% of 2-letter ones and under 1% of longer
    ones. It is used only for acronyms the English does not expand and :data:`KNOWN_EXPANSIONS` does
    not know, where the alternative is a report on every correct rendering.
    """
    from evalkit.align.lexicon import english_stems, load_lexicon

    letters = tuple(ch for ch in acronym.lower() if ch.isalpha())
    if not letters:
        return False
    stems = english_stems(english)
    words = _content_words(english)
    initials = set(letters)
    runs: list[list[tuple[frozenset[str], int]]] = [[]]
    for token in load_lexicon().tokens(chinese):
        # a word can only take part if some gloss starts with a letter of the acronym (cheap test first)
        useful = not token.latin and token.keys.isdisjoint(stems) and any(k[:1] in initials for k in token.keys)
        if useful and not any(_renders(token.keys, w) for w in words):
            runs[-1].append((token.keys, max(1, len(token.text) - 1)))
        elif runs[-1]:
            runs.append([])
    return any(_spells(tuple(run), i, letters) for run in runs for i in range(len(run)))


def _spells(tokens: tuple[tuple[frozenset[str], int], ...], start: int, letters: tuple[str, ...]) -> bool:
    """Whether tokens from ``start`` on, one after another, spell ``letters`` with their glosses' initials.

    A word of n characters gives at most n - 1 letters (虚拟机 "virtual machine" both of VM; 作为, glossed
    "to act; to view; conduct ...", only one).
    """
    if not letters:
        return True
    if start >= len(tokens):
        return False
    keys, most = tokens[start]
    used: set[str] = set()
    for n, letter in enumerate(letters[:most], 1):
        key = next((k for k in keys if k.startswith(letter) and k not in used), None)
        if key is None:
            return False
        used.add(key)
        if _spells(tokens, start + 1, letters[n:]):
            return True
    return False


def _renders_other_phrase(chinese: str, english: str, term_words: frozenset[str]) -> bool:
    """Whether the words of a Chinese string of two words or more render, in order, a run of content
    words of the English other than the term itself (so the string translates that phrase)."""
    from evalkit.align.lexicon import load_lexicon

    tokens = [t.keys for t in load_lexicon().tokens(chinese) if not t.latin]
    if len(tokens) < 2:
        return False
    words = _content_words(english)
    n = len(tokens)
    for i in range(len(words) - n + 1):
        phrase = words[i : i + n]
        if all(_renders(keys, w) for keys, w in zip(tokens, phrase)) and not all(
            any(w.startswith(t) for t in term_words) for w in phrase
        ):
            return True
    return False


def _shares_words(english: str, chinese: str) -> bool:
    """Whether the Chinese renders (leniently, see :func:`_renders`) or keeps any content word of the English."""
    words = _content_words(english)
    if not words:
        return False
    return rendered_share(words, chinese) > 0


class _Context:
    """What the three parts of the check share about one entry, each computed when first needed."""

    def __init__(self, entry: Entry) -> None:
        self.entry = entry
        self.english = entry.abstract_en
        self.chinese = entry.abstract_zh
        self.line = entry.line_of("abstract_zh")
        self._cache: dict[str, object] = {}
        self.glossary_rows: list[_Row] = []  # the glossary terms the English holds (set by the glossary part)

    def _get(self, key: str, make):
        if key not in self._cache:
            self._cache[key] = make()
        return self._cache[key]

    @property
    def too_short(self) -> bool:
        """Whether the Chinese is far shorter than the English (``truncation.translation``'s business)."""
        return len(self.chinese) < MIN_LENGTH_RATIO * len(self.english)

    @property
    def masked(self) -> str:
        return self._get("masked", lambda: mask_english(self.english))

    @property
    def names(self) -> dict[str, Name]:
        return self._get("names", lambda: english_names(self.masked))

    @property
    def chinese_lower(self) -> str:
        return self._get("lower", self.chinese.lower)

    @property
    def chinese_latin(self) -> frozenset[str]:
        return self._get("latin", lambda: chinese_latin_keys(self.chinese))

    def definition(self, key: str) -> Definition | None:
        """The English's first definition of the acronym ``key`` (plural spellings included), if any."""
        cache: dict[str, Definition | None] = self._get("definitions", dict)
        if key not in cache:
            cache[key] = _definition_of(self.masked, key)
        return cache[key]

    @property
    def tail_start(self) -> int:
        """Where the cut last sentence of a truncated English starts (the text's length if complete)."""

        def make() -> int:
            if self.entry.source_truncated:
                spans = split_english(self.english)
                if spans:
                    return spans[-1][0]
            return len(self.english)

        return self._get("tail", make)

    def aligned_chinese(self, offset: int) -> tuple[int, int] | None:
        """The Chinese span aligned with the English sentence holding ``offset``.

        ``None`` when that sentence is the cut last one of a truncated source or has no counterpart.
        """
        pair = self.aligned_pair(offset)
        return pair[1] if pair else None

    def aligned_pair(self, offset: int) -> tuple[tuple[int, int], tuple[int, int]] | None:
        """The English and Chinese spans of the alignment link holding English ``offset`` (see above)."""
        if offset >= self.tail_start:
            return None
        alignment = self._get("alignment", lambda: align_entry(self.entry))
        for pair in alignment.pairs:
            if pair.en is not None and pair.en[0] <= offset < pair.en[1]:
                return None if pair.zh is None or pair.tail else (pair.en, pair.zh)
        return (0, len(self.english)), (0, len(self.chinese))  # between sentences: the whole texts

    def parenthesised(self, key: str, *, after_only: bool = False) -> bool:
        """Whether the English writes the acronym ``key`` in parentheses or right before a parenthesis
        (``after_only``: right before a parenthesis that does not spell it out)."""
        d = self.definition(key)
        defined = {d.short_span} if d is not None and d.long_span > d.short_span else set()
        for span in self.names[key].spans if key in self.names else ():
            if span in defined:
                continue
            if self.masked[span[1] : span[1] + 2].lstrip().startswith("("):
                return True
            if not after_only and self.masked[max(0, span[0] - 2) : span[0]].rstrip().endswith("("):
                return True
        return False

    def on_word_boundaries(self, start: int, end: int) -> bool:
        """Whether ``chinese[start:end]`` begins and ends between words.

        Words as the lexicon segments them: greedy longest match against CC-CEDICT and the glossary.
        """
        inside = self._get("bounds", self._word_bounds)
        return start not in inside and end not in inside

    def _word_bounds(self) -> frozenset[int]:
        from evalkit.align.lexicon import load_lexicon

        glosses = load_lexicon().glosses
        text = self.chinese
        inside: set[int] = set()  # positions strictly inside a word
        for run in _CJK_RUN.finditer(text):
            i = run.start()
            while i < run.end():
                size = next((n for n in (4, 3, 2) if i + n <= run.end() and text[i : i + n] in glosses), 1)
                inside.update(range(i + 1, i + size))
                i += size
        return frozenset(inside)
