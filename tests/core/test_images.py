"""Image jobs, the model check, PNG metadata, the gallery history, the drawing hand-off and CLI errors.

Nothing here starts the image worker except the drawing hand-off test; the
worker itself is tested in test_image_worker.py.
"""

from __future__ import annotations

import json
import math
import shutil
import sqlite3
import struct
from pathlib import Path

import pytest
from click.testing import CliRunner
from deskmate.cli.images import image as image_command
from deskmate.core.images import ImageJob, ImageJobError, ImageModelError, check_model, parse_size
from deskmate.core.images.drawing import DrawingPromptError, clean_prompt, prompt_from_request
from deskmate.core.images.history import HistoryError, ImageHistory
from deskmate.core.images.metadata import ImageMetadata, NoMetadataError, read_metadata, save_png
from PIL import Image
from tiny_diffusers import tiny_pipeline


@pytest.fixture(scope="session")
def tiny_sd(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tiny_pipeline(tmp_path_factory.getbasetemp() / "tiny-diffusers")


@pytest.fixture()
def model_copy(tiny_sd: Path, tmp_path: Path) -> Path:
    """A private copy of the tiny pipeline that a test may damage."""
    return Path(shutil.copytree(tiny_sd, tmp_path / "model"))


def resolved_job(model: Path, **changes: object) -> ImageJob:
    settings = dict(prompt="a red cat on the sea", model=model, width=64, height=64, steps=2, guidance=0.0, seed=7)
    settings.update(changes)
    return ImageJob(**settings)  # type: ignore[arg-type]


# --- jobs -------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("changes", "field", "words"),
    [
        ({"prompt": "   "}, "prompt", "Write a prompt"),
        ({"width": 100}, "width", "multiple of 8"),
        ({"height": 4096}, "height", "2048"),
        ({"steps": 0}, "steps", "from 1 to 150"),
        ({"guidance": math.nan}, "guidance", "from 0 to 30"),
        ({"seed": -1}, "seed", "from 0 to"),
        ({"seed": 2**32}, "seed", "from 0 to"),
        ({"model": ""}, "model", "Choose an image model"),
    ],
)
def test_bad_job_settings_are_refused_with_the_field_named(tmp_path: Path, changes: dict, field: str, words: str):
    with pytest.raises(ImageJobError) as err:
        resolved_job(changes.pop("model", tmp_path), **changes)
    assert err.value.field == field
    assert words in str(err.value)


def test_resolving_a_job_takes_the_models_native_size_and_defaults_and_a_random_seed(tiny_sd: Path):
    job = ImageJob("a cat", model=tiny_sd)
    assert not job.is_resolved
    first, second = job.resolved(), job.resolved()
    # The tiny UNet works on 32x32 latents and its VAE scales by 2: its native size is 64.
    assert (first.width, first.height, first.steps, first.guidance) == (64, 64, 25, 7.5)
    assert first.is_resolved and first.seed is not None
    assert first.seed != second.seed
    kept = ImageJob("a cat", model=tiny_sd, steps=3, seed=11).resolved()
    assert (kept.steps, kept.seed) == (3, 11)


def test_turbo_models_default_to_one_step_without_guidance(tiny_sd: Path, tmp_path: Path):
    turbo = tmp_path / "sd-turbo"
    turbo.symlink_to(tiny_sd, target_is_directory=True)
    info = check_model(turbo)
    assert info.defaults.turbo
    job = ImageJob("a cat", model=turbo).resolved()
    assert (job.steps, job.guidance, job.width, job.height) == (1, 0.0, 512, 512)


def test_job_round_trips_through_the_worker_protocol(tiny_sd: Path):
    job = resolved_job(tiny_sd, negative_prompt="blurry")
    again = ImageJob.from_dict(json.loads(json.dumps(job.to_dict())))
    assert again == job
    with pytest.raises(ImageJobError, match="Unknown image setting"):
        ImageJob.from_dict({**job.to_dict(), "sampler": "euler"})


