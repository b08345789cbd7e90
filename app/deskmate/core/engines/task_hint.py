"""Sampling that also names the task an answer is for, so Deskmate's own engine can decode it the best way.

The engine turns prompt-lookup decoding on for the tasks whose answers copy their input
(:mod:`.speculation`); the hint goes only to that engine (``build_body``), never to remote
servers. A subclass, so every client and helper that takes a Sampling takes this too.
"""

from __future__ import annotations

import dataclasses

from .base import Sampling


@dataclasses.dataclass(frozen=True)
class TaskSampling(Sampling):
    task: str = ""


def for_task(sampling: Sampling, task: str) -> TaskSampling:
    fields = {f.name: getattr(sampling, f.name) for f in dataclasses.fields(Sampling)}
    return TaskSampling(**fields, task=task)


def task_of(sampling: Sampling) -> str:
    return getattr(sampling, "task", "") or ""
