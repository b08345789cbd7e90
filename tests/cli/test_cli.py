"""The deskmate command as a user runs it: chat, stdin, engine status, serve."""

from __future__ import annotations

import json
import re
import signal
import subprocess
import time
import urllib.error
import urllib.request


def test_chat_streams_answer_to_stdout(deskmate_cli):
    proc = deskmate_cli("chat", "--max-tokens", "24", "--seed", "2", "Name three colours.", timeout=180)
    assert proc.returncode == 0, proc.stderr
    assert len(proc.stdout.strip()) > 3


def test_chat_reads_stdin(deskmate_cli):
    proc = deskmate_cli("chat", "--max-tokens", "16", stdin="Say hello to Ana.", timeout=180)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip()


def test_chat_schema_gives_json(tmp_path, deskmate_cli):
    schema = tmp_path / "s.json"
    schema.write_text(json.dumps({
        "type": "object",
        "properties": {"city": {"type": "string", "maxLength": 30}},
        "required": ["city"],
    }))
    proc = deskmate_cli("chat", "--schema", str(schema), "--max-tokens", "40", "Name a city as JSON.", timeout=180)
    assert proc.returncode == 0, proc.stderr
    assert isinstance(json.loads(proc.stdout, strict=False)["city"], str)


def test_empty_prompt_is_refused(deskmate_cli):
    proc = deskmate_cli("chat", stdin="   \n", timeout=60)
    assert proc.returncode == 2
    assert "empty" in proc.stderr


def test_engine_status_check_reports_ready_model(deskmate_cli):
    proc = deskmate_cli("engine", "status", "--check", "--json", timeout=180)
    assert proc.returncode == 0, proc.stderr
    report = json.loads(proc.stdout)
    assert report["model_ok"] is True
    assert report["model"].endswith("SmolLM2-135M-Instruct.Q4_1.gguf")
    assert report["check"]["ready_seconds"] > 0
    assert report["check"]["answer"].strip()


def _post(url: str, body: dict, token: str | None) -> tuple[int, dict]:
    req = urllib.request.Request(url, data=json.dumps(body).encode(), method="POST",
                                 headers={"Content-Type": "application/json",
                                          **({"Authorization": f"Bearer {token}"} if token else {})})
    try:
        with urllib.request.urlopen(req, timeout=120) as resp:
            return resp.status, json.loads(resp.read())
    except urllib.error.HTTPError as e:
        return e.code, {}


def test_serve_offers_the_model_with_a_token(deskmate_cli):
    # --own-engine: a Deskmate window left running by another test would otherwise be shared.
    proc = subprocess.Popen(deskmate_cli.argv("serve", "--port", "0", "--own-engine"), stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    try:
        lines = []
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and len(lines) < 2:
            line = proc.stdout.readline()
            if not line:
                break
            lines.append(line)
        assert len(lines) == 2, proc.stderr.read() if proc.poll() is not None else lines
        base = re.search(r"(http://127\.0\.0\.1:\d+/v1)", lines[0]).group(1)
        token = lines[1].split("API key:")[1].strip()
        body = {"model": "local", "messages": [{"role": "user", "content": "Say hi."}], "max_tokens": 8}
        status, data = _post(base + "/chat/completions", body, token)
        assert status == 200
        assert data["choices"][0]["message"]["content"].strip()
        assert _post(base + "/chat/completions", body, None)[0] == 401
        assert _post(base + "/chat/completions", body, "wrong-token")[0] == 401
        # The runtime file lets `engine status` see it.
        status_out = deskmate_cli("engine", "status", "--json", timeout=60)
        running = json.loads(status_out.stdout)["running"]
        assert any(r["role"] == "serve" and r["phase"] == "ready" for r in running)
    finally:
        proc.send_signal(signal.SIGINT)
        proc.wait(30)
    assert proc.returncode == 0
