"""Memory before it bites: a model that cannot fit is refused before loading, under real limits
(an address-space rlimit, a memory cgroup), and an engine killed by SIGKILL — what the kernel's
out-of-memory killer sends — is reported as a memory problem, never as a damaged file."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from deskmate.cli.common import EXIT_ENGINE_START
from deskmate.core.engines.errors import NotEnoughMemoryError
from deskmate.core.engines.supervisor import EngineConfig, Phase, Supervisor
from memory_limits import address_space_limit, cgroup_problem, memory_cgroup

MB = 1000**2


def _chat(tiny_model: Path, home: Path, preexec, timeout: float = 180) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, DESKMATE_HOME=str(home))
    return subprocess.run(
        [sys.executable, "-m", "deskmate", "--model", str(tiny_model), "chat", "--max-tokens", "4",
         "--temperature", "0", "Say hello."],
        capture_output=True, text=True, timeout=timeout, env=env, preexec_fn=preexec)


def test_an_address_space_limit_too_small_is_refused_before_loading(tiny_model, tmp_path):
    small = _chat(tiny_model, tmp_path / "small", address_space_limit(700 * MB))
    assert small.returncode == EXIT_ENGINE_START, small.stderr
    said = small.stderr
    assert "does not fit" in said and "ulimit -v" in said
    assert "0.7 GB" in said  # the limit, named
    assert "damaged" not in said
    # Refused before loading: no engine process ever wrote its log.
    assert not (tmp_path / "small" / "logs" / "engine.log").exists()

    # The same model under a limit it does fit in answers: the check is not refusing everything.
    roomy = _chat(tiny_model, tmp_path / "roomy", address_space_limit(2500 * MB))
    assert roomy.returncode == 0, roomy.stderr
    assert roomy.stdout.strip()


def test_the_engine_itself_reports_an_allocation_failure_as_memory(tiny_model):
    """Past the check (here: the engine child started directly), llama.cpp's failure is named for what it is."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "deskmate.core.engines.host", "--model", str(tiny_model), "--n-ctx", "4096",
         "--threads", "2", "--no-warmup"],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
        preexec_fn=address_space_limit(700 * MB))
    events = []
    assert proc.stdout is not None
    for line in proc.stdout:
        events.append(json.loads(line))
        if events[-1]["event"] in ("error", "listening"):
            break
    proc.stdin.close()  # type: ignore[union-attr]
    proc.wait(timeout=60)
    error = events[-1]
    assert error["event"] == "error" and error["kind"] == "out_of_memory", events[-3:]
    assert "not enough memory" in error["message"] and "ulimit -v" in error["message"]
    assert "damaged" not in error["message"]


needs_cgroup = pytest.mark.skipif(bool(cgroup_problem()), reason=f"memory cgroups: {cgroup_problem()}")


@needs_cgroup
def test_a_cgroup_memory_limit_too_small_is_refused_before_loading(tiny_model, tmp_path):
    with memory_cgroup(400 * MB) as cgroup:
        done = _chat(tiny_model, tmp_path, cgroup.preexec())
    assert done.returncode == EXIT_ENGINE_START, done.stderr
    assert "does not fit" in done.stderr and "a memory limit of 0.4 GB applies" in done.stderr
    assert not (tmp_path / "logs" / "engine.log").exists()


def _start(tiny_model: Path, tmp_path: Path, on_status, n_ctx: int = 2048) -> Supervisor:
    sup = Supervisor(EngineConfig(tiny_model, n_ctx=n_ctx, threads=2, log_path=tmp_path / "engine.log"),
                     auto_restart=False)
    sup.add_listener(on_status)
    sup.start()
    return sup


@needs_cgroup
def test_an_engine_killed_by_the_out_of_memory_killer_is_reported_as_memory(tiny_model, tmp_path):
    """The app's own check passes (its memory is not limited); the engine child alone is put in a
    cgroup too small for its KV cache, and the kernel kills it while it loads."""
    with memory_cgroup(200 * MB) as cgroup:
        moved = threading.Event()

        def on_status(status):
            if status.pid and not moved.is_set():
                cgroup.add(status.pid)
                moved.set()

        sup = _start(tiny_model, tmp_path, on_status, n_ctx=8192)
        try:
            with pytest.raises(NotEnoughMemoryError) as failed:
                sup.wait_ready(180)
        finally:
            sup.stop()
        assert cgroup.oom_kills() >= 1  # the kernel's OOM killer did it, not us
    said = str(failed.value)
    assert "killed by SIGKILL" in said and "ran out of memory" in said
    assert "damaged" not in said and "choose another model" not in said
    assert "Close other programs" in said


