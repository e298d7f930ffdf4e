"""A small client of OpenAI-compatible chat-completions endpoints (vLLM, llama.cpp, Ollama, hosted APIs).

``POST {base_url}/chat/completions`` with ``temperature`` 0, ``seed``, ``max_tokens`` and a
``response_format``: the answer's JSON schema first; a server that refuses it (400/422 naming the
response format) is asked again with ``{"type": "json_object"}``, then with none, and the step down
holds for the rest of the run. One ``httpx.Client`` is shared by every worker thread (its connection
pool is thread-safe).

What can go wrong, and what happens:

- 429 and 5xx, a timeout, a connection dropped mid-response: retried up to ``retries`` times with
  exponential backoff; a 429's ``Retry-After`` (seconds or an HTTP date) is honoured up to
  ``max_retry_after`` seconds. Still failing: :class:`RequestFailed` (this item fails, the run goes on).
- connection refused, unknown host, connect timeout before the endpoint ever answered: fail fast with
  :class:`JudgeUnavailable` (the whole run is "not computed"); once it has answered, the same errors
  are retried like any other transient failure.
- 401/403 (key rejected) and 404 (wrong base URL or model): :class:`JudgeUnavailable`.
"""

from __future__ import annotations

import re
import threading
import time
from dataclasses import dataclass
from email.utils import parsedate_to_datetime
from typing import Any, Mapping, Sequence

from evalkit.judges.llm.tokens import usage_tokens
from evalkit.text.chars import clip

#: The response formats tried in turn, from the strictest: a JSON schema, any JSON object, nothing.
RESPONSE_FORMATS = ("json_schema", "json_object", None)
#: The longest wait a Retry-After header may impose on one retry (a server asking for an hour is refused).
MAX_RETRY_AFTER = 30.0
#: The first backoff in seconds (then doubled on each retry) when the server gives no Retry-After.
BACKOFF = 0.5

_FORMAT_WORDS = ("response_format", "json_schema", "json_object", "structured output", "guided")


