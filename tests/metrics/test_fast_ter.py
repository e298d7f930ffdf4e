"""evalkit's fast TER (``evalkit.metrics.fast_ter``) gives sacrebleu's TER statistics exactly.

Every comparison is against sacrebleu itself, run on the same input: ``lib_ter.translation_edit_rate``
for token lists, ``TER._extract_corpus_statistics`` for texts. Equal means ``==`` on the edit count
and the reference length, and the same types. The random inputs use tiny vocabularies, so that
nearly every word recurs: that is what makes many shift candidates, ties between them, and the
candidate budget run out (the Chinese case, where most characters recur within an abstract).
"""

from __future__ import annotations

import random

import pytest
from hypothesis import given, settings, strategies as st
from sacrebleu.metrics import TER, lib_ter

from evalkit.config import SacrebleuSettings
from evalkit.metrics import fast_ter
from evalkit.metrics.sacrebleu_metrics import Ter, TerAligned, group_statistics
from evalkit.metrics.sentences import sentence_groups


def assert_same(hyp: list[str], ref: list[str]) -> None:
    expected = lib_ter.translation_edit_rate(hyp, ref)
    got = fast_ter.translation_edit_rate(hyp, ref)
    assert got == expected, (hyp, ref)
    assert [type(x) for x in got] == [type(x) for x in expected]


def test_the_limits_are_sacrebleus():
    assert fast_ter.MAX_SHIFT_SIZE == lib_ter._MAX_SHIFT_SIZE
    assert fast_ter.MAX_SHIFT_DIST == lib_ter._MAX_SHIFT_DIST
    assert fast_ter.BEAM_WIDTH == lib_ter._BEAM_WIDTH
    assert fast_ter.MAX_SHIFT_CANDIDATES == lib_ter._MAX_SHIFT_CANDIDATES


@pytest.mark.parametrize(
    "hyp, ref",
    [
        ("", ""),
        ("a b c", ""),  # empty reference: every word an edit, length 0
        ("", "a b c"),  # empty hypothesis: every reference word inserted
        ("a", "a"),
        ("a", "b"),
        ("a b c d", "a b c d"),
        ("c d a b", "a b c d"),  # one block shift
        ("b a", "a b"),
        ("d e f a b c g", "a b c d e f g"),
        ("the cat sat on the mat", "on the mat the cat sat"),
        ("a a a a b", "b a a a a"),  # repeated tokens: many equal candidates
        ("a b a b a b", "b a b a b a"),
        ("x y z", "a b c"),  # nothing in common
        ("a b c d e f g h i j k l", "g h i j k l a b c d e f"),  # a block longer than the shift limit
        ("a " * 30 + "b", "b " + "a " * 30),  # the block would travel further than allowed
        ("w1 w2 w3", " ".join(f"w{k}" for k in range(1, 200))),  # very unequal lengths: wider beam
        (" ".join(f"w{k}" for k in range(1, 200)), "w3 w2 w1"),
    ],
)
def test_hand_written_cases(hyp: str, ref: str):
    assert_same(hyp.split(), ref.split())


def test_alignments_that_leave_the_beam():
    # 35 extra words before the match: the best path runs further off the diagonal than the beam
    # reaches, so the beam-limited distance (48) is not the Levenshtein distance (35)
    words = [f"t{k}" for k in range(40)]
    extra = [f"x{k}" for k in range(35)]
    assert lib_ter.BeamEditDistance(extra + words)(words)[0] == 48
    assert_same(words, extra + words)
    assert_same(extra + words, words)
    assert_same(words[::-1], extra + words)


def test_the_candidate_budget_runs_out_as_in_sacrebleu(monkeypatch):
    # sacrebleu stops after 1000 candidates over all rounds and does not apply the shift of the round
    # in which the budget ran out; this input gets there (checked through sacrebleu's own counter)
    rng = random.Random(7)
    hyp = [rng.choice("ab") for _ in range(60)]
    ref = [rng.choice("ab") for _ in range(60)]
    counts: list[int] = []
    shift = lib_ter._shift

    def counting(*args):
        result = shift(*args)
        counts.append(result[2])
        return result

    monkeypatch.setattr(lib_ter, "_shift", counting)
    expected = lib_ter.translation_edit_rate(hyp, ref)
    assert counts[-1] >= lib_ter._MAX_SHIFT_CANDIDATES
    assert fast_ter.translation_edit_rate(hyp, ref) == expected


@settings(max_examples=300, deadline=None, derandomize=True)
@given(
    st.lists(st.sampled_from("abc"), max_size=24),
    st.lists(st.sampled_from("abc"), max_size=24),
)
def test_random_token_sequences_from_a_small_vocabulary(hyp, ref):
    assert_same(hyp, ref)


