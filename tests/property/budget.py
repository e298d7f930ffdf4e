"""How much the property and fuzz tests do: a small default for every run, more with ``EVALKIT_FUZZ=1``.

Two Hypothesis profiles are registered here and one is loaded when this module is imported (by the
``conftest.py`` of ``tests/property`` and ``tests/hardening``):

* ``evalkit-ci`` (default): few examples per test, so the new tests add well under a minute to the suite;
* ``evalkit-fuzz`` (``EVALKIT_FUZZ=1``): every example count multiplied by ``EVALKIT_FUZZ_SCALE``
  (default 20), and the non-Hypothesis loops (SIGKILL runs, mutation fuzzing) run longer too.

Tests never hard-code a count: they call :func:`examples` (Hypothesis) or :func:`repeats` (plain loops).
"""

from __future__ import annotations

import os

from hypothesis import HealthCheck, settings

FUZZ = os.environ.get("EVALKIT_FUZZ", "").strip().lower() not in ("", "0", "false", "no")
SCALE = max(1, int(os.environ.get("EVALKIT_FUZZ_SCALE", "20"))) if FUZZ else 1

_COMMON = dict(
    deadline=None,  # the 2-core CI machine is shared: wall-clock deadlines would only add flakiness
    print_blob=True,  # a failure prints the @reproduce_failure line
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.large_base_example],
)
settings.register_profile("evalkit-ci", max_examples=25, **_COMMON)
settings.register_profile("evalkit-fuzz", max_examples=25 * SCALE, **_COMMON)
PROFILE = "evalkit-fuzz" if FUZZ else "evalkit-ci"
settings.load_profile(PROFILE)


def examples(base: int) -> settings:
    """Hypothesis settings with ``base`` examples by default, ``base * SCALE`` under ``EVALKIT_FUZZ=1``."""
    return settings(settings.get_profile(PROFILE), max_examples=base * SCALE)


def repeats(base: int, fuzz: int | None = None) -> int:
    """How many times a plain loop runs: ``base`` by default, ``fuzz`` (or ``base * SCALE``) when fuzzing."""
    if not FUZZ:
        return base
    return fuzz if fuzz is not None else base * SCALE