class JudgeUnavailable(Exception):
    """The endpoint cannot be used at all (unreachable, key rejected, no such route or model).

    ``reason`` is one line that says what happened and what to do; the whole run is "not computed".
    """

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class RequestFailed(Exception):
    """One request failed for good (after its retries, or at once for an answer that cannot be used)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class ChatAnswer:
    """The model's answer text, the server's token counts (``None`` when it sent no ``usage``) and why it stopped."""

    content: str
    prompt_tokens: int | None
    completion_tokens: int | None
    finish_reason: str | None


def public_url(url: str) -> str:
    """``url`` without any ``user:password@`` part, for messages and signatures."""
    return re.sub(r"//[^/@]*@", "//", url)


def _short(text: str) -> str:
    return clip(" ".join(str(text).split()), 160) or "no detail"


def _connect_reason(exc: BaseException) -> str:
    """Why a connection could not be made, in a few words."""
    text = str(exc).lower()
    if "refused" in text:
        return "connection refused"
    if any(sign in text for sign in ("name or service not known", "nodename nor servname", "name resolution", "getaddrinfo")):
        return "host name not found"
    if "timed out" in text or type(exc).__name__ == "ConnectTimeout":
        return "connect timed out"
    return _short(str(exc) or type(exc).__name__)


def retry_after_seconds(value: str | None, *, now: float | None = None) -> float | None:
    """The wait a ``Retry-After`` header asks for, in seconds (``None``: absent or unreadable)."""
    if not value:
        return None
    value = value.strip()
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when is None:
        return None
    return max(0.0, when.timestamp() - (time.time() if now is None else now))


class ChatClient:
    """Chat-completions requests to one endpoint and model, shared by the judge's worker threads.

    ``api_key`` goes into ``Authorization: Bearer`` only when set (local servers need none);
    ``key_env`` names where it came from, for the message when it is rejected. ``timeout`` applies to
    each phase of a request (connect, each read). :meth:`stop` makes waiting retries give up, so a
    run that has become unavailable ends quickly. ``sleep_events`` notes each wait (for tests and the
    run's notices).
    """

    def __init__(
        self,
        base_url: str,
        *,
        model: str,
        api_key: str | None = None,
        key_env: str = "OPENAI_API_KEY",
        timeout: float = 60.0,
        retries: int = 3,
        seed: int | None = 0,
        max_tokens: int = 1024,
        concurrency: int = 4,
        backoff: float = BACKOFF,
        max_retry_after: float = MAX_RETRY_AFTER,
    ) -> None:
        import httpx

        self.base_url = base_url.rstrip("/")
        self.url = f"{self.base_url}/chat/completions"
        self.model = model
        self.key_env = key_env
        self.timeout = timeout
        self.retries = retries
        self.seed = seed
        self.max_tokens = max_tokens
        self.backoff = backoff
        self.max_retry_after = max_retry_after
        headers = {"Accept": "application/json"}
        if api_key:
            headers["Authorization"] = f"Bearer {api_key}"
        self._http = httpx.Client(
            headers=headers,
            timeout=httpx.Timeout(timeout),
            limits=httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency),
            # a judge talks to the endpoint it is given; a proxy from the environment would be a surprise
            trust_env=False,
        )
        self._lock = threading.Lock()
        self._format = 0
        self._stopped = threading.Event()
        self.reached = False
        self.notices: list[str] = []
        self.waits: list[float] = []

    @property
    def response_format(self) -> str | None:
        """The response format requests use now (``json_schema``, ``json_object`` or ``None``)."""
        return RESPONSE_FORMATS[self._format]

    def close(self) -> None:
        """Close the connection pool."""
        self._http.close()

    def stop(self) -> None:
        """Make every waiting or later retry give up (the run is over)."""
        self._stopped.set()

    def _body(self, messages: Sequence[Mapping[str, str]], schema: Mapping[str, Any], fmt: str | None) -> dict[str, Any]:
        body: dict[str, Any] = {
            "model": self.model,
            "messages": [dict(m) for m in messages],
            "temperature": 0,
            "max_tokens": self.max_tokens,
            "stream": False,
        }
        if self.seed is not None:
            body["seed"] = self.seed
        if fmt == "json_schema":
            body["response_format"] = {"type": "json_schema", "json_schema": {"name": "mqm_errors", "strict": True, "schema": dict(schema)}}
        elif fmt == "json_object":
            body["response_format"] = {"type": "json_object"}
        return body

    def _step_down(self, used: int) -> None:
        """Use the next, looser response format from now on (once per refusal, whichever thread saw it)."""
        with self._lock:
            if self._format == used and used + 1 < len(RESPONSE_FORMATS):
                self._format = used + 1
                now = RESPONSE_FORMATS[self._format]
                self.notices.append(
                    f"LLM judge: the endpoint refused response_format {RESPONSE_FORMATS[used]}; "
                    + (f"using {now}" if now else "asking for JSON in the prompt only")
                )

    def _wait(self, seconds: float) -> None:
        with self._lock:
            self.waits.append(seconds)
        if self._stopped.wait(seconds):
            raise RequestFailed("the run stopped")

    def complete(self, messages: Sequence[Mapping[str, str]], schema: Mapping[str, Any]) -> ChatAnswer:
        """Send one chat request and return the answer; see the module docstring for failures."""
        import httpx

        retried = 0
        while True:
            if self._stopped.is_set():
                raise RequestFailed("the run stopped")
            used = self._format
            delay: float | None = None
            try:
                response = self._http.post(self.url, json=self._body(messages, schema, RESPONSE_FORMATS[used]))
            except (httpx.ConnectError, httpx.ConnectTimeout) as exc:
                if not self.reached:
                    raise JudgeUnavailable(
                        f"cannot reach {public_url(self.base_url)} ({_connect_reason(exc)}); "
                        "start the server or set [judge] base_url / OPENAI_BASE_URL"
                    ) from None
                failure = f"connection failed ({_connect_reason(exc)})"
            except httpx.TimeoutException:
                failure = f"no answer within the {self.timeout:g} s timeout"
            except (httpx.RemoteProtocolError, httpx.ReadError, httpx.WriteError) as exc:
                failure = f"connection dropped mid-response ({_short(str(exc) or type(exc).__name__)})"
            except httpx.HTTPError as exc:
                # an unusable URL (no scheme, unknown protocol) or a request httpx cannot build: no retry helps
                raise JudgeUnavailable(f"cannot use {public_url(self.url)} ({_short(str(exc) or type(exc).__name__)})") from None
            else:
                self.reached = True
                status = response.status_code
                if status == 200:
                    return _answer(response)
                detail = _short(response.text)
                if status in (400, 422) and RESPONSE_FORMATS[used] and any(w in response.text.lower() for w in _FORMAT_WORDS):
                    self._step_down(used)
                    continue  # not a retry: the same request in a form the server takes
                if status in (401, 403):
                    raise JudgeUnavailable(
                        f"the endpoint {public_url(self.base_url)} rejected the API key (HTTP {status}); check ${self.key_env}"
                    )
                if status == 404:
                    raise JudgeUnavailable(
                        f"{public_url(self.url)} answered HTTP 404 ({detail}); check [judge] base_url and model"
                    )
                if status != 429 and status < 500:
                    raise RequestFailed(f"HTTP {status} ({detail})")
                failure = f"HTTP {status}"
                if status == 429:
                    asked = retry_after_seconds(response.headers.get("retry-after"))
                    if asked is not None:
                        delay = min(asked, self.max_retry_after)
            if retried >= self.retries:
                tries = retried + 1
                raise RequestFailed(f"{failure} ({tries} {'try' if tries == 1 else 'tries'})")
            self._wait(delay if delay is not None else self.backoff * 2**retried)
            retried += 1


def _answer(response: Any) -> ChatAnswer:
    """The answer of a 200 response; :class:`RequestFailed` when it is not a chat completion."""
    try:
        data = response.json()
    except ValueError:
        raise RequestFailed("the endpoint's response is not JSON") from None
    choices = data.get("choices") if isinstance(data, dict) else None
    if not isinstance(choices, list) or not choices or not isinstance(choices[0], dict):
        raise RequestFailed("the endpoint's response has no choices")
    message = choices[0].get("message")
    content = message.get("content") if isinstance(message, dict) else None
    if not isinstance(content, str):
        refusal = message.get("refusal") if isinstance(message, dict) else None
        raise RequestFailed(f"the model refused: {_short(refusal)}" if isinstance(refusal, str) else "the answer has no text")
    prompt_tokens, completion_tokens = usage_tokens(data.get("usage"))
    finish = choices[0].get("finish_reason")
    return ChatAnswer(content, prompt_tokens, completion_tokens, finish if isinstance(finish, str) else None)
