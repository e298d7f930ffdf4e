"""Renderings of the gate report (:mod:`evalkit.gate.report`) for people and CI systems.

- :mod:`.console`: the lines ``evalkit gate`` prints (plain, or with GitHub workflow commands);
- :mod:`.github`: GitHub Actions annotations (``::error file=…,line=…::``) and the step summary;
- :mod:`.summary`: the Markdown summary (step summary, pull-request comment);
- :mod:`.junit`: JUnit XML, one test case per entry;
- :mod:`.sarif`: SARIF 2.1.0 for code scanning.

Digest text is untrusted: every renderer escapes it for its format (:mod:`evalkit.text.safe` holds the shared helpers),
so a title holding ``::error::``, a newline or ``<script>`` stays text.
"""

from __future__ import annotations

from typing import Any, ClassVar

from evalkit.registry import Registry, import_submodules

#: The file formats of the gate report, by name (``json``, ``junit``, ``sarif``, ``markdown``): one module
#: each here, registering a :class:`GateFormat`. ``evalkit gate`` writes each through :func:`render_gate`.
GATE_FORMATS: Registry[type["GateFormat"]] = Registry("gate format")


class GateFormat:
    """One file rendering of the gate report (``evalkit.gate/1``)."""

    name: ClassVar[str]

    def render(self, report: dict[str, Any], outcome: Any = None) -> str:
        """The file's text; ``outcome`` is the :class:`~evalkit.gate.run.GateRun` where known (JUnit takes the
        run's start and duration from it)."""
        raise NotImplementedError


def render_gate(report: dict[str, Any], name: str, outcome: Any = None) -> str:
    """``report`` rendered by the gate format registered as ``name``."""
    import_submodules(__name__, __path__)
    return GATE_FORMATS.get(name)().render(report, outcome)
