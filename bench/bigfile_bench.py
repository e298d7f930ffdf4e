"""Memory and time of ``evalkit score`` on a generated 100 MB digest (issue #7: bounded resources).

    python bench/bigfile_bench.py [--size-mb 100] [--keep DIR] [--skip-align]

Writes a digest of distinct, plausible entries (random sentences from a small vocabulary, so no two
abstracts are equal and no per-text cache makes the run look cheaper than it is) and runs the installed
``evalkit`` on it three ways, each in a fresh process, printing wall time, exit code, peak RSS
(``ru_maxrss`` of that child, from ``wait4``) and the first line of stderr:

1. the defaults: refused by the 20 MB ``--max-file-size``, quickly and with a clear message;
2. ``--max-file-size 200MB --no-align -j1``: parse and the structural/text checks;
3. ``--max-file-size 200MB -j1``: every check, sentence alignment included.

The report goes to a file (``--format json --output``), as it would in CI.
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
EVALKIT = str(Path(sys.executable).with_name("evalkit"))

EN_WORDS = (
    "we propose a novel framework for robust translation of scientific text across languages using large models "
    "trained on parallel corpora the method improves accuracy by reducing errors in low resource settings and "
    "experiments on six benchmarks show consistent gains over strong baselines with lower inference cost"
).split()
ZH_WORDS = (
    "我们 提出 一种 新的 框架 用于 科学 文本 的 稳健 翻译 方法 利用 大型 模型 在 平行 语料 上 训练 提高 准确率 "
    "减少 错误 低资源 场景 实验 表明 六个 基准 一致 提升 强 基线 推理 成本 更低"
).split()


def _sentence(rng: random.Random, words: list[str], n: int, end: str, joiner: str) -> str:
    body = joiner.join(rng.choice(words) for _ in range(n))
    return (body[:1].upper() + body[1:] if joiner == " " else body) + end


def write_digest(path: Path, size_mb: int, seed: int = 7) -> int:
    """Write a digest of about ``size_mb`` MB; return its number of entries."""
    rng = random.Random(seed)
    target = size_mb * 1024 * 1024
    rows, details, size, k = [], [], 200, 0
    while size < target:
        k += 1
        arxiv_id = f"{2300 + k // 100000:04d}.{k % 100000:05d}"
        link = f"https://arxiv.org/abs/{arxiv_id}"
        title_en = _sentence(rng, EN_WORDS, 9, "", " ") + f" {k}"
        title_zh = _sentence(rng, ZH_WORDS, 8, "", "") + f"{k}"
        summary = _sentence(rng, ZH_WORDS, 20, "。", "")
        n = rng.randint(4, 8)
        abstract_en = " ".join(_sentence(rng, EN_WORDS, rng.randint(12, 22), ".", " ") for _ in range(n))
        abstract_en = f"arXiv:{arxiv_id}v1 Announce Type: new  Abstract: {abstract_en}"[:1000]
        abstract_zh = "".join(_sentence(rng, ZH_WORDS, rng.randint(10, 18), "。", "") for _ in range(n))
        rows.append(f"| [^{k}] | [{title_en}]({link}) | {summary} |")
        entry = (
            f"[^{k}]: {title_zh}\n\n    {title_en}\n\n    [{link}]({link})\n\n    {summary}\n\n    \n\n"
            f"    {abstract_zh}\n\n    {abstract_en}\n    "
        )
        details.append(entry)
        size += len(rows[-1].encode()) + len(entry.encode()) + 2
    rows.reverse(), details.reverse()  # the generator's order: links descending
    for number, (row, detail) in enumerate(zip(rows, details), start=1):
        old = k - number + 1
        rows[number - 1] = row.replace(f"[^{old}]", f"[^{number}]", 1)
        details[number - 1] = detail.replace(f"[^{old}]:", f"[^{number}]:", 1)
    text = "# 摘要\n\n| Ref | Title | Summary |\n| --- | --- | --- |\n" + "\n".join(rows)
    text += "\n\n# 详细\n\n" + "\n".join(details) + "\n\n"
    path.write_text(text, encoding="utf-8")
    return k


def measure(argv: list[str], cwd: Path) -> dict:
    """Run ``argv`` in a fresh child; wall seconds, exit code, peak RSS (MB) and stderr's first line."""
    err = cwd / "stderr.txt"
    started = time.perf_counter()
    pid = os.fork()
    if pid == 0:  # child
        os.chdir(cwd)
        fd = os.open(err, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
        os.dup2(fd, 2)
        null = os.open(os.devnull, os.O_WRONLY)
        os.dup2(null, 1)
        os.execv(argv[0], argv)
    _, status, usage = os.wait4(pid, 0)
    wall = time.perf_counter() - started
    lines = err.read_text(encoding="utf-8", errors="replace").splitlines()
    return {
        "wall_s": round(wall, 2),
        "exit": os.waitstatus_to_exitcode(status),
        "peak_rss_mb": round(usage.ru_maxrss / 1024, 1),
        "stderr": lines[0] if lines else "",
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size-mb", type=int, default=100)
    parser.add_argument("--keep", help="write the digest and reports here instead of a temporary directory")
    parser.add_argument("--skip-align", action="store_true", help="leave out run 3 (every check; minutes)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(args.keep or tmp)
        work.mkdir(parents=True, exist_ok=True)
        (work / ".git").mkdir(exist_ok=True)  # no configuration discovery above this directory
        digest = work / "big.md"
        started = time.perf_counter()
        entries = write_digest(digest, args.size_mb)
        print(f"generated {digest.stat().st_size / 1024 / 1024:.1f} MB, {entries} entries in {time.perf_counter() - started:.1f} s")
        common = ["--no-references", "--no-config", "--format", "json", "--output", "r.json"]
        runs = [
            ("defaults (20 MB limit)", [EVALKIT, "score", "big.md", *common]),
            ("--max-file-size 200MB --no-align -j1", [EVALKIT, "score", "big.md", "--max-file-size", "200MB", "--no-align", "-j1", *common]),
        ]
        if not args.skip_align:
            runs.append(("--max-file-size 200MB -j1 (every check)", [EVALKIT, "score", "big.md", "--max-file-size", "200MB", "-j1", *common]))
        for name, argv in runs:
            result = measure(argv, work)
            report = work / "r.json"
            size = f", report {report.stat().st_size / 1024 / 1024:.0f} MB" if report.exists() and result["exit"] in (0, 2) else ""
            print(f"{name}: exit {result['exit']}, wall {result['wall_s']} s, peak RSS {result['peak_rss_mb']} MB{size}")
            if result["stderr"]:
                print(f"    stderr: {result['stderr'][:300]}")
            print(f"    command: evalkit {' '.join(argv[1:])}")
            report.unlink(missing_ok=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
