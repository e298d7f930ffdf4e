"""The Jinja environment, the inline CSS/JS assets and the Content-Security-Policy of every HTML page.

Pages are single files opened from ``file://`` or a CI artifact, so nothing may be fetched: the stylesheet
and the script are inlined, and the CSP allows exactly those two blocks by their SHA-256 hashes (no
``'unsafe-inline'``), so any script that digest text managed to smuggle into the page would not run.
"""

from __future__ import annotations

import base64
import hashlib
import json
from functools import lru_cache
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined
from markupsafe import Markup

from evalkit.text.safe import json_text, visible
from evalkit.text.unencodable import SURROGATE, escape_unencodable

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"
#: The stylesheet and the script are kept as plain files beside the templates (``.j2`` so that package
#: data picks them up); they are read verbatim, never rendered, so their hashes are stable.
STYLE_ASSET = "style.css.j2"
SCRIPT_ASSET = "app.js.j2"

# JSON inside <script type="application/json"> is raw text to the HTML parser: only "</script" (or
# "<!--") could end or confuse the element, so "<" is escaped, and ">"/"&" for good measure. U+2028/9
# (line terminators in older JavaScript) and control characters are escaped by json_text.
_SCRIPT_JSON_ESCAPES = str.maketrans({"<": "\\u003c", ">": "\\u003e", "&": "\\u0026"})


def _visible_value(value: Any) -> Any:
    """Every ``{{ value }}`` of a template before autoescaping: text other than our own markup shows its
    control characters and line breaks (a file name with ESC, a C1 byte, a newline) as visible escapes."""
    if isinstance(value, str) and not isinstance(value, Markup):
        return visible(value)
    return value


@lru_cache(maxsize=1)
def environment() -> Environment:
    """The shared Jinja environment: autoescape on for every template, undefined names are errors, control
    characters in any printed text written as visible escapes."""
    env = Environment(
        finalize=_visible_value,
        loader=FileSystemLoader(str(TEMPLATES)),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["num"] = format_number
    env.filters["pct"] = format_percent
    return env


@lru_cache(maxsize=None)
def asset(name: str) -> str:
    """The text of an inline asset, checked so that it cannot end its own ``<style>``/``<script>`` early."""
    text = (TEMPLATES / name).read_text(encoding="utf-8")
    lowered = text.lower()
    if "</style" in lowered or "</script" in lowered or "<!--" in lowered:
        raise ValueError(f"asset {name} contains a closing tag or an HTML comment")
    return text


def csp_hash(text: str) -> str:
    """The CSP source expression (``'sha256-…'``) that allows an inline block with exactly ``text``."""
    digest = hashlib.sha256(text.encode("utf-8")).digest()
    return "'sha256-" + base64.b64encode(digest).decode("ascii") + "'"


def content_security_policy(style: str, script: str) -> str:
    """A strict policy: nothing from anywhere, except the page's own hashed style and script blocks.

    ``img-src data:`` lets the empty ``data:`` favicon through (otherwise the browser asks for
    ``/favicon.ico`` and logs a violation); forms and ``<base>`` are disabled outright.
    """
    return "; ".join(
        (
            "default-src 'none'",
            f"style-src {csp_hash(style)}",
            f"script-src {csp_hash(script)}",
            "img-src data:",
            "base-uri 'none'",
            "form-action 'none'",
        )
    )


def json_for_script(data: Any) -> Markup:
    """``data`` as JSON safe to place verbatim inside ``<script type="application/json">``.

    No character sequence of the result can close the element or open a comment, whatever strings
    (``</script>``, ``<!--``, ``</textarea>``) the digest held; ``JSON.parse`` reads it back unchanged.
    """
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    # A non-UTF-8 file name: the script shows it as the page's text does (bad\\xff.md), as a JSON string.
    text = json_text(SURROGATE.sub(lambda m: json.dumps(escape_unencodable(m.group()))[1:-1], text))
    return Markup(text.translate(_SCRIPT_JSON_ESCAPES))


def render_page(template: str, *, script_asset: str = SCRIPT_ASSET, **context: Any) -> str:
    """Render a page template with the inline assets and the matching CSP filled in.

    ``script_asset`` names the page's script (the comparison page has its own); the CSP hashes whichever
    one is inlined, so a page never runs a script it did not ask for.
    """
    style, script = asset(STYLE_ASSET), asset(script_asset)
    return (
        environment()
        .get_template(template)
        .render(css=Markup(style), script=Markup(script), csp=content_security_policy(style, script), **context)
    )


def format_number(value: float | int | None, digits: int = 2) -> str:
    """A score or count for display: ``—`` for a missing value, integers without decimals."""
    if value is None:
        return "—"
    if isinstance(value, int):
        return f"{value:,}"
    return f"{value:.{digits}f}"


def format_percent(value: float | None, digits: int = 0) -> str:
    """A share (0..1) as a percentage, ``—`` when unknown."""
    return "—" if value is None else f"{100 * value:.{digits}f}%"
