"""Benchmark evalkit's TER against sacrebleu's on Chinese abstracts, and check they agree exactly.

    python bench/ter_bench.py [--segments 50] [--seed N] [--corpus DIR]

Segments are real Chinese abstracts from the shared corpus (``../shared/corpus/raw`` beside the
checkout or a folder above it, ``$EVALKIT_CORPUS``, or ``--corpus``), drawn with a fixed seed. Half
of them are scored against a post-edit-like copy of themselves (two neighbouring sentences swapped
and a few characters substituted, dropped or moved: a close reference with shifts to find), the
other half against a different abstract (the slow case: nearly every character recurs, so the shift
search spends its whole candidate budget).

Both sides get the same texts and evalkit's default TER options (normalised, Asian support). The
sacrebleu side is what evalkit computed before: ``TER._extract_corpus_statistics`` segment by
segment; the evalkit side is ``Ter.segment_statistics`` with its text caches emptied first. Every
``(edits, reference length)`` row must be identical (values and types); the script prints the times,
the speed-up per kind and overall, and exits 1 on any difference. The corpus is third-party data: it
is only read, never copied. Skips with a message when it is absent.
"""

from __future__ import annotations

import argparse
import os
import random
import re
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

#: The shared corpus beside the checkout (a worktree may sit one folder deeper), or $EVALKIT_CORPUS.
CORPUS = Path(os.environ.get("EVALKIT_CORPUS") or next(
    (p / "shared" / "corpus" / "raw" for p in ROOT.parents if (p / "shared" / "corpus" / "raw").is_dir()),
    ROOT.parent / "shared" / "corpus" / "raw",
))


def abstracts(corpus: Path) -> list[str]:
    """Distinct Chinese abstracts of the corpus digests, in file order."""
    from evalkit.parse.digest import parse_digest
    from evalkit.parse.reader import read_source

    seen: dict[str, None] = {}
    for path in sorted(corpus.rglob("*.md")):
        for entry in parse_digest(read_source(str(path))).issue.entries:
            text = entry.abstract_zh.strip()
            if len(text) >= 80:  # a real abstract, not a stub
                seen.setdefault(text)
    return list(seen)


def post_edit(text: str, rng: random.Random) -> str:
    """A reference close to ``text``: two neighbouring sentences swapped, a few characters changed."""
    sentences = [s for s in re.split(r"(?<=。)", text) if s]
    if len(sentences) > 2:
        k = rng.randrange(len(sentences) - 1)
        sentences[k], sentences[k + 1] = sentences[k + 1], sentences[k]
    chars = list("".join(sentences))
    for _ in range(rng.randint(3, 12)):
        k = rng.randrange(len(chars))
        roll = rng.random()
        if roll < 0.4:
            chars[k] = rng.choice(chars)  # a different word choice
        elif roll < 0.7:
            del chars[k]
        else:  # a phrase moved elsewhere
            block = chars[k : k + rng.randint(2, 6)]
            del chars[k : k + len(block)]
            at = rng.randint(0, len(chars))
            chars[at:at] = block
    return "".join(chars)


def segments(texts: list[str], count: int, seed: int) -> dict[str, tuple[list[str], list[str]]]:
    """``kind -> (hypotheses, references)`` for the two kinds, ``count`` segments in all."""
    rng = random.Random(seed)
    picked = rng.sample(texts, min(len(texts), count + count // 2 + 1))
    close = count - count // 2
    hyps = picked[:close]
    refs = [post_edit(t, rng) for t in hyps]
    other = picked[close:]
    unrelated = (other[: count // 2], other[1 : count // 2 + 1])
    return {"post-edit": (hyps, refs), "unrelated": unrelated}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--segments", type=int, default=50, help="segments in all, half of each kind (default 50)")
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument("--corpus", type=Path, default=CORPUS)
    args = parser.parse_args()
    if not args.corpus.is_dir():
        print(f"skipped: the shared corpus is not at {args.corpus}")
        return 0

    from sacrebleu.metrics import TER

    from evalkit.config import SacrebleuSettings
    from evalkit.memo import clear_text_caches
    from evalkit.metrics.sacrebleu_metrics import Ter

    settings = SacrebleuSettings()
    sacrebleu = TER(
        normalized=settings.ter_normalized,
        asian_support=settings.ter_asian_support,
        case_sensitive=settings.ter_case_sensitive,
        no_punct=settings.ter_no_punct,
    )
    evalkit = Ter(settings)
    texts = abstracts(args.corpus)
    if len(texts) < args.segments + 2:
        print(f"skipped: only {len(texts)} abstracts under {args.corpus}")
        return 0

    print(f"TER with evalkit's default options on Chinese abstracts from {args.corpus}")
    total_old = total_new = 0.0
    n_total = 0
    same = True
    for kind, (hyps, refs) in segments(texts, args.segments, args.seed).items():
        for text in hyps + refs:  # warm sacrebleu's tokeniser cache, which both sides share
            sacrebleu._preprocess_segment(text)
        start = time.perf_counter()
        old = [sacrebleu._extract_corpus_statistics([h], [[r]])[0] for h, r in zip(hyps, refs)]
        t_old = time.perf_counter() - start
        clear_text_caches()
        start = time.perf_counter()
        new = evalkit.segment_statistics(hyps, [refs])
        t_new = time.perf_counter() - start
        identical = old == new and all(
            [type(x) for x in a] == [type(x) for x in b] for a, b in zip(old, new)
        )
        same = same and identical
        chars = sum(len(h) for h in hyps) / len(hyps)
        print(
            f"  {kind:9}  {len(hyps):3} segments (~{chars:.0f} chars):  sacrebleu {t_old:8.2f} s"
            f"  ({t_old / len(hyps) * 1000:6.0f} ms/segment)   evalkit {t_new:6.3f} s"
            f"  ({t_new / len(hyps) * 1000:5.1f} ms/segment)   speed-up {t_old / t_new:6.1f}x"
            f"   statistics {'identical' if identical else 'DIFFERENT'}"
        )
        total_old += t_old
        total_new += t_new
        n_total += len(hyps)
    print(
        f"  all        {n_total:3} segments:                sacrebleu {total_old:8.2f} s"
        f"                      evalkit {total_new:6.3f} s                      speed-up {total_old / total_new:6.1f}x"
    )
    signature = evalkit.signature()
    same = same and signature == sacrebleu.get_signature().format()
    print(f"signature {signature} ({'the same as' if same else 'NOT'} sacrebleu's)")
    print("statistics identical on every segment" if same else "statistics or signature DIFFER")
    return 0 if same else 1


if __name__ == "__main__":
    sys.exit(main())
