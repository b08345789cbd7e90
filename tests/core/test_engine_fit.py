"""Hardware fit: GGUF metadata → memory estimate → fits / tight / won't fit and a context size."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import numpy as np
import pytest
from deskmate.core.engines.errors import ModelInvalidError
from deskmate.core import hardware
from deskmate.core.engines import fit
from deskmate.core.models.catalog import load_catalog
from gguf import GGUFWriter

GiB = 1024**3
# Memory verdicts are about memory: a machine fast enough that speed never decides them.
FAST = hardware.Hardware(cores=8, bandwidth=60e9, source="test")
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
    roomy = fit.assess(shape, 4096, fit.MemoryInfo(total=4 * GiB, available=2 * GiB, source="test"), FAST)
    assert roomy.verdict == "fits" and roomy.badge == "fits"
    assert roomy.recommended_ctx == 8192  # its trained context, nothing larger
    cramped = fit.assess(shape, 4096, fit.MemoryInfo(total=512 << 20, available=256 << 20, source="test"), FAST)
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
    return dataclasses.replace(shape, weights_bytes=Q4_K_M_7B_BYTES, read_bytes=None)


def test_7b_kv_cache_at_4k_and_32k(synthetic_7b):
    kv_4k = fit.estimate(synthetic_7b, 4096).kv_cache
    assert kv_4k == 2 * 2 * 28 * 4 * 128 * 4096 == 224 * 1024**2
    assert fit.estimate(synthetic_7b, 32768).kv_cache == 8 * kv_4k
    # The catalog's numbers for the same model give the same estimate before download.
    catalog_shape = fit.shape_from_catalog(load_catalog().get("qwen2.5-7b-instruct"))
    assert fit.estimate(catalog_shape, 32768).total == fit.estimate(synthetic_7b, 32768).total


def test_7b_verdicts_on_a_16gb_machine(synthetic_7b):
    mem = fit.MemoryInfo(total=16 * GiB, available=10 * GiB, source="test")
    at_4k = fit.assess(synthetic_7b, 4096, mem, FAST)
    at_32k = fit.assess(synthetic_7b, 32768, mem, FAST)
    assert at_4k.verdict == "fits"
    assert at_32k.verdict == "tight"
    assert 8 * GiB < at_32k.estimate.total < 10 * GiB
    assert at_4k.recommended_ctx == 16384
    assert "context 16384" in at_32k.message


def test_7b_verdicts_on_an_8gb_machine(synthetic_7b):
    mem = fit.MemoryInfo(total=8 * GiB, available=5 * GiB, source="test")
    at_4k = fit.assess(synthetic_7b, 4096, mem, FAST)
    at_32k = fit.assess(synthetic_7b, 32768, mem, FAST)
    assert at_4k.verdict == "tight"  # runs once other programs are closed
    assert at_32k.verdict == "wont_fit"
    assert at_32k.recommended_ctx == 4096
    assert "It can run at context 4096" in at_32k.message


def test_7b_wont_fit_a_4gb_machine_at_any_context(synthetic_7b):
    verdict = fit.assess(synthetic_7b, None, fit.MemoryInfo(total=4 * GiB, available=3 * GiB, source="test"), FAST)
    assert verdict.verdict == "wont_fit" and verdict.recommended_ctx is None
    assert "smaller model" in verdict.message


def test_meminfo_and_cgroup_limit_are_read(tmp_path):
    meminfo = tmp_path / "meminfo"
    meminfo.write_text("MemTotal:       16384000 kB\nMemFree:         1000000 kB\nMemAvailable:    9000000 kB\n")
    cgroup = tmp_path / "cgroup"
    cgroup.mkdir()
    (cgroup / "memory.max").write_text("max\n")
    got = hardware._linux(str(meminfo), str(cgroup))
    assert (got.total, got.available) == (16384000 * 1024, 9000000 * 1024)
    (cgroup / "memory.max").write_text(str(4 * GiB))
    (cgroup / "memory.current").write_text(str(1 * GiB))
    got = hardware._linux(str(meminfo), str(cgroup))
    assert (got.total, got.available, got.source) == (4 * GiB, 3 * GiB, "cgroup memory limit")


def test_this_machine_reports_memory():
    mem = fit.system_memory()
    assert 0 < mem.available <= mem.total


def test_broken_file_gets_the_engine_error(tmp_path):
    bad = tmp_path / "half.gguf"
    bad.write_bytes(b"GGUF" + b"\x03\x00\x00\x00" + b"\x01" * 30)
    with pytest.raises(ModelInvalidError):
        fit.shape_from_gguf(bad)


# --- speed, memory plans and limits --------------------------------------------------------------
LAPTOP = hardware.Hardware(cores=2, bandwidth=29e9, source="test")


def test_expected_speed_follows_bytes_read_and_cores():
    catalog = load_catalog()
    seven = fit.shape_from_catalog(catalog.get("qwen2.5-7b-instruct"))
    small = fit.shape_from_catalog(catalog.get("qwen2.5-1.5b-instruct"))
    s7, s15 = fit.expected_speed(seven, LAPTOP), fit.expected_speed(small, LAPTOP)
    # Decoding reads every weight once: the bandwidth limit is bandwidth / bytes per token ...
    assert s7.bandwidth_limit == pytest.approx(29e9 / seven.bytes_per_token)
    # ... and the kernels keep a two-core machine well below it.
    assert 0.3 * s7.bandwidth_limit < s7.tokens_per_s < s7.bandwidth_limit
    assert s15.tokens_per_s > 3 * s7.tokens_per_s
    # The 7B's embedding table is not read per token (its output layer is separate); the 1.5B's is.
    assert seven.read_bytes < seven.weights_bytes and small.read_bytes == small.weights_bytes
    eight_cores = fit.expected_speed(seven, hardware.Hardware(cores=8, bandwidth=29e9, source="test"))
    assert eight_cores.tokens_per_s > 1.5 * s7.tokens_per_s


def test_verdicts_name_the_speed_and_call_a_9b_on_two_cores_slow():
    catalog = load_catalog()
    roomy = fit.MemoryInfo(total=32 * GiB, available=24 * GiB, source="test")
    nine = fit.assess(fit.shape_from_catalog(catalog.get("glm-4-9b-chat")), 4096, roomy, LAPTOP)
    small = fit.assess(fit.shape_from_catalog(catalog.get("qwen2.5-1.5b-instruct")), 4096, roomy, LAPTOP)
    assert nine.verdict == "slow" and nine.badge == "slow"
    assert "tokens/s" in nine.message and "smaller model answers faster" in nine.message
    assert small.verdict == "fits" and small.speed.tokens_per_s >= fit.SLOW_TOKENS_PER_S


def test_the_header_of_a_real_shaped_file_gives_bytes_read_and_repacked(tmp_path, tiny_model):
    from gguf_factory import Shape, random_model

    untied = random_model(tmp_path / "untied.gguf", Shape(layers=2, embedding=256, feed_forward=512, heads=4,
                                                          kv_heads=2, head_dim=64, vocab=49152,
                                                          tied_embeddings=False),
                          name="untied", tokenizer_from=tiny_model)
    shape = fit.shape_from_gguf(untied)
    table = 49152 * 256 * 34 // 32  # token_embd, Q8_0
    assert shape.read_bytes == shape.weights_bytes - table
    assert shape.repacked_bytes == 0  # Q8_0 is not repacked on this CPU backend
    assert fit.shape_from_gguf(tiny_model).read_bytes == fit.shape_from_gguf(tiny_model).weights_bytes


def test_the_load_plan_keeps_the_context_when_it_fits(synthetic_7b):
    plan = fit.plan_load(synthetic_7b, 8192, fit.MemoryInfo(total=16 * GiB, available=12 * GiB, source="test"))
    assert plan.fits and (plan.n_ctx, plan.kv_type, plan.message) == (8192, "f16", "")


def test_the_load_plan_prefers_a_q8_kv_cache_then_a_smaller_context(synthetic_7b):
    mem = fit.MemoryInfo(total=12 * GiB, available=int(8.4e9), source="test")
    need_f16 = fit.estimate(synthetic_7b, 32768, flash_attn=True).total
    need_q8 = fit.estimate(synthetic_7b, 32768, kv_type="q8_0", flash_attn=True).total
    assert need_q8 < mem.available * fit.FITS_SHARE < need_f16
    # A q8_0 KV cache (with flash attention, which it needs) keeps the whole context ...
    plan = fit.plan_load(synthetic_7b, 32768, mem, flash_attn=False)
    assert plan.fits and (plan.n_ctx, plan.kv_type, plan.flash_attn) == (32768, "q8_0", True)
    assert "q8_0 KV cache" in plan.message
    # ... and where even that does not fit, the context shrinks.
    tighter = fit.plan_load(synthetic_7b, 32768, fit.MemoryInfo(total=12 * GiB, available=int(7.2e9), source="test"))
    assert tighter.fits and tighter.n_ctx < 32768
    assert f"a context of {tighter.n_ctx} tokens instead of 32768" in tighter.message
    # A KV type chosen by hand is kept.
    fixed = fit.plan_load(synthetic_7b, 32768, mem, kv_type="f16")
    assert fixed.kv_type == "f16" and fixed.n_ctx < 32768


def test_the_load_plan_refuses_with_the_sizes(synthetic_7b):
    plan = fit.plan_load(synthetic_7b, 4096, fit.MemoryInfo(total=4 * GiB, available=3 * GiB, source="cgroup memory limit"))
    assert not plan.fits and plan.n_ctx == fit.MIN_CTX
    assert "does not fit" in plan.message and "3.2 GB of memory is free" in plan.message
    assert "weights 4.7 GB" in plan.message and "a memory limit of 4.3 GB applies" in plan.message
    # Under an address-space limit the mapping and llama.cpp's repacked copies of the weights count too.
    catalog_7b = fit.shape_from_catalog(load_catalog().get("qwen2.5-7b-instruct"))
    limited = fit.plan_load(catalog_7b, 4096, fit.MemoryInfo(total=64 * GiB, available=48 * GiB, source="test",
                                                             address_space=6 * GiB))
    assert not limited.fits and "address space" in limited.message and "6.4 GB" in limited.message


def test_this_process_finds_its_own_cgroup_at_every_level(tmp_path):
    """A limit set on a parent cgroup counts for its children (v1 and v2 layouts)."""
    proc = tmp_path / "cgroup-file"
    proc.write_text("4:memory:/session/app\n0::/\n")
    root = tmp_path / "sys"
    leaf, parent = root / "memory" / "session" / "app", root / "memory" / "session"
    leaf.mkdir(parents=True)
    (root / "memory" / "memory.limit_in_bytes").write_text(str(1 << 62))
    (parent / "memory.limit_in_bytes").write_text(str(6 * GiB))
    (parent / "memory.usage_in_bytes").write_text(str(2 * GiB))
    (parent / "memory.stat").write_text(f"cache 1\ntotal_inactive_file {GiB}\n")
    (leaf / "memory.limit_in_bytes").write_text(str((1 << 63) - 4096))  # v1's "no limit"
    dirs = hardware.own_cgroup_dirs(str(proc), str(root))
    assert dirs == [leaf, parent, root / "memory"]
    # 6 GiB limit, 2 GiB used of which 1 GiB is droppable page cache: 5 GiB of room.
    assert hardware.cgroup_limit(dirs) == (6 * GiB, 5 * GiB)
    v2 = tmp_path / "v2"
    (v2 / "user" / "app").mkdir(parents=True)
    (v2 / "cgroup.controllers").write_text("memory\n")
    (v2 / "user" / "memory.max").write_text(str(3 * GiB))
    (v2 / "user" / "memory.current").write_text(str(GiB))
    (v2 / "user" / "app" / "memory.max").write_text("max\n")
    proc.write_text("0::/user/app\n")
    assert hardware.cgroup_limit(hardware.own_cgroup_dirs(str(proc), str(v2))) == (3 * GiB, 2 * GiB)


def test_bandwidth_is_measured_once_and_kept(tmp_path):
    cache = tmp_path / "hardware.json"
    first = hardware.hardware(cache)
    assert first.bandwidth > 1e8 and first.cores >= 1 and first.source == "measured now"
    again = hardware.hardware(cache)
    assert again.bandwidth == first.bandwidth and again.source.startswith("measured ")
