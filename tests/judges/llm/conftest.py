"""Fixtures of the LLM judge tests: a started scripted server and settings pointed at it."""

from __future__ import annotations

from typing import Any, Iterator

import pytest

from evalkit.config import JudgeSettings
from tests.judges.scripted_server import ScriptedServer

#: The English and Chinese texts most tests judge (written for these tests).
SOURCE = "We train a small model on two languages. The model beats the baseline by 3 points."
TRANSLATION = "我们在两种语言上训练了一个小模型。该模型比基线高出3个百分点。"


@pytest.fixture
def server() -> Iterator[ScriptedServer]:
    """A scripted chat-completions server on 127.0.0.1, stopped after the test."""
    with ScriptedServer() as running:
        yield running


def settings_for(server: ScriptedServer, **changes: Any) -> JudgeSettings:
    """Judge settings aimed at ``server``: generous timeout (loaded machines), one retry, no key."""
    values: dict[str, Any] = {"model": "scripted-judge", "base_url": server.url, "timeout": 10.0, "retries": 1, "concurrency": 2}
    values.update(changes)
    return JudgeSettings(**values).validate()


#: No environment variables: no key, no OPENAI_BASE_URL.
NO_ENV: dict[str, str] = {}
