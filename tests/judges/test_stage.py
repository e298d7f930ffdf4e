"""The LLM-judge stage end to end: scope, findings in the report, cache reruns, offline runs, the gate.

Every request goes to the scripted chat-completions server on 127.0.0.1; nothing leaves the machine.
"""

from __future__ import annotations

import json
import re
import shutil
from typing import Any

import pytest
from typer.testing import CliRunner

from evalkit.cli import app
from evalkit.config import Config, JudgeSettings
from evalkit.errors import ModelUnavailableError
from evalkit.judges.stage import OUT_OF_SCOPE, in_scope
from evalkit.pipeline import score
from evalkit.records import Severity
from tests.digest_builder import FIXTURES
from tests.judges.scripted_server import Reply, ScriptedServer, answer, error, user_text

runner = CliRunner()
DIGEST = str(FIXTURES / "v1_s3.md")  # three entries; the second one's English was cut
QUOTE_CHARS = 6


def translation_of(body: dict[str, Any]) -> str:
    """The Chinese abstract the request asks about (the prompt puts it last, after its heading)."""
    return user_text(body).split("Chinese translation:", 1)[1].strip()


def quote_start(body: dict[str, Any], severity: str = "major") -> Reply:
    """A judge that finds one mistranslation in every abstract: its first few characters."""
    return answer(error(translation_of(body)[:QUOTE_CHARS], severity=severity, explanation="says something else"))


@pytest.fixture(autouse=True)
def private_cache(tmp_path, monkeypatch):
    """Each test caches answers in its own directory and sees no OpenAI environment."""
    monkeypatch.setenv("EVALKIT_CACHE_DIR", str(tmp_path / "cache"))
    for name in ("OPENAI_API_KEY", "OPENAI_BASE_URL"):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def server():
    with ScriptedServer(default=quote_start) as running:
        yield running


def judged_config(server: ScriptedServer, scope: str = "all", **config: Any) -> Config:
    judge = JudgeSettings(model="scripted-judge", base_url=server.url, scope=scope, timeout=10.0, retries=1)
    return Config(judge=judge, **config).validate()


def llm_findings(entry_result) -> list:
    return [f for f in entry_result.findings if f.code.endswith("-llm") or f.code.endswith(".llm")]


def test_scope_all_judges_every_entry_and_each_span_is_exact(server):
    run = score([DIGEST], judged_config(server))
    entries = run.issues[0].entries
    assert len(server.requests) == len(entries) == 3
    (judge,) = run.judges
    assert judge.computed_ok and (judge.entries, judge.judged, judge.findings) == (3, 3, 3)
    for er in entries:
        (finding,) = llm_findings(er)
        start, end = finding.evidence.translation_span
        assert er.entry.abstract_zh[start:end] == finding.evidence.translation == er.entry.abstract_zh[:QUOTE_CHARS]
        assert finding.code == "meaning.mistranslation-llm" and finding.severity is Severity.ERROR  # major -> error
        assert finding.evidence.model == "scripted-judge · mqm-zh-1"
        assert finding.line == er.entry.line_of("abstract_zh")
        assert er.judged == {"llm": "judged"}


def test_scope_cut_sends_only_the_entries_whose_english_was_cut(server):
    run = score([DIGEST], judged_config(server, scope="cut"))
    entries = run.issues[0].entries
    assert [er.entry.source_truncated for er in entries] == [False, True, False]
    assert len(server.requests) == 1
    assert [er.judged["llm"] for er in entries] == [OUT_OF_SCOPE, "judged", OUT_OF_SCOPE]
    assert [len(llm_findings(er)) for er in entries] == [0, 1, 0]


def test_scope_flagged_leaves_out_what_the_rules_already_fail(server):
    # The cut English is an info finding; made an error, the rules fail that entry and the judge skips it.
    config = judged_config(server, scope="flagged", severity={"truncation.source": Severity.ERROR})
    run = score([DIGEST], config)
    entries = run.issues[0].entries
    assert [er.judged["llm"] for er in entries] == ["judged", OUT_OF_SCOPE, "judged"]
    assert len(server.requests) == 2 and run.judges[0].entries == 2


def test_entries_with_an_empty_side_are_never_sent():
    from evalkit.records import EntryResult

    run = score([DIGEST], Config())
    er = run.issues[0].entries[0]
    empty = EntryResult(entry=type(er.entry)(**{**er.entry.__dict__, "abstract_zh": "  "}))
    assert in_scope(er, "all") and not in_scope(empty, "all")


