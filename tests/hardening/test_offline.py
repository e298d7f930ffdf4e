"""No network unless a model download is explicitly asked for.

Every command runs in a child whose ``sitecustomize`` replaces the socket functions that reach a
network (``socket.connect``/``connect_ex`` on AF_INET/AF_INET6, ``create_connection``, ``getaddrinfo``)
with ones that log the attempt and fail, as a machine without a network would. The log must stay empty,
except where a COMET model download was requested, which must then fail with a one-line message.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import textwrap

import pytest

from tests.digest_builder import fixture_path
from tests.hardening.util import ROOT, env, run_evalkit

GUARD = textwrap.dedent(
    '''
    import os
    import socket

    _LOG = os.environ["NETGUARD_LOG"]
    _NET = (socket.AF_INET, socket.AF_INET6)


    def _record(what, target):
        with open(_LOG, "a", encoding="utf-8") as fh:
            fh.write(f"{os.getpid()} {what} {target!r}\\n")


    def _blocked(what, target):
        _record(what, target)
        return OSError(101, f"network is unreachable (blocked by the evalkit offline test: {what})")


    _connect, _connect_ex = socket.socket.connect, socket.socket.connect_ex


    def connect(self, address):
        if self.family in _NET:
            raise _blocked("connect", address)
        return _connect(self, address)


    def connect_ex(self, address):
        if self.family in _NET:
            _record("connect_ex", address)
            return 101
        return _connect_ex(self, address)


    def create_connection(address, *args, **kwargs):
        raise _blocked("create_connection", address)


    def getaddrinfo(host, *args, **kwargs):
        _record("getaddrinfo", host)
        raise socket.gaierror(socket.EAI_NONAME, "name resolution blocked by the evalkit offline test")


    socket.socket.connect = connect
    socket.socket.connect_ex = connect_ex
    socket.create_connection = create_connection
    socket.getaddrinfo = getaddrinfo
    '''
)


@pytest.fixture
def offline(tmp_path):
    """A working directory, and a function running evalkit there without a network; it returns the
    completed process and the connection attempts logged."""
    guard = tmp_path / "guard"
    guard.mkdir()
    (guard / "sitecustomize.py").write_text(GUARD, encoding="utf-8")
    work = tmp_path / "work"
    work.mkdir()
    (work / ".git").mkdir()  # configuration discovery stops here
    shutil.copy(fixture_path("v1_s3.md"), work / "digest.md")
    shutil.copy(fixture_path("v1_s3.md"), work / "edited.md")
    (work / "t.jsonl").write_text('{"src": "We test.", "mt": "我们测试。", "ref": "我们进行测试。"}\n', encoding="utf-8")
    log = tmp_path / "net.log"
    caches = tmp_path / "caches"

    def run(*args: str, **extra: str):
        log.write_text("")
        variables = {
            "PYTHONPATH": os.pathsep.join([str(guard), str(ROOT)]),
            "NETGUARD_LOG": str(log),
            "HOME": str(caches),
            "XDG_CACHE_HOME": str(caches),
            "HF_HOME": str(caches / "hf"),
            "EVALKIT_CACHE_DIR": str(caches / "evalkit"),
            **extra,
        }
        proc = run_evalkit(args, work, timeout=600, **variables)
        return proc, log.read_text().splitlines()

    return run, work


def test_the_guard_catches_a_real_connection_attempt(offline):
    _, work = offline
    probe = "import urllib.request\ntry:\n    urllib.request.urlopen('http://example.com', timeout=5)\nexcept OSError as e:\n    print('refused', e)\n"
    guard_dir = work.parent / "guard"
    proc = subprocess.run([sys.executable, "-c", probe], env=env(PYTHONPATH=str(guard_dir), NETGUARD_LOG=str(work.parent / "net.log")),
                          capture_output=True, text=True, timeout=60)
    assert "refused" in proc.stdout
    assert "example.com" in (work.parent / "net.log").read_text()


COMMANDS = [
    ("score", "digest.md", "--format", "json"),
    ("score", "digest.md", "--format", "html", "--output", "r.html"),
    ("score", "--triples", "t.jsonl", "--format", "json"),
    ("list", "metrics"),
    ("refs", "import", "edited.md", "--who", "tester", "--references", "refs"),
    ("refs", "list", "--references", "refs"),
    ("refs", "check", "digest.md", "--references", "refs"),
    ("score", "digest.md", "--references", "refs", "--format", "json"),
    ("score", "digest.md", "--comet-model", "Unbabel/wmt22-comet-da", "--offline", "--format", "json"),
]


def test_no_command_touches_the_network(offline):
    run, work = offline
    for args in COMMANDS:
        proc, attempts = run(*args)
        assert attempts == [], (args, attempts)
        assert proc.returncode == 0, (args, proc.stderr)
        assert "Traceback" not in proc.stderr, (args, proc.stderr)
    assert (work / "refs" / "edited.jsonl").is_file()


def test_hf_hub_offline_is_honoured_without_the_flag(offline):
    run, _ = offline
    proc, attempts = run("score", "digest.md", "--comet-model", "Unbabel/wmt22-comet-da", "--format", "json", HF_HUB_OFFLINE="1")
    assert attempts == [] and proc.returncode == 0 and "Traceback" not in proc.stderr
    assert "HF_HUB_OFFLINE" in proc.stderr or "not computed" in proc.stdout or "comet" in proc.stderr.lower()


def test_a_requested_download_without_a_network_fails_in_one_line(offline):
    run, _ = offline
    proc, attempts = run("score", "digest.md", "--comet-model", "Unbabel/wmt22-comet-da", "--require-comet", "--format", "json")
    assert attempts, "a download was requested: the attempt is expected (and blocked)"
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
    errors = [line for line in proc.stderr.splitlines() if "error" in line.lower()]
    assert errors and all(len(line) < 600 for line in errors), proc.stderr
