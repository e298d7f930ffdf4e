"""Loads the Hypothesis profile of the property tests (see :mod:`tests.property.budget`)."""

import tests.property.budget  # noqa: F401  (registers and loads the profile)