@settings(max_examples=150, deadline=None, derandomize=True)
@given(st.data())
def test_random_reference_and_a_shuffled_edit_of_it(data):
    # the usual TER input: a hypothesis close to the reference, with blocks moved
    ref = data.draw(st.lists(st.sampled_from("abcde"), min_size=1, max_size=40))
    hyp = list(ref)
    for _ in range(data.draw(st.integers(0, 4))):
        i = data.draw(st.integers(0, len(hyp) - 1))
        j = data.draw(st.integers(i + 1, min(len(hyp), i + 8)))
        block, rest = hyp[i:j], hyp[:i] + hyp[j:]
        k = data.draw(st.integers(0, len(rest)))
        hyp = rest[:k] + block + rest[k:]
    if data.draw(st.booleans()):
        hyp[data.draw(st.integers(0, len(hyp) - 1))] = data.draw(st.sampled_from("abcdef"))
    assert_same(hyp, ref)


def test_seeded_random_shapes():
    # lengths from 0 to 60 in every ratio (beam edges, the widened beam, the shift distance limit)
    rng = random.Random(2024)
    for _ in range(60):
        vocab = "abcdefghij"[: rng.choice([1, 2, 3, 5, 10])]
        n_hyp = rng.choice([0, 1, 2, 5, 13, 30, 60])
        n_ref = rng.choice([0, 1, 2, 5, 13, 30, 60, n_hyp + 1, max(0, n_hyp - 2)])
        assert_same([rng.choice(vocab) for _ in range(n_hyp)], [rng.choice(vocab) for _ in range(n_ref)])
    for n_hyp, n_ref in ((1, 60), (2, 120), (3, 130), (120, 2)):  # a ratio above 50 widens the beam
        assert_same([rng.choice("ab") for _ in range(n_hyp)], [rng.choice("ab") for _ in range(n_ref)])


def test_every_shift_is_priced_as_sacrebleus_beam_edit_distance():
    # an internal check, stronger than the results above: the distance fast_ter computes for a
    # shifted hypothesis (only the rows between the shift's ends, bit-parallel, joined to the
    # distances to the end) equals sacrebleu's BeamEditDistance of that hypothesis, for every
    # block and target, including those sacrebleu would not try
    rng = random.Random(11)
    for _ in range(16):
        n_hyp, n_ref = rng.choice([1, 3, 8, 18]), rng.choice([1, 4, 9, 18, 45])
        hyp = [rng.choice("abc") for _ in range(n_hyp)]
        ref = [rng.choice("abc") for _ in range(n_ref)]
        ids = {w: k for k, w in enumerate(dict.fromkeys(ref))}
        search = fast_ter._ShiftSearch([ids.get(w, len(ids)) for w in hyp], [ids[w] for w in ref], len(ids) + 1)
        search._forward_from(1)
        search._backward_from(1)
        pre = search.forward.last(search.fwd[n_hyp])
        assert pre == lib_ter.BeamEditDistance(ref)(hyp)[0]
        for start in range(n_hyp):
            for length in range(1, min(fast_ter.MAX_SHIFT_SIZE, n_hyp - start) + 1):
                for target in range(n_hyp + 1):
                    shifted = lib_ter._perform_shift(hyp, start, length, target)
                    expected = lib_ter.BeamEditDistance(ref)(shifted)[0]
                    assert search._candidate_distance(start, length, target, pre) == expected


# -- texts, through evalkit's Ter and sacrebleu's tokeniser -------------------------------------

TEXTS = [
    ("", "我们提出了一种新方法。"),
    ("我们提出了一种新方法。", ""),
    ("我们提出了一种新方法。", "我们提出了一种新方法。"),
    ("中文分词通常在完整句子上进行。", "中文分词通常在完整的句子上进行。"),
    ("实验表明，该方法在ImageNet上提高了3.5%的准确率。", "该方法在 ImageNet 上将准确率提高了 3.5%，实验如此表明。"),
    ("我们使用BERT-base和GPT-2模型，训练了100个epoch。", "我们训练了 100 个 epoch，使用 BERT-base 与 GPT-2 模型。"),
    ("本文研究了大语言模型（LLM）的推理能力：结果令人惊讶！", "结果令人惊讶！本文研究了大型语言模型（LLM）的推理能力。"),
    ("Transformer 在 2017 年提出；它改变了 NLP。", "它改变了NLP；Transformer在2017年提出。"),
    ("A/B测试表明该方法能提高68%的保留率。", "a/b 测试表明，这种方法可以把保留率提高 68%。"),
    ("数据&lt;标签&gt;对齐\n-后的结果", "对齐后的数据<标签>结果"),
    ("我们用Shapley's值解释模型。", "我们用 Shapley's, 值来解释模型。"),  # see the test below
]

