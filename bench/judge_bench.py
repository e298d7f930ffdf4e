"""Benchmark the LLM judge against the local scripted chat-completions server (nothing leaves the machine).

    python bench/judge_bench.py [--latency 0.05] [--requests 200,400,640] [--skip-corpus]

Measures, with the scripted server answering every request after a fixed latency (50 ms by default,
standing in for a model's generation time; stated in the output):

- requests per second of :func:`run_judge` at concurrency 1, 8 and 32 (cache off, distinct texts);
  client and server share one Python process (and its GIL), so at high concurrency the figure is
  bound by this machine's CPU, which ``--latency 0`` measures alone;
- the time of a rerun whose answers all come from the disk cache (zero requests, checked);
- the tokens a judge run of the whole shared corpus would send and receive, estimated the way the
  budget estimates them (prompt + expected answer, :mod:`evalkit.judges.llm.tokens`), for scope
  ``all`` (every entry) and ``cut`` (entries whose English was cut at 1,000 characters), counting
  texts repeated across digests once as the judge does. The corpus is third-party data, read in place
  from ../shared/corpus; that part is skipped with a message when it is absent.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from evalkit.config import JudgeSettings  # noqa: E402
from evalkit.judges.llm import JudgeItem, load_prompt, request_estimate, run_judge  # noqa: E402
from tests.judges.scripted_server import Reply, ScriptedServer, answer, error, user_text  # noqa: E402

#: The shared corpus beside the checkout (a worktree may sit one folder deeper), or $EVALKIT_CORPUS.
CORPUS = Path(os.environ.get("EVALKIT_CORPUS") or next(
    (p / "shared" / "corpus" / "raw" for p in ROOT.parents if (p / "shared" / "corpus" / "raw").is_dir()),
    ROOT.parent / "shared" / "corpus" / "raw",
))
SOURCE = (
    "We study retrieval for low-resource translation. Our method retrieves related sentences and adds them "
    "to the context of a pretrained model, which improves quality on six language pairs by 2.3 BLEU points."
)
TRANSLATION = "我们研究低资源翻译中的检索。我们的方法检索相关句子并将其加入预训练模型的上下文，在六个语言对上将质量提升了2.3个BLEU分。"


def scripted_reply(body: dict) -> Reply:
    """One located error per answer: the first six characters of the Chinese, as a real judge might quote."""
    chinese = user_text(body).split("Chinese translation:\n", 1)[1]
    return answer(error(chinese[:6], severity="minor", explanation="scripted"))


def items(n: int, tag: str) -> list[JudgeItem]:
    return [JudgeItem(i, f"{SOURCE} ({tag} {i})", f"{TRANSLATION}（{tag}{i}）") for i in range(n)]


def throughput(server: ScriptedServer, concurrency: int, n: int) -> tuple[float, int]:
    settings = JudgeSettings(model="bench", base_url=server.url, concurrency=concurrency, cache=False, timeout=30.0)
    before = len(server.requests)
    started = time.perf_counter()
    batch = run_judge(items(n, f"c{concurrency}"), settings, environ={})
    elapsed = time.perf_counter() - started
    assert batch.run.judged == n, batch.run
    return n / elapsed, len(server.requests) - before


def cache_rerun(server: ScriptedServer, n: int, cache_dir: str) -> tuple[float, float, int]:
    settings = JudgeSettings(model="bench", base_url=server.url, concurrency=8, cache_dir=cache_dir, timeout=30.0)
    batch_items = items(n, "cache")
    started = time.perf_counter()
    run_judge(batch_items, settings, environ={})
    first = time.perf_counter() - started
    before = len(server.requests)
    started = time.perf_counter()
    batch = run_judge(batch_items, settings, environ={})
    rerun = time.perf_counter() - started
    assert batch.run.cached == n, batch.run
    return first, rerun, len(server.requests) - before


def corpus_tokens(max_output_tokens: int) -> None:
    from evalkit.errors import InputError
    from evalkit.judges.llm.cache import answer_key
    from evalkit.parse import parse_digest, read_source

    files = sorted(CORPUS.rglob("*.md"))
    if not files:
        print(f"corpus: skipped ({CORPUS} not found)")
        return
    prompt = load_prompt("mqm-zh-1")
    started = time.perf_counter()
    totals = {scope: {"entries": 0, "requests": 0, "prompt": 0, "answer": 0} for scope in ("all", "cut")}
    seen: dict[str, set[str]] = {"all": set(), "cut": set()}
    for path in files:
        try:
            issue = parse_digest(read_source(str(path), 64 << 20)).issue
        except InputError:
            continue
        for entry in issue.entries if issue else ():
            if not entry.abstract_zh.strip():
                continue  # nothing to judge
            item = JudgeItem(None, entry.abstract_en, entry.abstract_zh, entry.source_truncated)
            messages = prompt.messages(item.source, item.translation, item.source_cut)
            key = answer_key(model="any", prompt=prompt.version, messages=messages, seed=0, max_output_tokens=max_output_tokens)
            for scope in ("all", "cut") if entry.source_truncated else ("all",):
                totals[scope]["entries"] += 1
                if key in seen[scope]:
                    continue
                seen[scope].add(key)
                sent, expected = request_estimate(prompt, item, max_output_tokens)
                totals[scope]["requests"] += 1
                totals[scope]["prompt"] += sent
                totals[scope]["answer"] += expected
    print(f"corpus: {len(files)} digests parsed in {time.perf_counter() - started:.1f} s ({CORPUS})")
    print("  estimate (heuristic: 1 token per CJK character, 1 per 4 other characters, 4 per message;"
          f" answer = min({max_output_tokens}, 16 + 70 x 2 errors) tokens)")
    print(f"  {'scope':<6}{'entries':>9}{'requests':>10}{'prompt tokens':>15}{'answer tokens':>15}{'total':>13}{'per request':>13}")
    for scope, t in totals.items():
        total = t["prompt"] + t["answer"]
        per = total / t["requests"] if t["requests"] else 0
        print(f"  {scope:<6}{t['entries']:>9,}{t['requests']:>10,}{t['prompt']:>15,}{t['answer']:>15,}{total:>13,}{per:>13,.0f}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--latency", type=float, default=0.05, help="seconds the scripted server waits per request")
    parser.add_argument("--requests", default="200,400,640", help="requests at concurrency 1,8,32")
    parser.add_argument("--skip-corpus", action="store_true")
    args = parser.parse_args()
    counts = [int(n) for n in args.requests.split(",")]
    print(f"scripted server: 127.0.0.1, {args.latency * 1000:.0f} ms per request, one located error per answer")
    print(f"machine: {os.cpu_count()} CPUs, Python {sys.version.split()[0]}")
    with ScriptedServer(default=scripted_reply, latency=args.latency) as server, tempfile.TemporaryDirectory() as cache_dir:
        for concurrency, n in zip((1, 8, 32), counts):
            rate, sent = throughput(server, concurrency, n)
            ideal = f"latency-bound ideal {concurrency / args.latency:.0f}/s" if args.latency else "no latency: CPU-bound"
            print(f"concurrency {concurrency:>2}: {n} requests, {rate:7.1f} requests/s ({ideal})")
        first, rerun, sent = cache_rerun(server, 400, cache_dir)
        print(f"cache: 400 items first run {first:.2f} s at concurrency 8; rerun from cache {rerun * 1000:.0f} ms, {sent} requests")
    if not args.skip_corpus:
        corpus_tokens(JudgeSettings().max_output_tokens)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
