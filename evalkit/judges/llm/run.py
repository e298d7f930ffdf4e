"""Run the LLM judge over a batch of translations: cache, budget, concurrent requests, one run record.

:func:`run_judge` is what the pipeline calls. It answers every item with a :class:`JudgeOutcome`, in
the items' order, and sums up in a :class:`~evalkit.records.JudgeRun`:

1. Items whose answer is in the disk cache are ``cached`` and cost nothing.
2. The others are sent, ``concurrency`` at a time, in order (an item whose texts repeat an earlier
   item's is not sent again: it shares that answer). Before each, its estimated tokens
   (prompt plus expected answer, :mod:`~evalkit.judges.llm.tokens`) are set against what is left of
   ``budget_tokens``; the first that does not fit stops the sending, and it and every later item are
   ``over_budget``. Spent tokens are the server's ``usage`` where it reports it, else the estimates.
3. An answer is parsed and its spans located verbatim (:mod:`~evalkit.judges.llm.parse`): ``judged``;
   an unusable answer or a request that failed after its retries: ``failed``, with the reason.

The run is "not computed", with one reason, when the judge cannot start or the endpoint cannot be
used at all (no model, no key for OpenAI's API, unreachable, key rejected) or when no item got an
answer; every outcome is then ``failed`` with that reason. With ``require`` set it raises
:class:`~evalkit.errors.ModelUnavailableError` instead.
"""

from __future__ import annotations

from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, replace
from typing import Hashable, Iterable, Mapping

from evalkit.config import OPENAI_DEFAULT_BASE_URL, JudgeSettings
from evalkit.errors import ModelUnavailableError
from evalkit.judges.llm.cache import AnswerCache, answer_key
from evalkit.judges.llm.client import BACKOFF, ChatAnswer, ChatClient, JudgeUnavailable, RequestFailed, public_url
from evalkit.judges.llm.parse import JudgedSpan, MalformedAnswer, locate_spans, parse_answer
from evalkit.judges.llm.prompt import Prompt, answer_schema, load_prompt
from evalkit.judges.llm.tokens import estimate_answer_tokens, estimate_prompt_tokens, estimate_text_tokens
from evalkit.records import JudgeRun

#: What an outcome's ``status`` may be.
OUTCOME_STATUSES = ("judged", "cached", "failed", "over_budget")


@dataclass(frozen=True)
class JudgeItem:
    """One translation to judge: the English ``source``, the Chinese ``translation``, whether the source was cut.

    ``key`` is the caller's own (any hashable, such as ``(path, ref)``); it comes back on the outcome.
    ``source_cut`` tells the judge the English ends where the generator cut it at 1,000 characters, so a
    Chinese ending beyond it is invented.
    """

    key: Hashable
    source: str
    translation: str
    source_cut: bool = False


@dataclass(frozen=True)
class JudgeOutcome:
    """What the judge said about one item.

    ``status`` is one of :data:`OUTCOME_STATUSES`; ``spans`` the errors found verbatim (empty unless
    judged or cached); ``dropped`` the quoted spans not found in the text; ``invalid`` the answer's
    error objects that lacked a quote, side or severity; ``reason`` why it failed or was not judged;
    ``tokens_in``/``tokens_out`` what its request cost (0 for a cached answer).
    """

    key: Hashable
    status: str
    spans: tuple[JudgedSpan, ...] = ()
    dropped: int = 0
    invalid: int = 0
    reason: str | None = None
    tokens_in: int = 0
    tokens_out: int = 0

    @property
    def answered(self) -> bool:
        """Whether the judge's answer is known (judged now or taken from the cache)."""
        return self.status in ("judged", "cached")


@dataclass(frozen=True)
class JudgeBatch:
    """A judge run: its record and one outcome per item, in the items' order."""

    run: JudgeRun
    outcomes: tuple[JudgeOutcome, ...]

    def by_key(self) -> dict[Hashable, JudgeOutcome]:
        """The outcomes by their item's key."""
        return {o.key: o for o in self.outcomes}


def judge_signature(settings: JudgeSettings, base_url: str) -> str:
    """Everything that decides the judge's answers, without secrets: model, prompt, decoding, endpoint."""
    seed = "none" if settings.seed is None else settings.seed
    return (
        f"model={settings.model}|prompt={settings.prompt}|temperature=0|seed={seed}"
        f"|max_tokens={settings.max_output_tokens}|base_url={public_url(base_url)}"
    )


def request_estimate(prompt: Prompt, item: JudgeItem, max_output_tokens: int) -> tuple[int, int]:
    """``(prompt tokens, expected answer tokens)`` of the request for ``item``, estimated before sending."""
    messages = prompt.messages(item.source, item.translation, item.source_cut)
    return estimate_prompt_tokens(messages), estimate_answer_tokens(max_output_tokens)


