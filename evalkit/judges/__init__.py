"""Model judgments as findings: what a model says is wrong with a translation, in the same report and gate.

Rules see structure, numbers, leaks and cut endings; most mistranslations need a model. This stage
turns model output into :class:`~evalkit.records.Finding` records with exact character spans:

- XCOMET-like models' error spans (from the model-metric stage's predictions),
- QE scores of aligned sentence pairs under a configured threshold,
- an LLM judge's MQM-style error spans, from any OpenAI-compatible chat-completions endpoint.

A model finding says who judged it in ``Evidence.model``; its severity and whether it is reported
follow the configuration exactly like a rule's (:meth:`evalkit.config.Config.finalise_findings`).
"""
