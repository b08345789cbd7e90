"""Engine settings matched to the hardware, chosen from measurements (bench/laptop.py, docs/benchmarks.md).

* threads: one per physical core. llama.cpp's threads spin-wait for each other at every
  layer; a second thread on a hyper-thread sibling, or more threads than cores, only adds
  waiting.
* batch: tokens per prompt-processing batch (n_batch = n_ubatch).
* flash attention: on where it measured no slower, since it drops the attention-score
  buffer (n_ctx × batch × heads floats) and makes a quantized KV cache possible, which the
  memory plan uses before it shrinks the context.
"""

from __future__ import annotations

import dataclasses

from deskmate.core.hardware import physical_cores

BATCH = 512
FLASH_ATTN = False


@dataclasses.dataclass(frozen=True)
class Tuning:
    threads: int
    batch: int
    flash_attn: bool


def tuning(threads: int = 0, batch: int = 0, flash_attn: bool | None = None) -> Tuning:
    """Fill in what is 0/None with this machine's choice."""
    return Tuning(
        threads=threads if threads > 0 else physical_cores(),
        batch=batch if batch > 0 else BATCH,
        flash_attn=FLASH_ATTN if flash_attn is None else flash_attn,
    )
