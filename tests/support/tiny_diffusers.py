"""Build a tiny but real Stable Diffusion pipeline folder for the image tests and the benchmark.

The shapes follow diffusers' own fast tests (tests/pipelines/stable_diffusion,
``get_dummy_components``); the CLIP tokenizer is written from a local
vocab.json/merges.txt so nothing comes from the hub. The folder is written with
``save_pretrained``, so the app loads it exactly as it loads a real download.
"""

from __future__ import annotations

import json
from pathlib import Path

# Short words so a test prompt becomes a handful of real tokens, not only single bytes.
_WORDS = ("a", "cat", "red", "on", "the", "sea", "at", "night", "blue", "house")


def _byte_chars() -> list[str]:
    """The 256 printable stand-ins byte-level BPE uses for raw bytes (GPT-2/CLIP's table)."""
    keep = list(range(ord("!"), ord("~") + 1)) + list(range(ord("¡"), ord("¬") + 1)) + list(range(ord("®"), ord("ÿ") + 1))
    chars = keep[:]
    extra = 0
    for b in range(256):
        if b not in keep:
            keep.append(b)
            chars.append(256 + extra)
            extra += 1
    return [chr(c) for c in chars]


def write_tokenizer_files(folder: Path) -> tuple[Path, dict[str, int]]:
    """vocab.json + merges.txt for a small CLIP-style BPE; returns the folder and the vocab."""
    folder.mkdir(parents=True, exist_ok=True)
    base = _byte_chars()
    tokens = base + [c + "</w>" for c in base]
    merges: list[str] = []
    for word in _WORDS:
        # Merge left to right so each listed word ends as one token "word</w>".
        pieces = list(word[:-1]) + [word[-1] + "</w>"]
        while len(pieces) > 1:
            merges.append(f"{pieces[0]} {pieces[1]}")
            merged = pieces[0] + pieces[1]
            if merged not in tokens:
                tokens.append(merged)
            pieces = [merged] + pieces[2:]
    # Like real CLIP, the two specials get the highest ids (the text model finds the end token by id).
    tokens += ["<|startoftext|>", "<|endoftext|>"]
    vocab = {t: i for i, t in enumerate(dict.fromkeys(tokens))}
    (folder / "vocab.json").write_text(json.dumps(vocab, ensure_ascii=False), encoding="utf-8")
    unique_merges = list(dict.fromkeys(merges))
    (folder / "merges.txt").write_text("#version: 0.2\n" + "\n".join(unique_merges) + "\n", encoding="utf-8")
    return folder, vocab


def build_tiny_pipeline(folder: Path) -> Path:
    """Write a tiny text-to-image pipeline (64×64 pictures, seconds to run) to ``folder``."""
    import torch
    from diffusers import AutoencoderKL, EulerDiscreteScheduler, StableDiffusionPipeline, UNet2DConditionModel
    from transformers import CLIPTextConfig, CLIPTextModel, CLIPTokenizer

    tok_dir, vocab = write_tokenizer_files(folder.parent / (folder.name + "-tokenizer-src"))
    tokenizer = CLIPTokenizer.from_pretrained(str(tok_dir), model_max_length=77)

    torch.manual_seed(0)
    unet = UNet2DConditionModel(
        block_out_channels=(32, 64),
        layers_per_block=2,
        sample_size=32,
        in_channels=4,
        out_channels=4,
        down_block_types=("DownBlock2D", "CrossAttnDownBlock2D"),
        up_block_types=("CrossAttnUpBlock2D", "UpBlock2D"),
        cross_attention_dim=32,
    )
    # The scheduler SD-Turbo ships: Euler with "trailing" spacing, so one step starts from pure noise.
    scheduler = EulerDiscreteScheduler(
        beta_start=0.00085, beta_end=0.012, beta_schedule="scaled_linear", timestep_spacing="trailing"
    )
    torch.manual_seed(0)
    vae = AutoencoderKL(
        block_out_channels=[32, 64],
        in_channels=3,
        out_channels=3,
        down_block_types=["DownEncoderBlock2D", "DownEncoderBlock2D"],
        up_block_types=["UpDecoderBlock2D", "UpDecoderBlock2D"],
        latent_channels=4,
    )
    torch.manual_seed(0)
    text_encoder = CLIPTextModel(
        CLIPTextConfig(
            bos_token_id=vocab["<|startoftext|>"],
            eos_token_id=vocab["<|endoftext|>"],
            pad_token_id=vocab["<|endoftext|>"],
            hidden_size=32,
            intermediate_size=37,
            layer_norm_eps=1e-05,
            num_attention_heads=4,
            num_hidden_layers=5,
            vocab_size=len(vocab),
        )
    )
    pipe = StableDiffusionPipeline(
        unet=unet,
        scheduler=scheduler,
        vae=vae,
        text_encoder=text_encoder,
        tokenizer=tokenizer,
        safety_checker=None,
        feature_extractor=None,
        requires_safety_checker=False,
    )
    pipe.save_pretrained(str(folder), safe_serialization=True)
    return folder


_built: dict[str, Path] = {}


def tiny_pipeline(root: Path) -> Path:
    """The tiny pipeline under ``root``, built once per process in a child (so this process never imports torch)."""
    import subprocess
    import sys

    key = str(root)
    if key not in _built:
        folder = root / "tiny-sd"
        proc = subprocess.run([sys.executable, __file__, str(folder)], check=False, capture_output=True, text=True, timeout=300)
        if proc.returncode != 0:
            raise RuntimeError(f"building the tiny pipeline failed:\n{proc.stderr[-3000:]}")
        _built[key] = folder
    return _built[key]


SD_TURBO_REPO = "stabilityai/sd-turbo"


def serve_as_sd_turbo(hub: object, folder: Path, repo: str = SD_TURBO_REPO) -> None:
    """Put the tiny pipeline on a HubStandin under SD-Turbo's repo, with the fp16 file names the
    catalog's SD-Turbo entry fetches, so "Get SD-Turbo…" downloads a real, loadable pipeline."""
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        rel = path.relative_to(folder).as_posix()
        if rel.endswith(".safetensors"):
            rel = rel[: -len(".safetensors")] + ".fp16.safetensors"
        hub.add_file(repo, rel, path, lfs=rel.endswith(".safetensors"))  # type: ignore[attr-defined]


if __name__ == "__main__":
    import os
    import sys

    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    build_tiny_pipeline(Path(sys.argv[1]))
