"""The image worker on a tiny real pipeline: pixels, progress, cancel, crashes, idle exit, the CLI.

The pipeline is built once per session from small configs and saved with
``save_pretrained``; the worker loads it through the same code users' models
go through. Workers run with one thread: the test machines are small and shared.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from deskmate.core.images import (
    ImageCancelledError,
    ImageEngine,
    ImageJob,
    ImageModelError,
    ImageWorkerCrashedError,
    ImageWorkerStartError,
)
from deskmate.core.images.drawing import job_from_request
from deskmate.core.images.history import ImageHistory
from deskmate.core.images.metadata import read_metadata
from PIL import Image
from tiny_diffusers import tiny_pipeline

CLI = [sys.executable, "-c", "from deskmate.cli.images import image; image(prog_name='deskmate image')"]


@pytest.fixture(scope="session")
def tiny_sd(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tiny_pipeline(tmp_path_factory.getbasetemp() / "tiny-diffusers")


@pytest.fixture(scope="module")
def images() -> ImageEngine:
    eng = ImageEngine(threads=1, idle_timeout=600)
    yield eng
    eng.close()


def job(model: Path, **changes: object) -> ImageJob:
    settings = dict(prompt="a red cat on the sea", model=model, width=64, height=64, steps=2, guidance=0.0, seed=7)
    settings.update(changes)
    return ImageJob(**settings)  # type: ignore[arg-type]


def pixels(path: Path) -> bytes:
    with Image.open(path) as im:
        assert im.size == (64, 64)
        return im.convert("RGB").tobytes()


def test_same_seed_gives_identical_pixels(images: ImageEngine, tiny_sd: Path, tmp_path: Path):
    first = images.generate(job(tiny_sd), tmp_path / "a.png").result(120)
    again = images.generate(job(tiny_sd), tmp_path / "b.png").result(60)
    other = images.generate(job(tiny_sd, seed=8), tmp_path / "c.png").result(60)
    assert pixels(first.path) == pixels(again.path)
    assert pixels(first.path) != pixels(other.path)
    assert again.load_seconds == 0.0  # the model stayed loaded between jobs


def test_progress_is_reported_for_every_step(images: ImageEngine, tiny_sd: Path, tmp_path: Path):
    run = images.generate(job(tiny_sd, steps=5), tmp_path / "p.png")
    steps = [(e.step, e.steps) for e in run if e.kind == "step"]
    assert steps == [(1, 5), (2, 5), (3, 5), (4, 5), (5, 5)]
    assert run.result().path.exists()


def test_png_metadata_round_trips_and_redraws_the_same_picture(images: ImageEngine, tiny_sd: Path, tmp_path: Path):
    original = job(tiny_sd, prompt="一只猫 on the sea", negative_prompt="blurry", guidance=3.0, seed=123, steps=3)
    first = images.generate(original, tmp_path / "orig.png").result(60)
    meta = read_metadata(first.path)
    assert meta.job() == original
    redrawn = images.generate(meta.job(), tmp_path / "again.png").result(60)
    assert pixels(redrawn.path) == pixels(first.path)


def test_a_random_seed_is_recorded_so_the_picture_can_be_redrawn(images: ImageEngine, tiny_sd: Path, tmp_path: Path):
    result = images.generate(job(tiny_sd, seed=None), tmp_path / "r.png").result(60)
    assert result.job.seed is not None
    assert read_metadata(result.path).seed == result.job.seed


def test_cancel_mid_run_leaves_no_file(images: ImageEngine, tiny_sd: Path, tmp_path: Path):
    pid = images.pid
    out = tmp_path / "cancelled.png"
    run = images.generate(job(tiny_sd, steps=60), out)
    seen = []
    for event in run:
        if event.kind == "step":
            seen.append(event.step)
            if event.step == 2:
                run.cancel()
    assert run.cancelled
    assert 2 <= len(seen) < 60
    with pytest.raises(ImageCancelledError):
        run.result()
    assert list(tmp_path.iterdir()) == []  # no picture and no temporary file
    # The worker is still the same process, model loaded, ready for the next job.
    after = images.generate(job(tiny_sd), tmp_path / "next.png").result(60)
    assert after.path.exists() and images.pid == pid and after.load_seconds == 0.0


def test_killing_the_worker_mid_job_gives_a_clear_error_and_the_next_job_works(
    images: ImageEngine, tiny_sd: Path, tmp_path: Path
):
    images.generate(job(tiny_sd), tmp_path / "warm.png").result(120)
    victim = images.pid
    restarts = images.restarts
    run = images.generate(job(tiny_sd, steps=60), tmp_path / "killed.png")
    with pytest.raises(ImageWorkerCrashedError) as err:
        for event in run:
            if event.kind == "step":
                os.kill(victim, signal.SIGKILL)
    message = str(err.value)
    assert "stopped while drawing (killed by SIGKILL)" in message and "no picture was saved" in message
    assert not (tmp_path / "killed.png").exists()
    after = images.generate(job(tiny_sd), tmp_path / "after.png").result(120)
    assert after.path.exists()
    assert images.pid not in (None, victim) and images.restarts == restarts + 1


def test_a_corrupt_folder_is_rejected_before_any_worker_or_step(tiny_sd: Path, tmp_path: Path):
    broken = Path(shutil.copytree(tiny_sd, tmp_path / "broken"))
    shutil.rmtree(broken / "unet")
    with ImageEngine(threads=1) as eng:
        with pytest.raises(ImageModelError, match="the 'unet' folder is missing"):
            eng.generate(job(broken), tmp_path / "x.png")
        assert eng.pid is None and eng.starts == 0


def test_a_worker_that_cannot_start_is_reported_with_its_log(tiny_sd: Path, tmp_path: Path):
    log = tmp_path / "worker.log"
    with ImageEngine(python="/bin/false", log_path=log) as eng:
        with pytest.raises(ImageWorkerStartError, match=rf"could not start \(exit code 1\)\. Details are in {log}"):
            eng.generate(job(tiny_sd), tmp_path / "x.png").result(30)
    with ImageEngine(python=str(tmp_path / "no-such-python")) as eng:
        with pytest.raises(ImageWorkerStartError, match="Could not start the image worker"):
            eng.generate(job(tiny_sd), tmp_path / "x.png")


def _ask_worker(requests: list[dict], timeout: float = 60) -> list[dict]:
    """Talk to a bare worker process in its own protocol; return every event it sent."""
    lines = "".join(json.dumps(r) + "\n" for r in requests)
    proc = subprocess.run([sys.executable, "-m", "deskmate.core.images.worker", "--threads", "0"], input=lines,
                          check=False, capture_output=True, text=True, timeout=timeout)
    assert proc.returncode == 0, proc.stderr[-2000:]
    return [json.loads(line) for line in proc.stdout.splitlines()]


def test_the_worker_itself_checks_the_folder_before_loading_or_stepping(tiny_sd: Path, tmp_path: Path):
    no_unet = Path(shutil.copytree(tiny_sd, tmp_path / "no-unet"))
    shutil.rmtree(no_unet / "unet")
    garbage = Path(shutil.copytree(tiny_sd, tmp_path / "garbage"))
    (garbage / "model_index.json").write_text("not json at all {")
    requests = [
        {"op": "generate", "id": name, "job": job(folder).to_dict(), "output": str(tmp_path / f"{name}.png")}
        for name, folder in (("no-unet", no_unet), ("garbage", garbage))
    ]
    events = _ask_worker(requests)
    assert [e["event"] for e in events] == ["ready", "error", "error"]  # no loading, no progress
    assert events[1]["kind"] == events[2]["kind"] == "model_invalid"
    assert "the 'unet' folder is missing" in events[1]["message"]
    assert "model_index.json is damaged: it is not valid JSON" in events[2]["message"]
    assert not list(tmp_path.glob("*.png"))


def test_weights_that_do_not_match_their_config_fail_at_load_not_mid_drawing(
    images: ImageEngine, tiny_sd: Path, tmp_path: Path
):
    wrong = Path(shutil.copytree(tiny_sd, tmp_path / "wrong"))
    config = json.loads((wrong / "unet" / "config.json").read_text())
    config["block_out_channels"] = [16, 32]
    (wrong / "unet" / "config.json").write_text(json.dumps(config))
    run = images.generate(job(wrong), tmp_path / "wrong.png")
    seen = []
    with pytest.raises(ImageModelError, match="wrong could not be loaded"):
        for event in run:
            seen.append(event.kind)
    assert "loading" in seen and "step" not in seen
    assert not (tmp_path / "wrong.png").exists()
    # The engine goes back to the good model for the next job.
    assert images.generate(job(tiny_sd), tmp_path / "good.png").result(120).path.exists()


def test_a_model_without_its_optional_safety_checker_still_draws(images: ImageEngine, tiny_sd: Path, tmp_path: Path):
    trimmed = Path(shutil.copytree(tiny_sd, tmp_path / "trimmed"))
    index = json.loads((trimmed / "model_index.json").read_text())
    index["safety_checker"] = ["stable_diffusion", "StableDiffusionSafetyChecker"]  # listed, never downloaded
    (trimmed / "model_index.json").write_text(json.dumps(index))
    result = images.generate(job(trimmed), tmp_path / "trimmed.png").result(120)
    assert result.path.exists()


def test_the_drawing_hand_off_feeds_the_text_models_prompt_to_the_worker(
    engine, images: ImageEngine, tiny_sd: Path, tmp_path: Path
):
    drawn = job_from_request(engine, "a lighthouse on a cliff at night", tiny_sd, width=64, height=64, steps=1,
                             guidance=0.0, seed=1)
    result = images.generate(drawn, tmp_path / "handoff.png").result(120)
    assert read_metadata(result.path).prompt == drawn.prompt != ""


def test_idle_worker_exits_and_the_app_process_never_imports_torch(tiny_sd: Path, tmp_path: Path):
    code = textwrap.dedent(
        f"""
        import json, os, sys, time
        from deskmate.core.images import ImageEngine, ImageJob
        eng = ImageEngine(threads=1, idle_timeout=1.0)
        job = ImageJob("a red cat", model={str(tiny_sd)!r}, width=64, height=64, steps=2, guidance=0.0, seed=1)
        result = eng.generate(job, {str(tmp_path / "idle.png")!r}).result(120)
        pid = eng.pid  # the worker outlives the job: it keeps the model for the next one
        alive, deadline = pid is not None, time.monotonic() + 30
        while alive and time.monotonic() < deadline:
            time.sleep(0.1)
            try:
                os.kill(pid, 0)
            except ProcessLookupError:  # gone and reaped: the engine waited for it
                alive = False
        heavy = sorted(m for m in ("torch", "diffusers", "transformers") if m in sys.modules)
        print(json.dumps({{"saved": os.path.exists(result.path), "had_worker": pid is not None, "worker_alive": alive,
                           "engine_pid": eng.pid, "heavy": heavy}}))
        eng.close()
        """
    )
    proc = subprocess.run([sys.executable, "-c", code], check=False, capture_output=True, text=True, timeout=180)
    assert proc.returncode == 0, proc.stderr[-2000:]
    report = json.loads(proc.stdout.strip().splitlines()[-1])
    assert report == {"saved": True, "had_worker": True, "worker_alive": False, "engine_pid": None, "heavy": []}


def test_cli_draws_with_a_progress_bar_and_prints_the_path(tiny_sd: Path, tmp_path: Path):
    out = tmp_path / "cli.png"
    proc = subprocess.run(
        CLI + ["a red cat", "--model", str(tiny_sd), "--size", "64x64", "--steps", "3", "--seed", "42", "-o", str(out)],
        check=False, capture_output=True, text=True, timeout=180,
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == str(out.absolute())
    assert [line for line in proc.stderr.splitlines() if line.startswith("step")] == ["step 1/3", "step 2/3",
                                                                                     "step 3/3"]
    meta = read_metadata(out)
    assert (meta.prompt, meta.seed, meta.steps, meta.width) == ("a red cat", 42, 3, 64)


def test_cli_ctrl_c_cancels_and_writes_nothing(tiny_sd: Path, tmp_path: Path):
    home = tmp_path / "home"  # without -o the picture goes to the gallery of this Deskmate home
    proc = subprocess.Popen(
        CLI + ["a red cat", "--model", str(tiny_sd), "--size", "64x64", "--steps", "150"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env={**os.environ, "DESKMATE_HOME": str(home)},
    )
    assert proc.stderr is not None
    for line in proc.stderr:
        if line.startswith("step 2/"):
            proc.send_signal(signal.SIGINT)
            break
    rest = proc.stderr.read()
    assert proc.wait(timeout=60) == 130
    assert "deskmate: cancelled; no picture was saved" in rest
    assert "step 150/150" not in rest
    assert list((home / "data" / "images").iterdir()) == []
    with ImageHistory(home / "data" / "images.sqlite3", home / "data" / "images") as history:
        assert history.count() == 0
