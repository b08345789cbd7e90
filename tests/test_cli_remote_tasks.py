"""Task commands sent to a remote server with --remote NAME (the stand-in speaks the OpenAI API)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys

import pytest

from remote_standin import StandIn


def deskmate(*args: str) -> list[str]:
    exe = shutil.which("deskmate", path=os.path.dirname(sys.executable))
    return ([exe] if exe else [sys.executable, "-m", "deskmate"]) + list(args)


@pytest.fixture
def standin(tmp_path):
    server = StandIn(key=None).start()
    env = dict(os.environ, DESKMATE_HOME=str(tmp_path / "home"))
    added = subprocess.run(deskmate("remote", "add", "big", server.url, "--model", "standin-180b", "--kind", "openai",
                                    "--no-key"), capture_output=True, text=True, env=env, timeout=60)
    assert added.returncode == 0, added.stderr
    yield server, env
    server.close()


def test_write_runs_on_the_remote_server(standin):
    server, env = standin
    proc = subprocess.run(deskmate("write", "summarize.tldr", "--remote", "big"), input="Sales rose 12% in March.",
                          capture_output=True, text=True, env=env, timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "Hello, this is the stand-in server. Done"
    body = server.chat_bodies()[-1]
    assert body["model"] == "standin-180b"
    assert "Sales rose 12% in March." in body["messages"][-1]["content"]


def test_chat_with_unknown_remote_is_a_one_line_error(standin):
    _server, env = standin
    proc = subprocess.run(deskmate("chat", "--remote", "nope", "hi"), capture_output=True, text=True, env=env,
                          timeout=60)
    assert proc.returncode != 0
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and "nope" in lines[0]


def test_remote_server_down_is_reported_plainly(standin):
    server, env = standin
    server.close()
    proc = subprocess.run(deskmate("chat", "--remote", "big", "hi"), capture_output=True, text=True, env=env,
                          timeout=60)
    assert proc.returncode == 1
    assert "refused" in proc.stderr or "reach" in proc.stderr
