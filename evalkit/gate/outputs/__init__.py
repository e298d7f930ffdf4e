"""Renderings of the gate report (:mod:`evalkit.gate.report`) for people and CI systems.

- :mod:`.console`: the lines ``evalkit gate`` prints (plain, or with GitHub workflow commands);
- :mod:`.github`: GitHub Actions annotations (``::error file=…,line=…::``) and the step summary;
- :mod:`.summary`: the Markdown summary (step summary, pull-request comment);
- :mod:`.junit`: JUnit XML, one test case per entry;
- :mod:`.sarif`: SARIF 2.1.0 for code scanning.

Digest text is untrusted: every renderer escapes it for its format (:mod:`evalkit.text.safe` holds the shared helpers),
so a title holding ``::error::``, a newline or ``<script>`` stays text.
"""