def test_model_findings_follow_disable_and_severity_like_a_rules(server):
    run = score([DIGEST], judged_config(server, disable=frozenset({"meaning.mistranslation-llm"})))
    assert not any(llm_findings(er) for er in run.issues[0].entries)
    assert run.judges[0].findings == 0 and run.judges[0].judged == 3  # judged, then the configuration dropped them
    run = score([DIGEST], judged_config(server, severity={"meaning": Severity.INFO}))
    assert {f.severity for er in run.issues[0].entries for f in llm_findings(er)} == {Severity.INFO}


def test_cli_report_carries_the_judge_and_a_rerun_costs_nothing(server, tmp_path):
    args = ["score", DIGEST, "--no-config", "--judge", "scripted-judge", "--judge-base-url", server.url,
            "--judge-scope", "all", "--format", "json", "--output"]
    first = runner.invoke(app, [*args, str(tmp_path / "a.json")])
    assert first.exit_code == 0, first.output
    assert re.search(r"LLM judge scripted-judge \(mqm-zh-1\) read 3 of 3 entries", first.output)
    sent = len(server.requests)
    second = runner.invoke(app, [*args, str(tmp_path / "b.json")])
    assert second.exit_code == 0 and len(server.requests) == sent  # every answer came from the cache
    a, b = (tmp_path / "a.json").read_bytes(), (tmp_path / "b.json").read_bytes()
    assert a == b
    report = json.loads(a)
    judge = report["config"]["judge"]
    assert judge["status"] == "computed" and judge["findings"] == 3 and "prompt=mqm-zh-1" in judge["signature"]
    entry = report["issues"][0]["entries"][0]
    assert entry["judged"] == {"llm": "judged"}
    (finding,) = [f for f in entry["findings"] if f["code"] == "meaning.mistranslation-llm"]
    assert finding["evidence"]["model"] == "scripted-judge · mqm-zh-1"
    html = runner.invoke(app, ["render", str(tmp_path / "a.json"), "--output", str(tmp_path / "a.html")])
    assert html.exit_code == 0 and "LLM judge" in (tmp_path / "a.html").read_text(encoding="utf-8")
    md = runner.invoke(app, ["render", str(tmp_path / "a.json"), "--format", "markdown", "--output", str(tmp_path / "a.md")])
    assert md.exit_code == 0 and "LLM judge `scripted-judge`" in (tmp_path / "a.md").read_text(encoding="utf-8")


def closed_port_url() -> str:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    return f"http://127.0.0.1:{port}/v1"  # nothing listens there once the socket is closed


def test_unreachable_endpoint_is_one_notice_and_everything_else_runs(tmp_path):
    url = closed_port_url()
    result = runner.invoke(app, ["score", DIGEST, "--no-config", "--judge", "m", "--judge-base-url", url,
                                 "--format", "json", "--output", str(tmp_path / "r.json")])
    assert result.exit_code == 0, result.output
    assert result.output.count("LLM judge not computed") == 1 and "Traceback" not in result.output
    report = json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))
    assert report["config"]["judge"]["status"] == "not computed" and url in report["config"]["judge"]["reason"]
    assert all("judged" not in e for e in report["issues"][0]["entries"])
    plain = runner.invoke(app, ["score", DIGEST, "--no-config", "--format", "json", "--output", str(tmp_path / "p.json")])
    assert plain.exit_code == 0
    assert json.loads((tmp_path / "p.json").read_text(encoding="utf-8"))["issues"] == report["issues"]


def test_require_judge_makes_an_unavailable_judge_an_error(tmp_path):
    url = closed_port_url()
    result = runner.invoke(app, ["score", DIGEST, "--no-config", "--judge", "m", "--judge-base-url", url, "--require-judge"])
    assert result.exit_code == 2 and "LLM judge" in result.output and "Traceback" not in result.output
    with pytest.raises(ModelUnavailableError):
        score([DIGEST], Config(judge=JudgeSettings(model="m", base_url=url, require=True)))


def test_no_key_for_openai_says_what_to_set(tmp_path):
    result = runner.invoke(app, ["score", DIGEST, "--no-config", "--judge", "gpt-4o-mini", "-f", "json", "-o", str(tmp_path / "r.json")])
    assert result.exit_code == 0 and "OPENAI_API_KEY" in result.output


def test_a_critical_span_fails_the_gate(server, tmp_path):
    shutil.copy(DIGEST, tmp_path / "d.md")
    plain = runner.invoke(app, ["gate", str(tmp_path / "d.md"), "--no-config", "--no-references"])
    assert plain.exit_code == 0, plain.output
    server.default = lambda body: quote_start(body, severity="critical")
    judged = runner.invoke(app, ["gate", str(tmp_path / "d.md"), "--no-config", "--no-references", "--judge", "m",
                                 "--judge-base-url", server.url, "--judge-scope", "all"])
    assert judged.exit_code == 1, judged.output
    assert "meaning.mistranslation-llm" in judged.output