OPTIONS = [
    SacrebleuSettings(),  # evalkit's defaults: normalised, Asian support
    SacrebleuSettings(ter_normalized=False, ter_asian_support=False),
    SacrebleuSettings(ter_normalized=False, ter_asian_support=True),
    SacrebleuSettings(ter_case_sensitive=True, ter_no_punct=True),
    SacrebleuSettings(ter_no_punct=True),
]


def sacrebleu_ter(options: SacrebleuSettings) -> TER:
    return TER(
        normalized=options.ter_normalized,
        asian_support=options.ter_asian_support,
        case_sensitive=options.ter_case_sensitive,
        no_punct=options.ter_no_punct,
    )


@pytest.mark.parametrize("options", OPTIONS, ids=["defaults", "plain", "asian-only", "case-nopunct", "nopunct"])
def test_segment_statistics_equal_sacrebleus_for_chinese_text(options):
    ter = sacrebleu_ter(options)
    hyps = [h for h, _ in TEXTS]
    refs = [r for _, r in TEXTS]
    expected = ter._extract_corpus_statistics(hyps, [refs])
    for (hyp, ref), row in zip(TEXTS, expected):
        got = fast_ter.segment_statistics(ter, hyp, [ref])
        assert got == row and [type(x) for x in got] == [type(x) for x in row], (hyp, ref)
    metric = Ter(options)
    assert metric.segment_statistics(hyps, [refs]) == expected
    assert metric.signature() == str(ter.get_signature())  # the same measure, so the same signature


#: Pieces of text the tokeniser treats specially: entities, possessives, digits with points and
#: dashes, line-end hyphens, CJK and full-width punctuation, kana.
PIECES = ["a", "B", "3", ".", ",", "-", "'s", " ", "&amp;", "&quot;", "&lt;", "\n-", "\n", "?", "(", ")",
          "中", "文", "模", "型", "。", "，", "（", "）", "ア", "あ", "・", "GPT", "2"]


@settings(max_examples=150, deadline=None, derandomize=True)
@given(
    st.lists(st.sampled_from(PIECES), max_size=14).map("".join),
    st.lists(st.sampled_from(PIECES), max_size=14).map("".join),
    st.sampled_from(OPTIONS),
)
def test_random_texts_under_every_option(hyp, ref, options):
    ter = sacrebleu_ter(options)
    (expected,) = ter._extract_corpus_statistics([hyp], [[ref]])
    got = fast_ter.segment_statistics(ter, hyp, [ref])
    assert got == expected and [type(x) for x in got] == [type(x) for x in expected]


def test_references_are_tokenised_twice_as_sacrebleu_does():
    # sacrebleu tokenises each reference twice and its tokeniser is not idempotent ("newton's." ->
    # "newton's ." -> "newton 's ."), so even a hypothesis equal to its reference has an edit
    ter = sacrebleu_ter(SacrebleuSettings())
    text = "我们用Newton's.方法求解。"
    (expected,) = ter._extract_corpus_statistics([text], [[text]])
    assert expected[0] > 0
    assert fast_ter.segment_statistics(ter, text, [text]) == expected
    assert Ter().segment_statistics([text], [[text]]) == [expected]


def test_several_references_keep_the_fewest_edits_and_the_average_length():
    ter = sacrebleu_ter(SacrebleuSettings())
    hyp = TEXTS[4][0]
    refs = [TEXTS[4][1], TEXTS[5][1], ""]
    expected = ter._extract_corpus_statistics([hyp], [[r] for r in refs])
    assert fast_ter.segment_statistics(ter, hyp, refs) == expected[0]
    assert Ter().segment_statistics([hyp], [[r] for r in refs]) == expected


def test_the_signature_is_sacrebleus():
    metric = Ter()
    metric.corpus_score([h for h, _ in TEXTS], [[r for _, r in TEXTS]])
    ter = sacrebleu_ter(SacrebleuSettings())
    ter.corpus_score([h for h, _ in TEXTS], [[r for _, r in TEXTS]])
    assert metric.signature() == str(ter.get_signature())


def test_ter_aligned_groups_equal_sacrebleu_over_the_groups():
    ter = sacrebleu_ter(SacrebleuSettings())
    hyp = "。".join(h.rstrip("。") for h, _ in TEXTS[3:8]) + "。"
    ref = "。".join(r.rstrip("。") for _, r in TEXTS[3:8]) + "。"
    groups = sentence_groups(hyp, ref)
    expected = [sum(c) for c in zip(*ter._extract_corpus_statistics([g[0] for g in groups], [[g[1] for g in groups]]))]
    assert list(group_statistics(SacrebleuSettings(), hyp, ref)) == expected
    assert TerAligned().segment_statistics([hyp], [[ref]]) == [expected]


def test_a_segment_without_references_is_refused_as_before():
    with pytest.raises(RuntimeError):
        Ter().segment_statistics(["我们"], [[None]])
    with pytest.raises(ValueError):
        fast_ter.segment_statistics(sacrebleu_ter(SacrebleuSettings()), "我们", [])
