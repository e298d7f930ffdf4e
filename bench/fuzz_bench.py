"""Fuzz evalkit's parser, segmenters, aligner, checks and report; count executions without a failure.

    python bench/fuzz_bench.py [--seconds 300] [--execs N] [--seed S] [--crashes DIR] [--hypothesis]

Mutation fuzzing: start from the hand-written fixtures and builder-made digests, apply random byte- and
line-level mutations (bit flips, interesting bytes, insertions of hostile snippets, deletions,
duplications, splices with another input, truncation, line swaps and repeats), and run each result
through decode → parse → every registered check → alignment → the canonical JSON report. The invariants
are those of the property tests (:mod:`tests.property.invariants`): only evalkit's own typed errors may
escape, line numbers and spans stay inside the text; every 50th input is also reported twice and must
give the same bytes. A failing input is saved to ``--crashes`` with its traceback.

``--hypothesis`` also runs ``tests/property`` and ``tests/hardening`` under the ``evalkit-fuzz`` profile
(``EVALKIT_FUZZ=1``) with Hypothesis statistics, and sums the passing examples.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import random
import re
import subprocess
import sys
import time
import traceback
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from evalkit.config import Config  # noqa: E402
from evalkit.errors import EvalkitError  # noqa: E402
from evalkit.memo import clear_text_caches  # noqa: E402
from evalkit.parse import decode, parse_digest  # noqa: E402
from evalkit.pipeline import active_checks, check_issue  # noqa: E402
from evalkit.records import RunResult  # noqa: E402
from evalkit.report.canonical import build_report, dumps_report  # noqa: E402
from tests.digest_builder import FIXTURES, build_digest, make_entry, s1_title, s3_abstract  # noqa: E402
from tests.property.invariants import (  # noqa: E402
    all_checks,
    assert_alignment,
    assert_parse_invariants,
    assert_segmentation,
    run_checks,
)
from tests.property.strategies import SPECIALS  # noqa: E402

MAX_SIZE = 256 * 1024
INTERESTING = [0x00, 0x01, 0x09, 0x0A, 0x0D, 0x20, 0x24, 0x28, 0x29, 0x5B, 0x5D, 0x5C, 0x7C, 0x7F, 0x80, 0xBF, 0xC0, 0xC3,
               0xE4, 0xEF, 0xF0, 0xFE, 0xFF]
CONFIG = Config(use_references=False, bootstrap=0)


def seeds() -> list[bytes]:
    out = [p.read_bytes() for p in sorted(FIXTURES.glob("*.md"))]
    examples = ROOT / "examples"
    out += [p.read_bytes() for p in sorted(examples.glob("*.md"))] if examples.is_dir() else []
    entries = [make_entry(1), make_entry(2).but(title_en=s1_title("Old style.", "2401.10002", 1, "cs.CL"),
                                                link="http://arxiv.org/abs/2401.10002"),
               make_entry(3).but(abstract_en=s3_abstract("2401.10003", 2, "cross", make_entry(3).abstract_en)[:1000])]
    out.append(build_digest(entries).encode())
    return out


def mutate(data: bytes, pool: list[bytes], rng: random.Random) -> bytes:
    buf = bytearray(data)
    for _ in range(rng.choice([1, 1, 2, 3, 5, 8])):
        op = rng.randrange(11)
        n = len(buf)
        at = rng.randrange(n + 1)
        if op == 0 and n:  # bit flip
            buf[min(at, n - 1)] ^= 1 << rng.randrange(8)
        elif op == 1 and n:  # interesting byte
            buf[min(at, n - 1)] = rng.choice(INTERESTING)
        elif op == 2:  # hostile snippet
            buf[at:at] = rng.choice(SPECIALS).encode("utf-8", "surrogatepass")
        elif op == 3 and n:  # delete a range
            del buf[at : at + rng.randint(1, 64)]
        elif op == 4 and n:  # duplicate a range
            start = rng.randrange(n)
            buf[at:at] = buf[start : start + rng.randint(1, 256)]
        elif op == 5:  # splice with another input
            other = rng.choice(pool)
            if other:
                start = rng.randrange(len(other))
                buf[at:] = other[start : start + rng.randint(1, 4096)] + buf[at:]
        elif op == 6 and n:  # truncate
            del buf[at:]
        elif op == 7:  # line-level: duplicate, delete or swap lines
            lines = bytes(buf).split(b"\n")
            i, j = rng.randrange(len(lines)), rng.randrange(len(lines))
            choice = rng.randrange(3)
            if choice == 0:
                lines.insert(i, lines[j])
            elif choice == 1 and len(lines) > 1:
                del lines[i]
            else:
                lines[i], lines[j] = lines[j], lines[i]
            buf = bytearray(b"\n".join(lines))
        elif op == 8:  # repeat a chunk many times (long lines, deep nesting)
            start = rng.randrange(n) if n else 0
            chunk = bytes(buf[start : start + rng.randint(1, 8)]) or b"("
            buf[at:at] = chunk * rng.randint(10, 5000)
        elif op == 9:  # random bytes
            buf[at:at] = bytes(rng.randrange(256) for _ in range(rng.randint(1, 16)))
        elif op == 10:  # a field-looking line
            buf[at:at] = rng.choice([b"\n\n    ", b"\n[^7]: ", b"\n| [^3] | [", b"\n# \xe8\xaf\xa6\xe7\xbb\x86\n", b"\n    \n"])
        if len(buf) > MAX_SIZE:
            del buf[MAX_SIZE:]
    return bytes(buf)


CHECKS = None
PIPELINE_CHECKS = None


def execute(data: bytes, check_determinism: bool) -> str:
    """One execution; returns "refused" or "parsed". Raises on any invariant violation or crash."""
    try:
        result = parse_digest(decode("fuzz.md", data))
    except EvalkitError:
        return "refused"
    assert_parse_invariants(result)
    issue = result.issue
    run_checks(issue, CHECKS)
    for entry in issue.entries:
        assert_segmentation(entry.abstract_en, entry.abstract_zh)
        if entry.abstract_zh.strip() and entry.abstract_en.strip():
            assert_alignment(entry)
    checked, crashes = check_issue(issue, PIPELINE_CHECKS, CONFIG)
    assert not crashes, crashes
    report = dumps_report(build_report(RunResult(issues=(checked,), errors=result.problems), CONFIG))
    if check_determinism:
        clear_text_caches()
        again, _ = check_issue(parse_digest(decode("fuzz.md", data)).issue, PIPELINE_CHECKS, CONFIG)
        assert dumps_report(build_report(RunResult(issues=(again,), errors=result.problems), CONFIG)) == report
    return "parsed"


def fuzz(seconds: float, execs: int | None, seed: int, crashes: Path) -> dict:
    global CHECKS, PIPELINE_CHECKS
    CHECKS = all_checks()
    PIPELINE_CHECKS = active_checks(CONFIG)
    rng = random.Random(seed)
    pool = seeds()
    corpus = list(pool)
    counts = {"execs": 0, "refused": 0, "parsed": 0, "entries": 0, "failures": 0}
    started = time.perf_counter()
    while (execs is None and time.perf_counter() - started < seconds) or (execs is not None and counts["execs"] < execs):
        data = mutate(rng.choice(corpus), pool, rng)
        counts["execs"] += 1
        try:
            outcome = execute(data, counts["execs"] % 50 == 0)
        except Exception:  # noqa: BLE001 - any escape is a finding of the fuzzer
            counts["failures"] += 1
            crashes.mkdir(parents=True, exist_ok=True)
            name = hashlib.sha1(data).hexdigest()[:16]
            (crashes / f"{name}.md").write_bytes(data)
            (crashes / f"{name}.txt").write_text(traceback.format_exc(), encoding="utf-8")
            continue
        counts[outcome] += 1
        if outcome == "parsed" and len(corpus) < 400 and rng.random() < 0.05:
            corpus.append(data)  # keep some parsable mutants as parents: deeper mutations
        if counts["execs"] % 200 == 0:
            clear_text_caches()
    counts["seconds"] = round(time.perf_counter() - started, 1)
    return counts


def hypothesis_examples() -> tuple[int, int, int]:
    """Run the property and hardening tests under the fuzz profile; (passing, failing, tests) examples."""
    env = {**os.environ, "EVALKIT_FUZZ": "1"}
    proc = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "--hypothesis-show-statistics",
         "tests/property", "tests/hardening"],
        cwd=ROOT, env=env, capture_output=True, text=True,
    )
    passing = sum(int(m[1]) for m in re.finditer(r"- (\d+) passing, \d+ failing", proc.stdout))
    failing = sum(int(m[1]) for m in re.finditer(r"- \d+ passing, (\d+) failing", proc.stdout))
    summary = proc.stdout.strip().splitlines()[-1] if proc.stdout.strip() else proc.stderr[-300:]
    print(f"pytest (EVALKIT_FUZZ=1): {summary}")
    return passing, failing, proc.returncode


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=300)
    parser.add_argument("--execs", type=int, help="stop after this many executions instead of --seconds")
    parser.add_argument("--seed", type=int, default=None)
    parser.add_argument("--crashes", default=str(ROOT / "tests" / "artifacts" / "fuzz-crashes"))
    parser.add_argument("--hypothesis", action="store_true", help="also run the property tests under EVALKIT_FUZZ=1")
    args = parser.parse_args()
    seed = args.seed if args.seed is not None else random.randrange(1 << 30)
    counts = fuzz(args.seconds, args.execs, seed, Path(args.crashes))
    print(
        f"mutation fuzzing (seed {seed}): {counts['execs']} executions in {counts['seconds']} s, "
        f"{counts['parsed']} parsed and fully checked, {counts['refused']} refused with an evalkit error, "
        f"{counts['failures']} failures" + (f" (inputs in {args.crashes})" if counts["failures"] else "")
    )
    status = 1 if counts["failures"] else 0
    if args.hypothesis:
        passing, failing, code = hypothesis_examples()
        print(f"hypothesis (evalkit-fuzz profile): {passing} passing examples, {failing} failing")
        status = status or (1 if failing or code else 0)
    return status


if __name__ == "__main__":
    sys.exit(main())
