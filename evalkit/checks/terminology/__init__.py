"""``terminology``: glossary violations, dropped acronyms and acronym expansions the English does not give.

Five codes, read from the English abstract and its Chinese translation (``references/glossary.tsv``
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
  reported: acronyms translators usually render in Chinese (``data/rendered_acronyms.tsv``); acronyms
  whose known expansion (``data/known_expansions.tsv``, or the initials of a multi-word glossary term) the
  Chinese renders with a glossary rendering (PDE -> 偏微分方程); an acronym the English only introduces in
  parentheses and never uses again; an all-capital acronym with no known expansion whose aligned Chinese
  sentence holds otherwise unexplained words spelling its letters (:func:`spelled_out`: 用户设备 for UE);
  occurrences in the cut last sentence or in an untranslated sentence.
* ``terminology.invented-expansion`` (warning): the Chinese writes an acronym with a parenthetical Chinese
  expansion ("LLMs（逻辑-概率模型）"), or a Chinese term with the acronym in parentheses, and the expansion
  contradicts what the acronym stands for. The English expansion is found with the algorithm of Schwartz
  & Hearst, "A simple algorithm for identifying abbreviation definitions in biomedical text" (PSB 2003): a
  parenthesised short form next to a long form whose words supply its letters in order. Without one,
  ``data/known_expansions.tsv`` stands in, and only when the English puts no parenthesis of its own next
  to the acronym (the Chinese may mirror "RNNs (linear and non-linear)"). docs/format.md §14 finds an acronym
  with a parenthetical in 3.7% of real abstracts, mostly correct, and a dictionary knows few synonyms, so
  only clear contradictions count (:mod:`~evalkit.checks.terminology.expansions`): a forbidden rendering
  of the glossary term the expansion holds; or, for an expansion that is a glossary term, none of its renderings and no
  word of it; or, for a parenthetical after an English-defined acronym, no word in common with the
  expansion nor with anything else in the English. A Chinese term before a parenthesised acronym is
  judged through the glossary only, since where that term starts is unknown.
* ``terminology.wrong-sense`` (warning): a technical term of the English rendered with the everyday sense
  of its word (transformers -> 变压器, image patches -> 补丁, a bandit's regret -> 后悔), from the reviewed
  rows of ``data/wrong_senses.tsv`` (:mod:`~evalkit.checks.terminology.wrong_sense`).

Findings are computed once per (English, Chinese) pair: entries are republished verbatim in many digests.

The package: :mod:`~evalkit.checks.terminology.check` registers the check and runs its parts,
:mod:`~evalkit.checks.terminology.glossary_terms` (forbidden, glossary),
:mod:`~evalkit.checks.terminology.acronyms` (acronym-dropped) and
:mod:`~evalkit.checks.terminology.expansions` (invented-expansion) on what they share:
:mod:`~evalkit.checks.terminology.names` (acronyms and names in both languages),
:mod:`~evalkit.checks.terminology.definitions` (Schwartz & Hearst), :mod:`~evalkit.checks.terminology.context`
(one entry, computed once), :mod:`~evalkit.checks.terminology.common` and
:mod:`~evalkit.checks.terminology.tables` (the word tables in ``data/``).
"""

from __future__ import annotations

# importing the check module registers the check (load_checks imports this package, not its modules)
from evalkit.checks.terminology.acronyms import spelled_out
from evalkit.checks.terminology.check import Terminology
from evalkit.checks.terminology.definitions import find_definitions
from evalkit.checks.terminology.names import chinese_latin_keys, english_names, is_name, mask_english

__all__ = [
    "Terminology",
    "chinese_latin_keys",
    "english_names",
    "find_definitions",
    "is_name",
    "mask_english",
    "spelled_out",
]
