"""evalkit.text.indented_json: the same bytes as json.dumps(ensure_ascii=False, indent=2), for any JSON value."""

from __future__ import annotations

import json
from collections import OrderedDict
from enum import IntEnum

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from evalkit.text.indented_json import dumps_indented

scalars = st.one_of(
    st.none(), st.booleans(), st.integers(), st.floats(allow_nan=True, allow_infinity=True), st.text()
)
keys = st.one_of(st.text(), st.integers(), st.floats(allow_nan=False), st.booleans(), st.none())
values = st.recursive(
    scalars,
    lambda inner: st.one_of(st.lists(inner, max_size=4), st.tuples(inner, inner), st.dictionaries(keys, inner, max_size=4)),
    max_leaves=30,
)


def reference(value, depth=0):
    return json.dumps(value, ensure_ascii=False, indent=2).replace("\n", "\n" + " " * depth)


@settings(max_examples=400, deadline=None)
@given(values, st.integers(min_value=0, max_value=8))
def test_any_value_is_written_as_json_dumps_writes_it(value, depth):
    assert dumps_indented(value, depth) == reference(value, depth)


class Level(IntEnum):
    LOW = 1


@pytest.mark.parametrize(
    "value",
    [{}, [], {"a": {}}, [[], [{}]], "\u2028\x7f\ud800\"\\", -0.0, 1e-05, 1e300, float("nan"), Level.LOW, OrderedDict(b=1, a=2), {Level.LOW: "x"}],
)
def test_edge_values(value):
    assert dumps_indented(value, 4) == reference(value, 4)


@pytest.mark.parametrize("value", [{1j: 1}, {(1, 2): 1}, [object()], {"a": {1, 2}}, b"bytes"])
def test_what_json_refuses_is_refused(value):
    with pytest.raises(TypeError):
        json.dumps(value)
    with pytest.raises(TypeError):
        dumps_indented(value)
