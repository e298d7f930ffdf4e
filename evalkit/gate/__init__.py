"""Stage 5: the CI gate. Apply a policy to a scored run and say pass or fail, with reasons.

- :mod:`.policy`: the ``[gate]`` configuration table, validated into a :class:`GatePolicy`;
- :mod:`.waivers`: accepted failures with a reason and an expiry date;
- :mod:`.evaluate`: verdicts per entry and per issue (:class:`GateResult`);
- :mod:`.history` and :mod:`.regression`: the SQLite history and the bootstrap regression test;
- :mod:`.report`: the gate report (``evalkit.gate/1``) every CI output is rendered from;
- :mod:`.outputs`: console lines, GitHub annotations and step summary, JUnit XML, SARIF;
- :mod:`.run`: one gate run, start to end (what ``evalkit gate`` calls).

``docs/gate.md`` is the user's guide.
"""

from __future__ import annotations

from evalkit.gate.evaluate import EntryVerdict, GateResult, IssueVerdict, Reason, evaluate
from evalkit.gate.policy import GatePolicy, policy_from_config, policy_from_mapping
from evalkit.gate.run import GateOptions, GateRun, run_gate
from evalkit.gate.waivers import Waiver, WaiverFileError, WaiverSet, load_waivers

__all__ = [
    "EntryVerdict",
    "GateOptions",
    "GatePolicy",
    "GateResult",
    "GateRun",
    "IssueVerdict",
    "Reason",
    "Waiver",
    "WaiverFileError",
    "WaiverSet",
    "evaluate",
    "load_waivers",
    "policy_from_config",
    "policy_from_mapping",
    "run_gate",
]
