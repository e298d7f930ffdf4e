"""run_judge end to end against the scripted server: outcomes, cache, budget, unavailable endpoints."""

from __future__ import annotations

import socket

import pytest

from evalkit.errors import ModelUnavailableError
from evalkit.judges.llm import JudgeItem, request_estimate, run_judge
from evalkit.judges.llm.prompt import load_prompt
from tests.judges.llm.conftest import NO_ENV, SOURCE, TRANSLATION, settings_for
from tests.judges.scripted_server import Reply, ScriptedServer, answer, error, user_text

ITEM = JudgeItem(key=("a.md", 1), source=SOURCE, translation=TRANSLATION)


def test_a_good_answer_gives_located_spans_and_a_computed_run(server):
    server.push(answer(error("小模型"), error("two languages", category="omission", side="source", severity="minor")))
    batch = run_judge([ITEM], settings_for(server), environ=NO_ENV)
    (outcome,) = batch.outcomes
    assert outcome.key == ("a.md", 1) and outcome.status == "judged"
    assert [(s.side, s.text) for s in outcome.spans] == [("translation", "小模型"), ("source", "two languages")]
    run = batch.run
    assert (run.status, run.judge, run.model, run.prompt) == ("computed", "llm", "scripted-judge", "mqm-zh-1")
    assert (run.entries, run.judged, run.cached, run.failed, run.findings) == (1, 1, 0, 0, 2)
    assert (run.tokens_in, run.tokens_out) == (120, 30)
    assert run.signature == f"model=scripted-judge|prompt=mqm-zh-1|temperature=0|seed=0|max_tokens=1024|base_url={server.url}"


def test_a_rerun_is_answered_from_the_cache_with_no_request(server):
    server.push(answer(error("小模型")))
    first = run_judge([ITEM], settings_for(server), environ=NO_ENV)
    sent = len(server.requests)
    second = run_judge([ITEM], settings_for(server), environ=NO_ENV)
    assert len(server.requests) == sent == 1
    assert second.outcomes[0].status == "cached"
    assert second.outcomes[0].spans == first.outcomes[0].spans
    assert (second.run.judged, second.run.cached, second.run.tokens_in, second.run.tokens_out) == (1, 1, 0, 0)


def test_the_cache_key_follows_model_seed_and_texts(server):
    run_judge([ITEM], settings_for(server), environ=NO_ENV)
    run_judge([ITEM], settings_for(server, model="other"), environ=NO_ENV)
    run_judge([ITEM], settings_for(server, seed=1), environ=NO_ENV)
    run_judge([JudgeItem(1, SOURCE, TRANSLATION + "。")], settings_for(server), environ=NO_ENV)
    run_judge([JudgeItem(1, SOURCE, TRANSLATION, source_cut=True)], settings_for(server), environ=NO_ENV)
    assert len(server.requests) == 5


def test_no_cache_means_every_run_asks(server):
    run_judge([ITEM], settings_for(server, cache=False), environ=NO_ENV)
    run_judge([ITEM], settings_for(server, cache=False), environ=NO_ENV)
    assert len(server.requests) == 2


def test_malformed_json_fails_the_item_and_is_not_cached(server):
    server.push(Reply(content='{"errors": [{"span": "小模型",},]}'))
    items = [ITEM, JudgeItem(2, "Another text.", "另一段文字。")]
    batch = run_judge(items, settings_for(server, concurrency=1), environ=NO_ENV)
    assert [o.status for o in batch.outcomes] == ["failed", "judged"]
    assert batch.outcomes[0].reason == "malformed JSON"
    assert batch.run.status == "computed" and batch.run.failed == 1
    assert any("1 of 2 entries failed (first: malformed JSON)" in n for n in batch.run.notices)
    run_judge(items, settings_for(server), environ=NO_ENV)
    assert len(server.requests) == 3  # the malformed one was asked again, the good one came from the cache


def test_an_answer_cut_at_max_tokens_says_so(server):
    server.push(Reply(content='{"errors": [{"span": "小', finish_reason="length"))
    batch = run_judge([ITEM, JudgeItem(2, "b", "乙")], settings_for(server, concurrency=1), environ=NO_ENV)
    assert batch.outcomes[0].reason == "malformed JSON (the answer was cut at max_output_tokens)"


def test_spans_not_in_the_text_are_dropped_and_counted(server):
    server.push(answer(error("大模型"), error("小模型"), error("three languages", side="source")))
    batch = run_judge([ITEM], settings_for(server), environ=NO_ENV)
    assert [s.text for s in batch.outcomes[0].spans] == ["小模型"]
    assert batch.outcomes[0].dropped == 2 and batch.run.dropped_spans == 2 and batch.run.findings == 1
    assert any("2 quoted spans not found verbatim" in n for n in batch.run.notices)


