"""The gate report as JSON (``evalkit gate --output FILE``), the machine-readable record of the run."""

from __future__ import annotations

from typing import Any

from evalkit.gate.outputs import GATE_FORMATS, GateFormat


@GATE_FORMATS.register
class JsonGateFormat(GateFormat):
    """:func:`~evalkit.gate.report.dumps_gate_report`: canonical JSON, byte-identical for the same run."""

    name = "json"

    def render(self, report: dict[str, Any], outcome: Any = None) -> str:
        from evalkit.gate.report import dumps_gate_report

        return dumps_gate_report(report)
