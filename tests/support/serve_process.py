"""Run `deskmate serve` as a real process for tests and benchmarks, and read what it prints."""

from __future__ import annotations

import os
import queue
import re
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

KEY = "test-key-0123456789"


class Served:
    """A `deskmate serve` child; ``url`` is its OpenAI base URL once it printed "Serving at"."""

    def __init__(self, *args: str, key: str = KEY, timeout: float = 240, model: Path | None = None,
                 env: dict[str, str] | None = None) -> None:
        cmd = [sys.executable, "-m", "deskmate"]
        if model is not None:
            cmd += ["--model", str(model)]
        cmd += ["serve", "--port", "0", "--token", key, *args]
        self.key = key
        env = env or dict(os.environ)
        # Its engines' runtime files live under the home it started with, whichever test asks later.
        self.runtime_dir = Path(env["DESKMATE_HOME"]) / "run" if env.get("DESKMATE_HOME") else None
        self.proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
        self.out: list[str] = []
        self.err: list[str] = []
        lines: queue.Queue[str | None] = queue.Queue()

        def pump(stream, keep: list[str], feed: bool) -> None:
            for line in stream:
                keep.append(line)
                if feed:
                    lines.put(line)
            if feed:
                lines.put(None)

        threading.Thread(target=pump, args=(self.proc.stdout, self.out, True), daemon=True).start()
        threading.Thread(target=pump, args=(self.proc.stderr, self.err, False), daemon=True).start()
        self.url = ""
        deadline = time.monotonic() + timeout
        while not self.url:
            try:
                line = lines.get(timeout=max(0.1, deadline - time.monotonic()))
            except queue.Empty:
                line = None
            if line is None:
                self.stop()
                raise RuntimeError(f"deskmate serve did not start: {''.join(self.err)[-2000:]}")
            found = re.search(r"Serving at (http://\S+)", line)
            if found:
                self.url = found.group(1)
        # The rest of the banner follows at once.
        time.sleep(0.2)

    @property
    def banner(self) -> str:
        return "".join(self.out)

    def client(self, **kw):  # -> openai.OpenAI
        import openai

        kw.setdefault("max_retries", 0)
        kw.setdefault("timeout", 300)
        return openai.OpenAI(base_url=self.url, api_key=self.key, **kw)

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()

    def __enter__(self) -> "Served":
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()
