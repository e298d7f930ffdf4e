"""The LLM judge's versioned prompt, the JSON schema of its answer, and the category -> finding code table.

The prompt text lives in ``data/<version>.toml`` (``mqm-zh-1``: MQM-style error spans for
English -> Chinese abstracts). The version goes into every cache key, signature and finding, so a
changed prompt is a new file, never an edit. The categories and their codes are a fixed contract: the
``-llm`` suffix keeps a model's code apart from a rule's while sharing its category, so ``disable =
["coverage"]`` silences both.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from evalkit.checks.base import CodeSpec
from evalkit.errors import ConfigError
from evalkit.records import Severity

#: The severities the judge may give, from the worst (mapped to finding severities by ``[judge] severity``).
JUDGE_SEVERITIES = ("critical", "major", "minor")
#: Which text a span quotes: the Chinese translation, or the English source (omissions).
SIDES = ("translation", "source")


@dataclass(frozen=True)
class JudgeCategory:
    """One error category the judge may name: its word in the answer, its finding code, one line of help."""

    name: str
    code: str
    help: str


#: The judge's categories in the order the prompt lists them.
CATEGORIES: tuple[JudgeCategory, ...] = (
    JudgeCategory("mistranslation", "meaning.mistranslation-llm", "the LLM judge: the Chinese says what the English does not mean"),
    JudgeCategory("omission", "coverage.omission-llm", "the LLM judge: English content missing from the Chinese (the span quotes the English)"),
    JudgeCategory("addition", "coverage.addition-llm", "the LLM judge: Chinese content with no counterpart in the English"),
    JudgeCategory("invented-ending", "truncation.fabricated-llm", "the LLM judge: the Chinese completes a cut English abstract with invented content"),
    JudgeCategory("terminology", "terminology.llm", "the LLM judge: a technical term or acronym rendered wrongly"),
    JudgeCategory("number", "numbers.llm", "the LLM judge: a number, unit, magnitude or comparison changed"),
    JudgeCategory("untranslated", "untranslated.llm", "the LLM judge: English left untranslated where Chinese was needed"),
    JudgeCategory("fluency", "fluency.llm", "the LLM judge: ungrammatical or unnatural Chinese that keeps the meaning"),
    JudgeCategory("other", "meaning.other-llm", "the LLM judge: an error that fits no other category"),
)
#: Category word -> finding code.
CATEGORY_CODES: dict[str, str] = {c.name: c.code for c in CATEGORIES}
#: The finding codes the judge emits, for the code registry (``disable``/``severity`` config, ``evalkit list``).
#: The declared severity is that of a ``major`` span under the default ``[judge] severity`` mapping; each
#: finding's own severity follows the span's (critical/major/minor) through that mapping.
LLM_CODES: tuple[CodeSpec, ...] = tuple(CodeSpec(c.code, Severity.ERROR, c.help) for c in CATEGORIES)
#: The same codes under the name :mod:`evalkit.judges.codes` reads.
CODES = LLM_CODES

_PLACEHOLDER = re.compile(r"\{(source|translation|cut_note)\}")


@dataclass(frozen=True)
class Prompt:
    """One version of the judge's prompt: the system message, the user template and the two cut notes.

    The user template holds ``{source}``, ``{translation}`` and ``{cut_note}``; :meth:`messages` fills
    them in one pass, so braces inside an abstract are never read as placeholders.
    """

    version: str
    system: str
    user: str
    cut_note: str
    whole_note: str

    def messages(self, source: str, translation: str, source_cut: bool) -> list[dict[str, str]]:
        """The chat messages asking the judge about one translation."""
        values = {"source": source, "translation": translation, "cut_note": self.cut_note if source_cut else self.whole_note}
        user = _PLACEHOLDER.sub(lambda m: values[m[1]], self.user)
        return [{"role": "system", "content": self.system}, {"role": "user", "content": user}]


def answer_schema() -> dict[str, Any]:
    """The JSON schema of an answer, strict enough for OpenAI-style structured output (all fields required)."""
    error = {
        "type": "object",
        "properties": {
            "span": {"type": "string"},
            "side": {"type": "string", "enum": list(SIDES)},
            "category": {"type": "string", "enum": [c.name for c in CATEGORIES]},
            "severity": {"type": "string", "enum": list(JUDGE_SEVERITIES)},
            "explanation": {"type": "string"},
        },
        "required": ["span", "side", "category", "severity", "explanation"],
        "additionalProperties": False,
    }
    return {
        "type": "object",
        "properties": {"errors": {"type": "array", "items": error}},
        "required": ["errors"],
        "additionalProperties": False,
    }


@lru_cache(maxsize=None)
def load_prompt(version: str) -> Prompt:
    """The prompt ``version`` from the package's ``data/`` folder; :class:`ConfigError` when there is none."""
    import tomllib
    from importlib import resources

    if not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9._-]*", version):
        raise ConfigError(f"judge prompt {version!r} is not a prompt version name (like mqm-zh-1)")
    resource = resources.files("evalkit.judges.llm") / "data" / f"{version}.toml"
    try:
        data = tomllib.loads(resource.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(f"unknown judge prompt {version!r}; available: {', '.join(available_prompts())}") from None
    try:
        prompt = Prompt(
            version=data["version"], system=data["system"].strip(), user=data["user"].strip(),
            cut_note=data["cut_note"].strip(), whole_note=data["whole_note"].strip(),
        )
    except KeyError as exc:
        raise ConfigError(f"judge prompt file {version}.toml lacks the key {exc.args[0]!r}") from None
    if prompt.version != version:
        raise ConfigError(f"judge prompt file {version}.toml says it is version {prompt.version!r}")
    return prompt


def available_prompts() -> list[str]:
    """The prompt versions the package ships, sorted."""
    from importlib import resources

    folder = resources.files("evalkit.judges.llm") / "data"
    return sorted(p.name[: -len(".toml")] for p in folder.iterdir() if p.name.endswith(".toml"))
