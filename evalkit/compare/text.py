"""How every comparison output writes a value, a p-value and a verdict, so that they all agree."""

from __future__ import annotations

from typing import Any, Mapping

#: Said under a comparison without BLEU/chrF/TER, so that their absence is not mistaken for a tie.
NO_REFERENCES = "No BLEU, chrF or TER: no matched entry has a reference translation (see `--references`)."


def fmt_value(value: float | None, digits: int = 2, signed: bool = False) -> str:
    """A score with ``digits`` decimals (``—`` when missing); ``signed`` writes ``+`` on a positive value."""
    if value is None:
        return "—"
    text = f"{value:+.{digits}f}" if signed else f"{value:.{digits}f}"
    return "0" if signed and float(text) == 0 else text


def fmt_p(p: float | None) -> str:
    """A p-value with four decimals, as sacrebleu prints it (``—`` when there was no test)."""
    return "—" if p is None else f"{p:.4f}"


def verdict(measure: Mapping[str, Any]) -> str:
    """``better``/``worse`` (from the system's side) when the difference is significant, ``same`` when
    there is none, else ``n.s.`` (not significant)."""
    if measure["better"] == "same":
        return "same"
    if not measure["significant"]:
        return "n.s."
    return "better" if measure["better"] == "system" else "worse"
