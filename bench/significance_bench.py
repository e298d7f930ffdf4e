"""Do ``evalkit compare``'s p-values equal sacrebleu's ``--paired-bs`` and ``--paired-ar``?

    python bench/significance_bench.py [--keep DIR]

Data: the largest digest of the shared corpus (647 entries). The corpus has no reference translations,
so the benchmark makes a pseudo-reference set: each entry's own Chinese abstract. Two systems are then
derived from it with seeded, different edits (a dropped last sentence, a changed number, a dropped
clause) on about 12% of the entries each, so both differ from the reference and from each other. That is
enough for the question asked here, which is only whether the two implementations give the same numbers
on the same segments.

The benchmark runs, on the same texts: ``evalkit compare A.md B.md --references REFS -m bleu -m chrf -f json``
(default, ties counted) and the same with ``--sacrebleu-ties``; and ``sacrebleu REF -i A B -m bleu chrf
--tokenize zh --paired-bs|--paired-ar -f json`` with SACREBLEU_SEED=12345. It prints each p-value and the
time of each run. Skipped, with a note, when the corpus is absent.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT.parent / "shared" / "corpus" / "raw"
BIN = Path(sys.executable).parent
SENTENCE_END = re.compile(r"(?<=[。！？])")


def largest_digest() -> Path:
    """The corpus file with the most entries (ties: the largest file)."""
    files = sorted(CORPUS.glob("*/*.md"))
    return max(files, key=lambda p: (p.read_text(encoding="utf-8").count("\n[^"), p.stat().st_size))


def edit(text: str, rng: random.Random) -> str:
    """One seeded edit of a Chinese abstract: drop its last sentence, change a number, or drop a clause."""
    sentences = [s for s in SENTENCE_END.split(text) if s]
    kind = rng.randrange(3)
    if kind == 0 and len(sentences) > 1:
        return "".join(sentences[:-1])
    if kind == 1 and re.search(r"\d", text):
        return re.sub(r"\d+", lambda m: str(int(m.group()) * 10), text, count=1)
    clauses = text.split("，")
    if len(clauses) > 2:
        del clauses[rng.randrange(1, len(clauses) - 1)]
        return "，".join(clauses)
    return text + "此外，我们还讨论了未来的工作。"


def system_lines(abstracts: list[str], seed: int, share: float = 0.12) -> list[str]:
    """The abstracts with ``share`` of them edited (which ones and how: from ``seed``)."""
    rng = random.Random(seed)
    return [edit(a, rng) if rng.random() < share else a for a in abstracts]


def write_digest(original: str, lines_of_abstracts: list[int], new_abstracts: list[str], path: Path) -> None:
    """The original digest with each Chinese abstract line replaced (the generator indents it by 4 spaces)."""
    lines = original.split("\n")
    for number, text in zip(lines_of_abstracts, new_abstracts):
        lines[number - 1] = "    " + text
    path.write_text("\n".join(lines), encoding="utf-8")


def run(argv: list[str], env: dict[str, str] | None = None) -> tuple[float, str]:
    """Wall time and stdout of a command; a failure stops the benchmark with its stderr."""
    start = time.perf_counter()
    done = subprocess.run(argv, capture_output=True, text=True, env=env)
    elapsed = time.perf_counter() - start
    if done.returncode != 0:
        sys.exit(f"failed ({done.returncode}): {' '.join(argv)}\n{done.stderr[-2000:]}")
    return elapsed, done.stdout


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--keep", metavar="DIR", help="Write the data and outputs here (default: a temporary directory).")
    args = parser.parse_args()
    if not CORPUS.is_dir():
        print(f"skipped: no corpus at {CORPUS}")
        return
    from evalkit.parse import parse_digest, read_source

    source = largest_digest()
    issue = parse_digest(read_source(str(source))).issue
    entries = [e for e in issue.entries if e.arxiv_id and e.abstract_zh.strip()]
    work = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="evalkit-significance-"))
    work.mkdir(parents=True, exist_ok=True)
    original = source.read_text(encoding="utf-8")
    abstracts = [e.abstract_zh for e in entries]
    a_lines, b_lines = system_lines(abstracts, seed=1), system_lines(abstracts, seed=2)
    numbers = [e.line_of("abstract_zh") for e in entries]
    (work / "a").mkdir(exist_ok=True)
    (work / "b").mkdir(exist_ok=True)
    write_digest(original, numbers, a_lines, work / "a" / source.name)
    write_digest(original, numbers, b_lines, work / "b" / source.name)
    refs = work / "references"
    refs.mkdir(exist_ok=True)
    with open(refs / "pseudo.jsonl", "w", encoding="utf-8") as fh:
        for e in entries:
            provenance = {"who": "the digest generator", "when": "2026-08-18", "how": "machine translation (pseudo-reference)"}
            fh.write(json.dumps({"arxiv_id": e.arxiv_id, "abstract": e.abstract_zh, "provenance": provenance}, ensure_ascii=False) + "\n")
    for name, lines in (("ref.txt", abstracts), ("a.txt", a_lines), ("b.txt", b_lines)):
        (work / name).write_text("\n".join(lines) + "\n", encoding="utf-8")

    evalkit = [str(BIN / "evalkit"), "compare", str(work / "a" / source.name), str(work / "b" / source.name), "-n", "a", "-n", "b",
               "--references", str(refs), "-m", "bleu", "-m", "chrf", "-f", "json", "--no-config", "-q"]
    t_default, out_default = run(evalkit)
    t_ties, out_ties = run(evalkit + ["--sacrebleu-ties"])
    ours = {m["name"]: m for m in json.loads(out_default)["comparisons"][0]["measures"]}
    ours_ties = {m["name"]: m for m in json.loads(out_ties)["comparisons"][0]["measures"]}
    env = dict(os.environ, SACREBLEU_SEED="12345")
    sacre = {}
    for test in ("bs", "ar"):
        argv = [str(BIN / "sacrebleu"), str(work / "ref.txt"), "-i", str(work / "a.txt"), str(work / "b.txt"),
                "-m", "bleu", "chrf", "--tokenize", "zh", f"--paired-{test}", "-f", "json"]
        elapsed, out = run(argv, env)
        sacre[test] = (elapsed, json.loads(out))
    print(f"data: {source.relative_to(CORPUS)}, {len(entries)} entries; a edits {sum(x != y for x, y in zip(abstracts, a_lines))},"
          f" b edits {sum(x != y for x, y in zip(abstracts, b_lines))}; work dir {work}")
    print(f"evalkit compare (bleu+chrf, checks, both tests): {t_default:.1f} s; with --sacrebleu-ties {t_ties:.1f} s;"
          f" sacrebleu --paired-bs {sacre['bs'][0]:.1f} s, --paired-ar {sacre['ar'][0]:.1f} s")
    print()
    print("| metric | test | sacrebleu CLI p | evalkit p (ties counted) | evalkit p (--sacrebleu-ties) | equal | evalkit score a / b |")
    print("|---|---|---|---|---|---|---|")
    names = {"bleu": "BLEU", "chrf": "chrF2"}
    for metric, label in names.items():
        for test in ("bs", "ar"):
            rows = sacre[test][1]
            system_b = next(r for r in rows if r.get("system") == str(work / "b.txt") or r.get("system", "").endswith("b.txt"))
            p = system_b[label]["p_value"] if isinstance(system_b[label], dict) else None
            mine, mine_ties = ours[metric][f"p_{test}"], ours_ties[metric][f"p_{test}"]
            same = "yes" if p == mine == mine_ties else ("with --sacrebleu-ties" if p == mine_ties else "no")
            print(f"| {metric} | {test} | {p!r} | {mine!r} | {mine_ties!r} | {same} | {ours[metric]['baseline']:.4f} / {ours[metric]['system']:.4f} |")


if __name__ == "__main__":
    main()
