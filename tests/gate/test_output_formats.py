"""The registry of gate report formats (evalkit.gate.outputs): every file ``evalkit gate`` writes goes through it."""

from __future__ import annotations

import datetime
from types import SimpleNamespace

import pytest

from evalkit.config import Config
from evalkit.errors import UnknownNameError
from evalkit.gate.evaluate import evaluate
from evalkit.gate.outputs import GATE_FORMATS, render_gate
from evalkit.gate.outputs.junit import RunTime, render_junit
from evalkit.gate.outputs.sarif import render_sarif
from evalkit.gate.outputs.summary import render_summary
from evalkit.gate.policy import policy_from_mapping
from evalkit.gate.report import build_gate_report, dumps_gate_report
from evalkit.gate.waivers import waivers_from_mapping
from evalkit.pipeline import score
from tests.gate.util import NAME, good_entries, with_defect, write_digest


@pytest.fixture(scope="module")
def gate_report(tmp_path_factory):
    """The gate report of a digest with one failing entry."""
    entries = good_entries(2)
    entries[1] = with_defect(entries[1], "untranslated")
    path = write_digest(tmp_path_factory.mktemp("gate"), NAME, entries)
    run = score([str(path)], Config(use_references=False))
    result = evaluate(run, policy_from_mapping({}), waivers_from_mapping({}), today=datetime.date(2026, 6, 1))
    return build_gate_report(result)


@pytest.mark.parametrize(
    "name, direct",
    [("json", dumps_gate_report), ("junit", render_junit), ("sarif", render_sarif), ("markdown", render_summary)],
)
def test_each_gate_format_renders_as_its_module_does(gate_report, name, direct):
    assert render_gate(gate_report, name) == direct(gate_report)


def test_junit_takes_the_run_time_from_the_outcome(gate_report):
    started = datetime.datetime(2026, 6, 1, 12, 0, tzinfo=datetime.timezone.utc)
    outcome = SimpleNamespace(started=started, seconds=2.5)
    assert render_gate(gate_report, "junit", outcome) == render_junit(gate_report, RunTime(started, 2.5))
    assert 'time="2.500"' in render_gate(gate_report, "junit", outcome)


def test_registered_gate_formats():
    render_gate({}, "json")  # loads the modules
    assert GATE_FORMATS.names() == ["json", "junit", "markdown", "sarif"]


def test_unknown_gate_format_suggests_a_name(gate_report):
    with pytest.raises(UnknownNameError, match="did you mean 'sarif'"):
        render_gate(gate_report, "sarf")
