"""The versioned prompt, its answer schema and the category -> code table."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from evalkit.errors import ConfigError
from evalkit.judges.llm.prompt import CATEGORIES, CATEGORY_CODES, LLM_CODES, answer_schema, available_prompts, load_prompt

ROOT = Path(__file__).resolve().parents[3]


def test_the_shipped_prompt_loads_with_its_version():
    prompt = load_prompt("mqm-zh-1")
    assert prompt.version == "mqm-zh-1"
    assert "mqm-zh-1" in available_prompts()
    assert "{source}" in prompt.user and "{translation}" in prompt.user and "{cut_note}" in prompt.user


def test_every_category_is_named_in_the_prompt_and_the_schema():
    prompt = load_prompt("mqm-zh-1")
    enum = answer_schema()["properties"]["errors"]["items"]["properties"]["category"]["enum"]
    for category in CATEGORIES:
        assert f'"{category.name}"' in prompt.system
    assert enum == [c.name for c in CATEGORIES]


def test_codes_keep_the_rule_categories_with_an_llm_suffix():
    assert CATEGORY_CODES["omission"] == "coverage.omission-llm"
    assert CATEGORY_CODES["invented-ending"] == "truncation.fabricated-llm"
    assert CATEGORY_CODES["other"] == "meaning.other-llm"
    assert len({spec.code for spec in LLM_CODES}) == len(CATEGORIES) == 9
    assert all("llm" in spec.code.split(".", 1)[1] and spec.help for spec in LLM_CODES)


def test_the_cut_note_is_chosen_by_source_cut():
    prompt = load_prompt("mqm-zh-1")
    cut = prompt.messages("An abstract that stops mid", "一篇摘要", True)[1]["content"]
    whole = prompt.messages("A whole abstract.", "一篇摘要。", False)[1]["content"]
    assert "cut at 1,000 characters" in cut and "invented-ending" in cut
    assert "cut at 1,000" not in whole and prompt.whole_note in whole


def test_braces_in_an_abstract_are_not_placeholders():
    prompt = load_prompt("mqm-zh-1")
    user = prompt.messages("uses {translation} and {cut_note} literally", "译文{source}", False)[1]["content"]
    assert "uses {translation} and {cut_note} literally" in user
    assert "译文{source}" in user


@pytest.mark.parametrize("version", ["mqm-zh-9", "../config", ""])
def test_an_unknown_prompt_version_is_a_config_error(version):
    with pytest.raises(ConfigError):
        load_prompt(version)


def test_the_prompt_files_are_package_data():
    data = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    assert "**/*.toml" in data["tool"]["setuptools"]["package-data"]["evalkit"]
