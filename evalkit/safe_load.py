"""JSON and TOML parsing that fails only with the parsers' own decode errors, whatever the text.

Every JSON or TOML file evalkit reads (reports, references, triples, history rows, configuration,
waivers) may be hand-edited or hostile. The standard parsers have three other ways out, each of which
used to reach the user as a traceback:

- nesting deep enough (about a thousand levels) raises :class:`RecursionError`;
- ``NaN``, ``Infinity`` and numbers beyond the float range (``1e999``) parse as non-finite floats that
  no evalkit file ever holds and that ``json.dumps`` later writes as invalid JSON or refuses;
- an integer of more than 4300 digits raises :class:`ValueError` (Python's conversion limit).

:func:`json_loads` turns all three into :class:`json.JSONDecodeError` (with the line and column where
the trouble starts) and :func:`toml_loads` nesting into :class:`tomllib.TOMLDecodeError`, so every
caller's existing "invalid JSON/TOML" handling names the file and line.
"""

from __future__ import annotations

import json
import math
import re
import tomllib
from typing import Any

#: Deeper than any file evalkit writes (a report nests about eight levels): where a nesting error points.
MAX_DEPTH = 100

#: JSON tokens for locating a problem: strings (skipped whole, so their brackets do not count),
#: brackets, numbers and the non-standard constants Python's parser accepts.
_TOKEN = re.compile(r'"(?:[^"\\]|\\.)*"|[\[\]{}]|-?(?:Infinity|\d+(?:\.\d+)?(?:[eE][-+]?\d+)?)|NaN')


class _NotFinite(ValueError):
    """Raised from the parser's number hooks; turned into a :class:`json.JSONDecodeError` by :func:`json_loads`."""


def _finite_float(literal: str) -> float:
    value = float(literal)
    if not math.isfinite(value):
        raise _NotFinite(literal)
    return value


def _refuse_constant(literal: str) -> float:
    raise _NotFinite(literal)


def json_loads(text: str) -> Any:
    """``json.loads(text)``, but :class:`json.JSONDecodeError` also for nesting deeper than the parser can
    follow, ``NaN``/``Infinity``, numbers too large for a float and integers too long to convert."""
    try:
        return json.loads(text, parse_float=_finite_float, parse_constant=_refuse_constant)
    except json.JSONDecodeError:
        raise
    except RecursionError:
        raise _problem(text, "arrays or objects nested too deeply to read") from None
    except _NotFinite:
        raise _problem(text, "a number JSON cannot hold (NaN, Infinity or beyond the float range, such as 1e999)") from None
    except ValueError:
        raise _problem(text, "an integer too long to read (more than 4300 digits)") from None


def toml_loads(text: str) -> dict[str, Any]:
    """``tomllib.loads(text)``, but :class:`tomllib.TOMLDecodeError` also for arrays or inline tables
    nested deeper than the parser can follow."""
    try:
        return tomllib.loads(text)
    except RecursionError:
        raise tomllib.TOMLDecodeError("arrays or inline tables nested too deeply") from None


def _problem(text: str, message: str) -> json.JSONDecodeError:
    """The error for ``message`` at the first token that explains it (only computed on this error path)."""
    depth = 0
    for match in _TOKEN.finditer(text):
        token = match.group()
        if token in "[{":
            depth += 1
            if depth > MAX_DEPTH:
                return json.JSONDecodeError(message, text, match.start())
        elif token in "]}":
            depth -= 1
        elif token[0] != '"' and _unreadable_number(token):
            return json.JSONDecodeError(message, text, match.start())
    return json.JSONDecodeError(message, text, 0)


def _unreadable_number(token: str) -> bool:
    """Whether the parser refuses the number ``token``: an integer past the conversion limit, a
    non-finite float (integers as long as 400 digits are fine: they never become floats)."""
    try:
        if token.lstrip("-").isdigit():
            int(token)
            return False
        return not math.isfinite(float(token))
    except ValueError:
        return True