def test_code_fences_and_missing_usage_are_handled(server):
    fenced = '```json\n{"errors": [{"span": "小模型", "side": "translation", "category": "terminology", "severity": "minor", "explanation": "e"}]}\n```'
    server.push(Reply(content=fenced, usage=None))
    batch = run_judge([ITEM], settings_for(server), environ=NO_ENV)
    assert batch.outcomes[0].spans[0].category == "terminology"
    assert batch.run.tokens_in > 100 and batch.run.tokens_out > 0  # estimated
    assert any("no token usage for 1 answers" in n for n in batch.run.notices)


def test_429_and_500_are_retried_within_a_run(server):
    server.push(Reply(status=429, headers={"Retry-After": "0"}), Reply(status=500), answer(error("小模型")))
    batch = run_judge([ITEM], settings_for(server, retries=2), environ=NO_ENV, backoff=0.01)
    assert batch.outcomes[0].status == "judged" and len(server.requests) == 3


def test_a_hang_past_the_timeout_fails_that_item_only(server):
    def reply(body):
        return Reply(hang=30.0) if "HANG" in user_text(body) else answer()

    server.default = reply
    items = [JudgeItem(1, "HANG here", "挂起"), JudgeItem(2, "fine", "好")]
    batch = run_judge(items, settings_for(server, timeout=1.0, retries=0), environ=NO_ENV)
    assert [o.status for o in batch.outcomes] == ["failed", "judged"]
    assert "timeout" in batch.outcomes[0].reason