def test_sizes_are_parsed_from_what_people_type():
    assert parse_size("512x768") == (512, 768)
    assert parse_size("640×480") == (640, 480)
    assert parse_size("256") == (256, 256)
    with pytest.raises(ImageJobError, match="WIDTHxHEIGHT"):
        parse_size("big")
    with pytest.raises(ImageJobError, match="multiple of 8"):
        parse_size("500x500")


# --- the model check --------------------------------------------------------------------------------
def test_a_good_pipeline_folder_passes_the_check(tiny_sd: Path):
    info = check_model(tiny_sd)
    assert (info.kind, info.pipeline_class, info.variant) == ("folder", "StableDiffusionPipeline", None)


def test_missing_unet_folder_is_reported(model_copy: Path):
    shutil.rmtree(model_copy / "unet")
    with pytest.raises(ImageModelError, match="the 'unet' folder is missing"):
        check_model(model_copy)


def test_garbage_model_index_is_reported(model_copy: Path):
    (model_copy / "model_index.json").write_bytes(b"\x00\x13garbage{{")
    with pytest.raises(ImageModelError, match="model_index.json is damaged: it is not valid JSON"):
        check_model(model_copy)


def test_a_folder_without_model_index_is_not_a_model(model_copy: Path):
    (model_copy / "model_index.json").unlink()
    with pytest.raises(ImageModelError, match="has no model_index.json"):
        check_model(model_copy)


def test_choosing_a_component_folder_points_to_the_folder_above(tiny_sd: Path):
    with pytest.raises(ImageModelError, match="one part of a model; choose the folder above"):
        check_model(tiny_sd / "unet")


