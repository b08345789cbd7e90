"""Hardware fit: GGUF metadata → memory estimate → fits / tight / won't fit and a context size."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import numpy as np
import pytest
from deskmate.core.engines.errors import ModelInvalidError
from deskmate.core.models import fit
from deskmate.core.models.catalog import load_catalog
from gguf import GGUFWriter

GiB = 1024**3
Q4_K_M_7B_BYTES = 4_683_074_240  # Qwen2.5-7B-Instruct-Q4_K_M.gguf


def test_tiny_model_metadata_and_estimate(tiny_model: Path):
    shape = fit.shape_from_gguf(tiny_model)
    assert shape.architecture == "llama"
    assert shape.quantization == "Q4_1"
    assert shape.context_length == 8192
    assert 130e6 < shape.parameters < 140e6  # SmolLM2-135M
    assert (shape.layers, shape.heads, shape.kv_heads_total // shape.layers) == (30, 9, 3)
    # K and V, f16, 30 layers × 3 KV heads × 64 dims, per position.
    assert fit.estimate(shape, 8192).kv_cache == 2 * 2 * 30 * 3 * 64 * 8192
    assert shape.weights_bytes <= tiny_model.stat().st_size


def test_tiny_model_fits_a_small_machine_and_not_a_tiny_one(tiny_model: Path):
    shape = fit.shape_from_gguf(tiny_model)
    roomy = fit.assess(shape, 4096, fit.MemoryInfo(total=4 * GiB, available=2 * GiB, source="test"))
    assert roomy.verdict == "fits" and roomy.badge == "fits"
    assert roomy.recommended_ctx == 8192  # its trained context, nothing larger
    cramped = fit.assess(shape, 4096, fit.MemoryInfo(total=512 << 20, available=256 << 20, source="test"))
    assert cramped.verdict == "wont_fit" and cramped.badge == "won't fit"
    assert "more than this computer" in cramped.message


@pytest.fixture(scope="module")
def synthetic_7b(tmp_path_factory) -> fit.ModelShape:
    """The header of a Qwen2.5-7B Q4_K_M with one tiny tensor: the KV numbers come from its metadata."""
    path = tmp_path_factory.mktemp("fit") / "synthetic-7b.gguf"
    w = GGUFWriter(path, "qwen2")
    w.add_name("Synthetic 7B")
    w.add_block_count(28)
    w.add_context_length(32768)
    w.add_embedding_length(3584)
    w.add_head_count(28)
    w.add_head_count_kv(4)
    w.add_vocab_size(152064)
    w.add_file_type(15)  # MOSTLY_Q4_K_M
    w.add_tensor("token_embd.weight", np.zeros((8, 8), dtype=np.float32))
    w.write_header_to_file()
    w.write_kv_data_to_file()
    w.write_tensors_to_file()
    w.close()
    shape = fit.shape_from_gguf(path)
    assert shape.quantization == "Q4_K_M" and shape.context_length == 32768
    # The header is real; the weights are what the real 4.68 GB file holds.
    return dataclasses.replace(shape, weights_bytes=Q4_K_M_7B_BYTES)


def test_7b_kv_cache_at_4k_and_32k(synthetic_7b):
    kv_4k = fit.estimate(synthetic_7b, 4096).kv_cache
    assert kv_4k == 2 * 2 * 28 * 4 * 128 * 4096 == 224 * 1024**2
    assert fit.estimate(synthetic_7b, 32768).kv_cache == 8 * kv_4k
    # The catalog's numbers for the same model give the same estimate before download.
    catalog_shape = fit.shape_from_catalog(load_catalog().get("qwen2.5-7b-instruct"))
    assert fit.estimate(catalog_shape, 32768).total == fit.estimate(synthetic_7b, 32768).total


def test_7b_verdicts_on_a_16gb_machine(synthetic_7b):
    mem = fit.MemoryInfo(total=16 * GiB, available=10 * GiB, source="test")
    at_4k = fit.assess(synthetic_7b, 4096, mem)
    at_32k = fit.assess(synthetic_7b, 32768, mem)
    assert at_4k.verdict == "fits"
    assert at_32k.verdict == "tight"
    assert 8 * GiB < at_32k.estimate.total < 10 * GiB
    assert at_4k.recommended_ctx == 16384
    assert "context 16384" in at_32k.message


def test_7b_verdicts_on_an_8gb_machine(synthetic_7b):
    mem = fit.MemoryInfo(total=8 * GiB, available=5 * GiB, source="test")
    at_4k = fit.assess(synthetic_7b, 4096, mem)
    at_32k = fit.assess(synthetic_7b, 32768, mem)
    assert at_4k.verdict == "tight"  # runs once other programs are closed
    assert at_32k.verdict == "wont_fit"
    assert at_32k.recommended_ctx == 4096
    assert "It can run at context 4096" in at_32k.message


def test_7b_wont_fit_a_4gb_machine_at_any_context(synthetic_7b):
    verdict = fit.assess(synthetic_7b, None, fit.MemoryInfo(total=4 * GiB, available=3 * GiB, source="test"))
    assert verdict.verdict == "wont_fit" and verdict.recommended_ctx is None
    assert "smaller model" in verdict.message


def test_meminfo_and_cgroup_limit_are_read(tmp_path):
    meminfo = tmp_path / "meminfo"
    meminfo.write_text("MemTotal:       16384000 kB\nMemFree:         1000000 kB\nMemAvailable:    9000000 kB\n")
    cgroup = tmp_path / "cgroup"
    cgroup.mkdir()
    (cgroup / "memory.max").write_text("max\n")
    got = fit._linux(str(meminfo), str(cgroup))
    assert (got.total, got.available) == (16384000 * 1024, 9000000 * 1024)
    (cgroup / "memory.max").write_text(str(4 * GiB))
    (cgroup / "memory.current").write_text(str(1 * GiB))
    got = fit._linux(str(meminfo), str(cgroup))
    assert (got.total, got.available, got.source) == (4 * GiB, 3 * GiB, "cgroup memory.max")


def test_this_machine_reports_memory():
    mem = fit.system_memory()
    assert 0 < mem.available <= mem.total


def test_broken_file_gets_the_engine_error(tmp_path):
    bad = tmp_path / "half.gguf"
    bad.write_bytes(b"GGUF" + b"\x03\x00\x00\x00" + b"\x01" * 30)
    with pytest.raises(ModelInvalidError):
        fit.shape_from_gguf(bad)