def test_the_budget_stops_the_sending_with_a_clear_notice(server):
    prompt = load_prompt("mqm-zh-1")
    items = [JudgeItem(i, SOURCE, TRANSLATION + str(i)) for i in range(5)]
    cost = sum(request_estimate(prompt, items[0], 1024))
    server.default = lambda body: Reply(usage=(cost - 10, 10))  # each request costs exactly its estimate
    batch = run_judge(items, settings_for(server, budget_tokens=2 * cost + cost // 2, concurrency=1), environ=NO_ENV)
    assert [o.status for o in batch.outcomes] == ["judged", "judged", "over_budget", "over_budget", "over_budget"]
    assert batch.run.over_budget == 3 and len(server.requests) == 2
    assert f"LLM judge stopped at the token budget ({2 * cost + cost // 2} tokens): 3 entries not judged" in batch.run.notices
    assert batch.run.status == "computed"


def test_a_budget_below_the_first_request_is_not_computed(server):
    batch = run_judge([ITEM], settings_for(server, budget_tokens=10), environ=NO_ENV)
    assert batch.run.status == "not computed" and "token budget (10 tokens)" in batch.run.reason
    assert server.requests == []


def test_cached_items_cost_no_budget(server):
    run_judge([ITEM], settings_for(server), environ=NO_ENV)
    batch = run_judge([ITEM], settings_for(server, budget_tokens=10), environ=NO_ENV)
    assert batch.run.status == "computed" and batch.outcomes[0].status == "cached"


def test_no_key_for_openai_is_not_computed_with_one_reason():
    batch = run_judge([ITEM], settings_for_default_url(), environ=NO_ENV)
    assert batch.run.status == "not computed"
    assert batch.run.reason == "no API key (set OPENAI_API_KEY or [judge] api_key_env)"
    assert batch.run.notices == ("LLM judge not computed: no API key (set OPENAI_API_KEY or [judge] api_key_env)",)
    assert [o.status for o in batch.outcomes] == ["failed"]


def settings_for_default_url(**changes):
    from evalkit.config import JudgeSettings

    return JudgeSettings(model="gpt-4o-mini", **changes).validate()


def test_openai_base_url_and_key_come_from_the_environment(server):
    environ = {"OPENAI_BASE_URL": server.url, "MY_KEY": "sk-local"}
    batch = run_judge([ITEM], settings_for_default_url(api_key_env="MY_KEY"), environ=environ)
    assert batch.run.status == "computed"
    assert {k.lower(): v for k, v in server.headers[0].items()}["authorization"] == "Bearer sk-local"
    assert "sk-local" not in batch.run.signature


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_an_unreachable_endpoint_is_not_computed_fast():
    from evalkit.config import JudgeSettings

    url = f"http://127.0.0.1:{closed_port()}/v1"
    items = [JudgeItem(i, "a", "乙") for i in range(20)]
    batch = run_judge(items, JudgeSettings(model="m", base_url=url, retries=5), environ=NO_ENV, backoff=10.0)
    assert batch.run.status == "not computed"
    assert batch.run.reason == (
        f"cannot reach {url} (connection refused); start the server or set [judge] base_url / OPENAI_BASE_URL"
    )
    assert batch.run.notices[0] == f"LLM judge not computed: {batch.run.reason}"
    assert all(o.status == "failed" for o in batch.outcomes) and len(batch.outcomes) == 20


def test_require_turns_not_computed_into_an_error():
    with pytest.raises(ModelUnavailableError, match="no API key"):
        run_judge([ITEM], settings_for_default_url(require=True), environ=NO_ENV)


def test_require_with_an_unreachable_endpoint_raises(server):
    from evalkit.config import JudgeSettings

    url = f"http://127.0.0.1:{closed_port()}/v1"
    with pytest.raises(ModelUnavailableError, match="cannot reach"):
        run_judge([ITEM], JudgeSettings(model="m", base_url=url, require=True), environ=NO_ENV)


def test_a_rejected_key_is_not_computed(server):
    server.default = lambda body: Reply(status=401)
    batch = run_judge([ITEM, JudgeItem(2, "b", "乙")], settings_for(server), environ={"OPENAI_API_KEY": "sk-bad"})
    assert batch.run.status == "not computed" and "rejected the API key (HTTP 401)" in batch.run.reason


def test_every_request_failing_is_not_computed(server):
    server.default = lambda body: Reply(status=500)
    batch = run_judge([ITEM], settings_for(server, retries=0), environ=NO_ENV)
    assert batch.run.status == "not computed" and batch.run.reason == "no entry got an answer (HTTP 500 (1 try))"


def test_many_items_at_concurrency_8_come_back_in_order():
    def reply(body):
        text = user_text(body)
        number = text.split("Paper ")[1].split(".")[0]
        return answer(error(f"第{number}篇"))

    items = [JudgeItem(i, f"Paper {i}.", f"这是第{i}篇论文。") for i in range(60)]
    with ScriptedServer(default=reply, latency=0.01) as server:
        batch = run_judge(items, settings_for(server, concurrency=8), environ=NO_ENV)
    assert [o.key for o in batch.outcomes] == list(range(60))
    assert all(o.status == "judged" for o in batch.outcomes)
    assert [o.spans[0].text for o in batch.outcomes] == [f"第{i}篇" for i in range(60)]
    assert len(server.requests) == 60


def test_the_cut_flag_reaches_the_prompt(server):
    run_judge([JudgeItem(1, "Cut mid", "截断", source_cut=True)], settings_for(server), environ=NO_ENV)
    assert "cut at 1,000 characters" in user_text(server.requests[0])


def test_a_format_step_down_is_a_notice():
    with ScriptedServer(formats=("json_object",)) as server:
        batch = run_judge([ITEM], settings_for(server), environ=NO_ENV)
    assert batch.run.status == "computed"
    assert any("refused response_format json_schema; using json_object" in n for n in batch.run.notices)


def test_no_items_is_a_computed_empty_run(server):
    batch = run_judge([], settings_for(server), environ=NO_ENV)
    assert batch.run.status == "computed" and batch.outcomes == () and server.requests == []


def test_repeated_texts_in_one_batch_are_asked_once(server):
    server.push(answer(error("小模型")))
    items = [ITEM, JudgeItem(("b.md", 7), SOURCE, TRANSLATION)]
    batch = run_judge(items, settings_for(server), environ=NO_ENV)
    assert len(server.requests) == 1
    assert [o.key for o in batch.outcomes] == [("a.md", 1), ("b.md", 7)]
    assert batch.outcomes[1].spans == batch.outcomes[0].spans and batch.outcomes[1].status == "judged"
    assert batch.outcomes[1].tokens_in == 0 and batch.run.tokens_in == 120


def test_without_httpx_the_judge_is_not_computed(server, monkeypatch):
    import sys

    monkeypatch.setitem(sys.modules, "httpx", None)  # import httpx now raises ImportError
    batch = run_judge([ITEM], settings_for(server), environ=NO_ENV)
    assert batch.run.status == "not computed" and "httpx is not installed" in batch.run.reason


def test_a_fully_cached_rerun_needs_no_httpx(server, monkeypatch):
    import sys

    run_judge([ITEM], settings_for(server), environ=NO_ENV)
    monkeypatch.setitem(sys.modules, "httpx", None)
    assert run_judge([ITEM], settings_for(server), environ=NO_ENV).run.status == "computed"
