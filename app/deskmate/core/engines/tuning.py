"""Engine settings matched to the hardware, chosen from measurements (bench/laptop.py, docs/benchmarks.md).

* threads: one per physical core. llama.cpp's threads spin-wait for each other at every
  layer; a second thread on a hyper-thread sibling, or more threads than cores, only adds
  waiting.
* batch: tokens per prompt-processing batch (n_batch = n_ubatch).
* flash attention: on where it measured no slower, since it drops the attention-score
  buffer (n_ctx × batch × heads floats) and makes a quantized KV cache possible, which the
  memory plan uses before it shrinks the context.
* OpenMP waiting: llama.cpp's threads meet at a barrier after every operation, and by
  default a thread that arrives first spins. When other programs use the cores (always, on
  a laptop) a spinning thread burns the time slice its partner needs: measured here with the
  machine busy, one token of the built-in model took 1.7 s with two spinning threads and
  0.11 s with waiting threads that sleep (OMP_WAIT_POLICY=PASSIVE). Set for the engine child
  unless the environment already says otherwise.
"""

from __future__ import annotations

import dataclasses

from deskmate.core.hardware import physical_cores

BATCH = 512
FLASH_ATTN = False
CHILD_ENV = {"OMP_WAIT_POLICY": "PASSIVE"}


@dataclasses.dataclass(frozen=True)
class Tuning:
    threads: int
    batch: int
    flash_attn: bool


def child_env(base: dict[str, str]) -> dict[str, str]:
    """The engine child's environment: ``base`` plus CHILD_ENV where ``base`` does not set it."""
    return {**CHILD_ENV, **base}


def tuning(threads: int = 0, batch: int = 0, flash_attn: bool | None = None) -> Tuning:
    """Fill in what is 0/None with this machine's choice."""
    return Tuning(
        threads=threads if threads > 0 else physical_cores(),
        batch=batch if batch > 0 else BATCH,
        flash_attn=FLASH_ATTN if flash_attn is None else flash_attn,
    )