class _Budget:
    """The token budget of a run: tokens spent, tokens reserved by requests in flight (main thread only)."""

    def __init__(self, limit: int | None) -> None:
        self.limit = limit
        self.spent = 0
        self.reserved = 0

    def reserve(self, tokens: int) -> bool:
        if self.limit is not None and self.spent + self.reserved + tokens > self.limit:
            return False
        self.reserved += tokens
        return True

    def settle(self, reserved: int, spent: int) -> None:
        self.reserved -= reserved
        self.spent += spent


def run_judge(
    items: Iterable[JudgeItem],
    settings: JudgeSettings,
    *,
    environ: Mapping[str, str] | None = None,
    backoff: float = BACKOFF,
) -> JudgeBatch:
    """Judge ``items`` with the endpoint and model of ``settings``; see the module docstring.

    ``environ`` replaces ``os.environ`` for ``OPENAI_BASE_URL`` and the API key variable;
    ``backoff`` is the first wait between retries in seconds (doubled each time; a 429's Retry-After
    takes precedence). Raises :class:`~evalkit.errors.ConfigError` for an unknown prompt version and
    :class:`~evalkit.errors.ModelUnavailableError` where ``settings.require`` is set and the judge is
    not computed.
    """
    items = list(items)
    prompt = load_prompt(settings.prompt)
    base_url = settings.resolved_base_url(environ)
    signature = judge_signature(settings, base_url)
    record = JudgeRun(
        judge="llm", status="computed", model=settings.model, prompt=prompt.version, signature=signature,
        scope=settings.scope, entries=len(items),
    )
    api_key = settings.api_key(environ)
    if not settings.model:
        return _not_computed(record, items, settings, "no judge model (set --judge MODEL or [judge] model)")
    if api_key is None and base_url == OPENAI_DEFAULT_BASE_URL.rstrip("/"):
        return _not_computed(record, items, settings, f"no API key (set {settings.api_key_env} or [judge] api_key_env)")

    messages = [prompt.messages(item.source, item.translation, item.source_cut) for item in items]
    keys = [
        answer_key(model=settings.model, prompt=prompt.version, messages=m, seed=settings.seed,
                   max_output_tokens=settings.max_output_tokens)
        for m in messages
    ]
    outcomes: list[JudgeOutcome | None] = [None] * len(items)
    notices: list[str] = []
    cache = AnswerCache(settings.cache_dir) if settings.cache and items else None
    if cache is not None:
        held = cache.get_many(sorted(set(keys)))
        for i, item in enumerate(items):
            if keys[i] in held:
                try:
                    outcomes[i] = _outcome(item, "cached", held[keys[i]], 0, 0)
                except MalformedAnswer:
                    pass  # only readable answers are stored; one that is not is asked again
    # The same texts twice in one batch (a paper listed in two digests) are asked once.
    first_of: dict[str, int] = {}
    repeats = {i: first_of.setdefault(k, i) for i, k in enumerate(keys) if first_of.setdefault(k, i) != i}
    to_send = [i for i, o in enumerate(outcomes) if o is None and i not in repeats]

    fatal: str | None = None
    client: ChatClient | None = None
    answers_without_usage = 0
    if to_send:
        try:
            client = ChatClient(
                base_url, model=settings.model, api_key=api_key, key_env=settings.api_key_env,
                timeout=settings.timeout, retries=settings.retries, seed=settings.seed,
                max_tokens=settings.max_output_tokens, concurrency=settings.concurrency, backoff=backoff,
            )
        except ImportError:
            fatal = "httpx is not installed (pip install 'evalkit[judge]')"
    if client is not None:
        budget = _Budget(settings.budget_tokens)
        schema = answer_schema()
        estimates = {i: sum(request_estimate(prompt, items[i], settings.max_output_tokens)) for i in to_send}
        new_answers: list[tuple[str, str]] = []
        pending = list(reversed(to_send))  # popped from the end: item order
        in_flight: dict[Future[ChatAnswer], int] = {}
        with ThreadPoolExecutor(max_workers=settings.concurrency, thread_name_prefix="evalkit-judge") as pool:
            try:
                while pending or in_flight:
                    while pending and fatal is None and len(in_flight) < settings.concurrency:
                        i = pending[-1]
                        if not budget.reserve(estimates[i]):
                            for j in pending:
                                outcomes[j] = JudgeOutcome(items[j].key, "over_budget", reason="token budget spent")
                            pending.clear()
                            break
                        pending.pop()
                        in_flight[pool.submit(client.complete, messages[i], schema)] = i
                    if fatal is not None:
                        pending.clear()
                    if not in_flight:
                        break
                    done, _ = wait(in_flight, return_when=FIRST_COMPLETED)
                    for future in sorted(done, key=in_flight.__getitem__):
                        i = in_flight.pop(future)
                        try:
                            answer = future.result()
                        except JudgeUnavailable as exc:
                            fatal = fatal or exc.reason
                            client.stop()
                            budget.settle(estimates[i], 0)
                            continue
                        except RequestFailed as exc:
                            outcomes[i] = JudgeOutcome(items[i].key, "failed", reason=exc.reason)
                            budget.settle(estimates[i], 0)
                            continue
                        if answer.prompt_tokens is None or answer.completion_tokens is None:
                            answers_without_usage += 1
                        tokens_in = answer.prompt_tokens if answer.prompt_tokens is not None else estimate_prompt_tokens(messages[i])
                        tokens_out = answer.completion_tokens if answer.completion_tokens is not None else estimate_text_tokens(answer.content)
                        budget.settle(estimates[i], tokens_in + tokens_out)
                        try:
                            outcomes[i] = _outcome(items[i], "judged", answer.content, tokens_in, tokens_out)
                            new_answers.append((keys[i], answer.content))
                        except MalformedAnswer as exc:
                            cut = " (the answer was cut at max_output_tokens)" if answer.finish_reason == "length" else ""
                            outcomes[i] = JudgeOutcome(
                                items[i].key, "failed", reason=exc.reason + cut, tokens_in=tokens_in, tokens_out=tokens_out
                            )
            finally:
                client.stop()
        client.close()
        notices.extend(client.notices)
        if cache is not None and fatal is None:
            cache.put_many(new_answers)
    if cache is not None:
        cache.close()
        notices.extend(cache.notices)
    if fatal is not None:
        spent = [o for o in outcomes if o is not None]
        record = replace(record, tokens_in=sum(o.tokens_in for o in spent), tokens_out=sum(o.tokens_out for o in spent))
        return _not_computed(record, items, settings, fatal, notices)

    for i, first in repeats.items():
        if outcomes[i] is None and outcomes[first] is not None:
            outcomes[i] = replace(outcomes[first], key=items[i].key, tokens_in=0, tokens_out=0)
    done_outcomes = [o if o is not None else JudgeOutcome(items[i].key, "failed", reason="not sent") for i, o in enumerate(outcomes)]
    return _computed(record, items, settings, done_outcomes, notices, answers_without_usage)


