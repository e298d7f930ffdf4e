"""The chat-completions client against the scripted server: request body, retries, failures."""

from __future__ import annotations

import socket
import time

import pytest

from evalkit.judges.llm.client import ChatClient, JudgeUnavailable, RequestFailed, retry_after_seconds
from evalkit.judges.llm.prompt import answer_schema
from tests.judges.scripted_server import Reply, ScriptedServer, answer

MESSAGES = [{"role": "system", "content": "judge"}, {"role": "user", "content": "EN / 中文"}]


def client_for(server: ScriptedServer, **options) -> ChatClient:
    values = {"model": "m", "timeout": 10.0, "retries": 2, "backoff": 0.01}
    values.update(options)
    return ChatClient(server.url, **values)


def test_the_request_is_deterministic_and_structured(server):
    client = client_for(server, seed=7, max_tokens=321)
    got = client.complete(MESSAGES, answer_schema())
    body = server.requests[0]
    assert body["temperature"] == 0 and body["seed"] == 7 and body["max_tokens"] == 321 and body["model"] == "m"
    assert body["response_format"]["type"] == "json_schema"
    assert body["response_format"]["json_schema"]["schema"] == answer_schema()
    assert body["messages"] == MESSAGES
    assert "Authorization" not in server.headers[0] and "authorization" not in server.headers[0]
    assert (got.content, got.prompt_tokens, got.completion_tokens) == ('{"errors": []}', 120, 30)


def test_no_seed_is_sent_when_none_and_a_key_goes_in_the_bearer_header(server):
    client_for(server, seed=None, api_key="sk-test").complete(MESSAGES, answer_schema())
    assert "seed" not in server.requests[0]
    headers = {k.lower(): v for k, v in server.headers[0].items()}
    assert headers["authorization"] == "Bearer sk-test"


def test_usage_may_be_absent(server):
    server.push(Reply(usage=None))
    got = client_for(server).complete(MESSAGES, answer_schema())
    assert got.prompt_tokens is None and got.completion_tokens is None


def test_429_honours_retry_after(server):
    server.push(Reply(status=429, headers={"Retry-After": "1"}), answer())
    client = client_for(server)
    started = time.monotonic()
    client.complete(MESSAGES, answer_schema())
    assert client.waits == [1.0]
    assert time.monotonic() - started >= 0.9
    assert len(server.requests) == 2


def test_a_huge_retry_after_is_capped(server):
    server.push(Reply(status=429, headers={"Retry-After": "3600"}), answer())
    client = client_for(server, max_retry_after=0.05)
    client.complete(MESSAGES, answer_schema())
    assert client.waits == [0.05]


def test_retry_after_as_an_http_date():
    assert retry_after_seconds("Wed, 21 Oct 2015 07:28:00 GMT", now=1445412470.0) == pytest.approx(10.0)
    assert retry_after_seconds("soon") is None and retry_after_seconds(None) is None


def test_500_then_success(server):
    server.push(Reply(status=500), Reply(status=503), answer())
    client = client_for(server)
    assert client.complete(MESSAGES, answer_schema()).content == '{"errors": []}'
    assert client.waits == [0.01, 0.02]  # exponential backoff


def test_500_past_the_retries_fails_the_request(server):
    server.push(Reply(status=500), Reply(status=500), Reply(status=500))
    with pytest.raises(RequestFailed, match=r"HTTP 500 \(3 tries\)"):
        client_for(server).complete(MESSAGES, answer_schema())


def test_a_hang_past_the_timeout_is_retried(server):
    server.push(Reply(hang=30.0), answer())
    client = client_for(server, timeout=1.0, retries=1)  # 1 s: the retry must still answer on a loaded machine
    assert client.complete(MESSAGES, answer_schema()).content == '{"errors": []}'
    assert len(server.requests) == 2


def test_a_hang_past_every_try_fails_with_the_timeout(server):
    server.push(Reply(hang=30.0))
    with pytest.raises(RequestFailed, match="0.5 s timeout"):
        client_for(server, timeout=0.5, retries=0).complete(MESSAGES, answer_schema())


def test_a_body_cut_short_is_retried(server):
    server.push(Reply(cut=True), answer())
    client = client_for(server)
    assert client.complete(MESSAGES, answer_schema()).content == '{"errors": []}'
    assert len(server.requests) == 2


def test_a_body_cut_short_every_time_fails_as_dropped(server):
    server.push(Reply(cut=True), Reply(cut=True))
    with pytest.raises(RequestFailed, match="dropped mid-response"):
        client_for(server, retries=1).complete(MESSAGES, answer_schema())


def test_a_server_without_structured_output_gets_json_object_then_nothing():
    with ScriptedServer(formats=(None,)) as plain:
        client = client_for(plain)
        client.complete(MESSAGES, answer_schema())
        client.complete(MESSAGES, answer_schema())
        kinds = [(b.get("response_format") or {}).get("type") for b in plain.requests]
    assert kinds == ["json_schema", "json_object", None, None]  # the step down is remembered
    assert client.response_format is None and len(client.notices) == 2


def test_json_object_is_kept_where_it_is_accepted():
    with ScriptedServer(formats=("json_object",)) as server:
        client = client_for(server)
        client.complete(MESSAGES, answer_schema())
    assert [b["response_format"]["type"] for b in server.requests] == ["json_schema", "json_object"]
    assert client.response_format == "json_object"


@pytest.mark.parametrize("status", [401, 403])
def test_a_rejected_key_makes_the_judge_unavailable(server, status):
    server.push(Reply(status=status))
    with pytest.raises(JudgeUnavailable, match=rf"rejected the API key \(HTTP {status}\); check \$OPENAI_API_KEY"):
        client_for(server, api_key="sk-wrong").complete(MESSAGES, answer_schema())


def test_a_wrong_route_makes_the_judge_unavailable(server):
    client = ChatClient(server.url.replace("/v1", "/v2"), model="m", timeout=10.0)
    with pytest.raises(JudgeUnavailable, match="HTTP 404"):
        client.complete(MESSAGES, answer_schema())


def test_other_4xx_fail_the_request_without_retry(server):
    server.push(Reply(status=400, body='{"error": {"message": "context too long"}}'))
    with pytest.raises(RequestFailed, match="HTTP 400"):
        client_for(server).complete(MESSAGES, answer_schema())
    assert len(server.requests) == 1


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_connection_refused_fails_fast_with_one_reason():
    client = ChatClient(f"http://127.0.0.1:{closed_port()}/v1", model="m", timeout=10.0, retries=5, backoff=5.0)
    started = time.monotonic()
    with pytest.raises(JudgeUnavailable) as caught:
        client.complete(MESSAGES, answer_schema())
    assert time.monotonic() - started < 5  # no retry loop
    assert "connection refused" in caught.value.reason
    assert "start the server or set [judge] base_url / OPENAI_BASE_URL" in caught.value.reason


def test_not_json_and_no_choices_fail_the_request(server):
    server.push(Reply(body="<html>oops</html>"), Reply(body='{"object": "list"}'))
    client = client_for(server)
    with pytest.raises(RequestFailed, match="not JSON"):
        client.complete(MESSAGES, answer_schema())
    with pytest.raises(RequestFailed, match="no choices"):
        client.complete(MESSAGES, answer_schema())
