"""The COMET fixtures (``tiny_comet``, ``isolated_caches``) live in ``tests/conftest.py``: the pipeline
and CLI tests use them too."""