def test_a_truncated_weights_file_is_reported_as_incomplete(model_copy: Path):
    weights = model_copy / "unet" / "diffusion_pytorch_model.safetensors"
    data = weights.read_bytes()
    weights.write_bytes(data[: len(data) // 2])
    with pytest.raises(ImageModelError, match=r"unet/diffusion_pytorch_model.safetensors is incomplete"):
        check_model(model_copy)


def test_missing_weights_file_is_reported(model_copy: Path):
    (model_copy / "vae" / "diffusion_pytorch_model.safetensors").unlink()
    with pytest.raises(ImageModelError, match="The vae folder has no weights file"):
        check_model(model_copy)


def test_a_pipeline_that_does_not_draw_from_text_is_refused(model_copy: Path):
    index = json.loads((model_copy / "model_index.json").read_text())
    index["_class_name"] = "DDPMPipeline"
    for key in ("text_encoder", "tokenizer"):
        index.pop(key)
    (model_copy / "model_index.json").write_text(json.dumps(index))
    with pytest.raises(ImageModelError, match="does not draw pictures from a text prompt"):
        check_model(model_copy)


def _write_safetensors(path: Path, names: list[str]) -> Path:
    header = {n: {"dtype": "F32", "shape": [1], "data_offsets": [4 * i, 4 * i + 4]} for i, n in enumerate(names)}
    raw = json.dumps(header).encode()
    path.write_bytes(struct.pack("<Q", len(raw)) + raw + b"\x00" * (4 * len(names)))
    return path


def test_single_files_that_are_not_whole_checkpoints_are_refused(tmp_path: Path):
    lora = _write_safetensors(tmp_path / "style-lora.safetensors", ["lora_unet_down.alpha"])
    with pytest.raises(ImageModelError, match="not a whole Stable Diffusion checkpoint"):
        check_model(lora)
    text = tmp_path / "notes.txt"
    text.write_text("hello")
    with pytest.raises(ImageModelError, match="is not an image model"):
        check_model(text)
    with pytest.raises(ImageModelError, match="does not exist"):
        check_model(tmp_path / "nowhere")


def test_a_single_file_checkpoint_is_recognised_and_finds_its_configuration(tmp_path: Path):
    (tmp_path / "model_index.json").write_text("{}")
    ckpt = _write_safetensors(tmp_path / "sdxl_turbo.safetensors",
                              ["model.diffusion_model.input_blocks.0.0.weight", "conditioner.embedders.1.model.x"])
    info = check_model(ckpt)
    assert (info.kind, info.pipeline_class, info.config_dir) == ("file", "StableDiffusionXLPipeline", tmp_path)
    assert info.defaults.family == "sdxl-turbo"


# --- metadata ---------------------------------------------------------------------------------------
def test_png_metadata_round_trips_with_a_chinese_prompt(tmp_path: Path):
    job = resolved_job(tmp_path / "sd-turbo", prompt="一只红色的猫, watercolor", negative_prompt="模糊, text",
                       guidance=2.5, seed=4_000_000_000, width=72, height=64)
    path = save_png(Image.new("RGB", (72, 64), "red"), tmp_path / "cat.png", ImageMetadata.from_job(job))
    meta = read_metadata(path)
    assert meta.job() == job
    assert meta.software == "Deskmate"
    with Image.open(path) as im:
        assert im.text["parameters"].splitlines() == [
            "一只红色的猫, watercolor",
            "Negative prompt: 模糊, text",
            "Steps: 2, CFG scale: 2.5, Seed: 4000000000, Size: 72x64, Model: sd-turbo",
        ]
    assert [p.name for p in tmp_path.iterdir()] == ["cat.png"]  # no temporary file left behind


def test_a_png_from_elsewhere_has_no_settings(tmp_path: Path):
    Image.new("RGB", (8, 8)).save(tmp_path / "plain.png")
    with pytest.raises(NoMetadataError, match="has no Deskmate settings"):
        read_metadata(tmp_path / "plain.png")


# --- history ----------------------------------------------------------------------------------------
def _picture(folder: Path, job: ImageJob, name: str) -> Path:
    return save_png(Image.new("RGB", (64, 64), "blue"), folder / name, ImageMetadata.from_job(job))


def test_history_lists_gets_and_deletes_pictures(tmp_path: Path):
    folder = tmp_path / "images"
    with ImageHistory(tmp_path / "images.sqlite3", folder) as history:
        first_job = resolved_job(tmp_path, seed=1)
        second_job = resolved_job(tmp_path, seed=2, prompt="a blue house at night")
        first = history.add(_picture(folder, first_job, "a.png"), first_job, 0.5)
        second = history.add(_picture(folder, second_job, "b.png"), second_job, 0.7)
        assert [r.id for r in history.list()] == [second.id, first.id]  # newest first
        assert history.get(first.id).job == first_job  # "use same settings" gets the exact job back
        assert history.delete(first.id)
        assert not (folder / "a.png").exists()
        assert history.get(first.id) is None and history.count() == 1
        assert not history.delete(first.id)
    with ImageHistory(tmp_path / "images.sqlite3", folder) as reopened:
        assert [r.job.prompt for r in reopened.list()] == ["a blue house at night"]
        assert reopened.list()[0].exists


def test_history_uses_wal_and_numbered_migrations(tmp_path: Path):
    ImageHistory(tmp_path / "h.sqlite3", tmp_path / "images").close()
    db = sqlite3.connect(tmp_path / "h.sqlite3")
    assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert [r[0] for r in db.execute("SELECT version FROM schema_migrations")] == [1]
    db.execute("INSERT INTO schema_migrations VALUES (99, 'later')")
    db.commit()
    db.close()
    with pytest.raises(HistoryError, match="newer Deskmate"):
        ImageHistory(tmp_path / "h.sqlite3", tmp_path / "images")


def test_a_damaged_history_says_the_pictures_are_safe(tmp_path: Path):
    (tmp_path / "h.sqlite3").write_bytes(b"this is not a database" * 100)
    with pytest.raises(HistoryError, match="Your pictures are safe"):
        ImageHistory(tmp_path / "h.sqlite3", tmp_path / "images")


def test_pictures_without_a_row_are_listed_again(tmp_path: Path):
    folder = tmp_path / "images"
    folder.mkdir()
    job = resolved_job(tmp_path, seed=99)
    _picture(folder, job, "orphan.png")
    Image.new("RGB", (8, 8)).save(folder / "not-ours.png")
    with ImageHistory(tmp_path / "h.sqlite3", folder) as history:
        added = history.import_untracked()
        assert [(r.path.name, r.job) for r in added] == [("orphan.png", job)]
        assert history.import_untracked() == []


def test_new_gallery_paths_never_overwrite(tmp_path: Path):
    with ImageHistory(tmp_path / "h.sqlite3", tmp_path / "images") as history:
        job = resolved_job(tmp_path, seed=5)
        first = history.new_path(job)
        first.write_bytes(b"taken")
        second = history.new_path(job)
        assert first != second and first.parent == second.parent == tmp_path / "images"


# --- drawing hand-off -------------------------------------------------------------------------------
def test_clean_prompt_strips_labels_chatter_and_splits_the_negative():
    answer = (
        "Sure! Here is your image prompt:\n\n"
        '**Prompt:** "A ginger cat asleep on a sunny windowsill, soft morning light, watercolor"\n'
        "**Negative:** blurry, extra legs, text, watermark\n"
    )
    assert clean_prompt(answer).prompt == "A ginger cat asleep on a sunny windowsill, soft morning light, watercolor"
    assert clean_prompt(answer).negative_prompt == "blurry, extra legs, text, watermark"
    fenced = "```\nprompt: lighthouse at dusk\n- crashing waves\n```\nNegative prompt: people"
    assert clean_prompt(fenced).prompt == "lighthouse at dusk, crashing waves"
    long = ", ".join(f"detail number {i}" for i in range(40))
    assert len(clean_prompt(long).prompt.split()) <= 60
    with pytest.raises(DrawingPromptError, match="did not write a usable image prompt"):
        clean_prompt("Negative: blurry")


def test_the_text_model_writes_a_clean_image_prompt(engine):
    prompt = prompt_from_request(engine, "a cat sleeping on a sunny windowsill", seed=3)
    assert prompt.strip() == prompt and "\n" not in prompt
    assert "negative" not in prompt.lower() and not prompt.lower().startswith("prompt")
    assert 1 <= len(prompt.split()) <= 60


# --- CLI errors (no worker needed) ------------------------------------------------------------------
def test_cli_without_a_model_says_how_to_choose_one(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.delenv("DESKMATE_IMAGE_MODEL", raising=False)
    result = CliRunner().invoke(image_command, ["a cat"])
    assert result.exit_code == 3
    assert "no image model: pass --model PATH" in result.output


def test_cli_reports_bad_settings_and_damaged_models_in_one_line(tiny_sd: Path, model_copy: Path, tmp_path: Path):
    runner = CliRunner()
    bad_size = runner.invoke(image_command, ["a cat", "--model", str(tiny_sd), "--size", "100x64"])
    assert bad_size.exit_code == 2 and "multiple of 8" in bad_size.output
    taken = tmp_path / "taken.png"
    taken.write_bytes(b"keep me")
    exists = runner.invoke(image_command, ["a cat", "--model", str(tiny_sd), "-o", str(taken)])
    assert exists.exit_code == 2 and "already exists" in exists.output
    assert taken.read_bytes() == b"keep me"
    shutil.rmtree(model_copy / "unet")
    damaged = runner.invoke(image_command, ["a cat", "--model", str(model_copy), "-o", str(tmp_path / "x.png")])
    assert damaged.exit_code == 3
    assert damaged.output.count("\n") == 1 and "the 'unet' folder is missing" in damaged.output
    assert not (tmp_path / "x.png").exists()