MOMENTS = {
    # the process exists, nothing loaded yet
    "starting": lambda s: s.phase is Phase.STARTING and s.pid is not None,
    # llama.cpp starts reading the file
    "loading": lambda s: s.phase is Phase.LOADING and s.progress == 0.0,
    # the first test completion, where a damaged tokenizer would abort
    "testing": lambda s: s.phase is Phase.LOADING and s.message == "testing the model",
    # listening, before the health check made it ready
    "listening": lambda s: s.port is not None and s.phase is not Phase.READY,
}


@pytest.mark.parametrize("moment", list(MOMENTS))
def test_sigkill_at_any_moment_of_the_start_is_reported_as_memory(tiny_model, tmp_path, moment):
    killed: list[str] = []

    def on_status(status):
        if not killed and status.pid and MOMENTS[moment](status):
            os.kill(status.pid, signal.SIGKILL)
            killed.append(status.label)

    sup = _start(tiny_model, tmp_path, on_status)
    try:
        with pytest.raises(NotEnoughMemoryError) as failed:
            sup.wait_ready(120)
    finally:
        sup.stop()
    assert killed, f"the start never reached {moment}"
    said = str(failed.value)
    assert "most likely because the computer ran out of memory" in said, said
    assert "SmolLM2" in said and "GB" in said  # which model, and the sizes
    assert "damaged" not in said and "not supported" not in said


def test_the_supervisors_own_kill_is_not_blamed_on_memory(tiny_model, tmp_path):
    """A start the supervisor itself stops (here: stop() while loading) must not claim memory trouble."""
    stopped = threading.Event()
    holder: list[Supervisor] = []

    def on_status(status):
        if status.phase is Phase.LOADING and holder and not stopped.is_set():
            stopped.set()
            threading.Thread(target=holder[0].kill).start()

    sup = Supervisor(EngineConfig(tiny_model, n_ctx=2048, threads=2, log_path=tmp_path / "engine.log"),
                     auto_restart=False)
    holder.append(sup)
    sup.add_listener(on_status)
    sup.start()
    try:
        with pytest.raises(Exception) as failed:
            sup.wait_ready(120)
    finally:
        sup.stop()
    assert stopped.is_set()
    assert not isinstance(failed.value, NotEnoughMemoryError)
    assert "memory" not in str(failed.value)


@needs_cgroup
def test_under_a_tight_limit_the_engine_loads_with_a_smaller_kv_cache_and_says_so(tiny_model, tmp_path):
    script = (
        "import sys\n"
        "from pathlib import Path\n"
        "from deskmate.core.engines.supervisor import EngineConfig, Supervisor\n"
        "sup = Supervisor(EngineConfig(Path(sys.argv[1]), n_ctx=8192, threads=2), auto_restart=False)\n"
        "sup.wait_ready(120)\n"
        "print(sup.plan.n_ctx, sup.plan.kv_type)\n"
        "print(sup.status.message)\n"
        "sup.stop()\n"
    )
    with memory_cgroup(700 * MB) as cgroup:
        done = subprocess.run([sys.executable, "-c", script, str(tiny_model)], capture_output=True, text=True,
                              timeout=180, preexec_fn=cgroup.preexec())
    assert done.returncode == 0, done.stderr
    layout, message = done.stdout.strip().splitlines()
    n_ctx, kv_type = layout.split()
    # A halved KV cache (q8_0), and if that is not enough a smaller context: never the full f16 one.
    assert (int(n_ctx), kv_type) != (8192, "f16")
    assert message.startswith("ready — Loaded with a") and "a memory limit of 0.7 GB applies" in message
    assert ("q8_0 KV cache" in message) == (kv_type == "q8_0")
    assert ("instead of 8192" in message) == (int(n_ctx) < 8192)