def _outcome(item: JudgeItem, status: str, content: str, tokens_in: int, tokens_out: int) -> JudgeOutcome:
    """The outcome of an answer; :class:`MalformedAnswer` when it cannot be read."""
    located = locate_spans(parse_answer(content), item.source, item.translation)
    return JudgeOutcome(
        item.key, status, located.spans, dropped=located.dropped, invalid=located.invalid,
        tokens_in=tokens_in, tokens_out=tokens_out,
    )


def _computed(
    record: JudgeRun, items: list[JudgeItem], settings: JudgeSettings, outcomes: list[JudgeOutcome],
    notices: list[str], answers_without_usage: int,
) -> JudgeBatch:
    count = {s: sum(o.status == s for o in outcomes) for s in OUTCOME_STATUSES}
    answered = count["judged"] + count["cached"]
    failed = [o for o in outcomes if o.status == "failed"]
    dropped = sum(o.dropped for o in outcomes)
    invalid = sum(o.invalid for o in outcomes)
    counted: list[str] = []
    if count["over_budget"]:
        unjudged = count["over_budget"]
        notices.append(
            f"LLM judge stopped at the token budget ({settings.budget_tokens} tokens): "
            f"{unjudged} {'entry' if unjudged == 1 else 'entries'} not judged"
        )
    if failed:
        counted.append(f"LLM judge: {len(failed)} of {len(items)} entries failed (first: {failed[0].reason})")
    if dropped:
        counted.append(f"LLM judge: {dropped} quoted span{'s' if dropped != 1 else ''} not found verbatim in the text, dropped")
    if invalid:
        counted.append(f"LLM judge: {invalid} error item{'s' if invalid != 1 else ''} without a usable quote, side or severity, ignored")
    if answers_without_usage:
        counted.append(f"LLM judge: the endpoint reported no token usage for {answers_without_usage} answers; their tokens are estimated")
    record = replace(
        record, judged=answered, cached=count["cached"], failed=len(failed), over_budget=count["over_budget"],
        findings=sum(len(o.spans) for o in outcomes), dropped_spans=dropped,
        tokens_in=sum(o.tokens_in for o in outcomes), tokens_out=sum(o.tokens_out for o in outcomes),
        notices=tuple(notices + counted),
    )
    if items and answered == 0:
        if failed:
            reason = f"no entry got an answer ({failed[0].reason})"
        else:
            reason = f"the token budget ({settings.budget_tokens} tokens) does not cover the first entry's request"
        return _not_computed(record, items, settings, reason, notices)
    return JudgeBatch(record, tuple(outcomes))


def _not_computed(
    record: JudgeRun, items: list[JudgeItem], settings: JudgeSettings, reason: str, notices: Iterable[str] = (),
) -> JudgeBatch:
    if settings.require:
        raise ModelUnavailableError(f"LLM judge unavailable: {reason}")
    record = replace(
        record, status="not computed", reason=reason, judged=0, cached=0, failed=len(items), over_budget=0,
        findings=0, dropped_spans=0, notices=(f"LLM judge not computed: {reason}",) + tuple(notices),
    )
    return JudgeBatch(record, tuple(JudgeOutcome(item.key, "failed", reason=reason) for item in items))
