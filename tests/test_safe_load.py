"""JSON and TOML that the standard parsers fail on in ways other than their decode errors."""

from __future__ import annotations

import json
import tomllib

import pytest

from evalkit.safe_load import json_loads, toml_loads

DEEP = 100_000


@pytest.mark.parametrize(
    "text, line, column",
    [
        ("[" * DEEP + "]" * DEEP, 1, 101),
        ('{"a": [' + "{}," * 5 + "\n" + "[" * DEEP + "]" * DEEP + "]}", 2, 99),  # two levels open on line 1
        ('{"a": "[[[[", "b":\n 1e999}', 2, 2),
        ('[1, -1e400]', 1, 5),
        ("[NaN]", 1, 2),
        ('["Infinity", Infinity]', 1, 14),
        ("[-Infinity]", 1, 2),
        ('["x",\n\n' + "1" * 5000 + "]", 3, 1),
    ],
)
def test_json_trouble_is_a_decode_error_with_its_place(text, line, column):
    with pytest.raises(json.JSONDecodeError) as error:
        json_loads(text)
    assert (error.value.lineno, error.value.colno) == (line, column)


@pytest.mark.parametrize("text", ['{"a": [1.5, -2e10, 3]}', "[" + "1" + "0" * 400 + "]", '["1e999", "NaN"]', "[" * 90 + "]" * 90])
def test_json_that_evalkit_can_hold_reads_as_json_loads_reads_it(text):
    assert json_loads(text) == json.loads(text)


def test_toml_nested_100k_deep_is_a_decode_error():
    with pytest.raises(tomllib.TOMLDecodeError, match="nested too deeply"):
        toml_loads("a = " + "[" * DEEP + "]" * DEEP)
    assert toml_loads("a = [[1], [2]]") == {"a": [[1], [2]]}
