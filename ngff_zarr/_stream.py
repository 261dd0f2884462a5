"""The streaming engine: run the planned passes region by region on a thread pool.

Memory stays bounded: at most ``workers + 1`` regions are in flight, and each region was sized
by :mod:`._plan` to fit its share of the memory target. Ctrl-C or an error in any region stops
the run within about one region's time: pending regions are cancelled, running ones stop at the
next level, and the exception propagates (the caller then cleans up; no metadata is written).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from typing import Any

import numpy as np

from ._plan import Pass, level_box
from ._pyramid import Box, PyramidPlan, compute_region, read_box
from ._writers import LevelArray


class _Progress:
    """A rich progress bar per level (regions done, bytes/s), or nothing."""

    def __init__(
        self, enabled: bool, plan: PyramidPlan, passes: Sequence[Pass], levels: Sequence[int]
    ) -> None:
        self._bar: Any = None
        self._tasks: dict[int, Any] = {}
        if not enabled:
            return
        from rich.progress import (
            BarColumn,
            MofNCompleteColumn,
            Progress,
            TextColumn,
            TimeElapsedColumn,
            TransferSpeedColumn,
        )

        self._bar = Progress(
            TextColumn("[bold]{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("regions"),
            TransferSpeedColumn(),
            TimeElapsedColumn(),
        )
        counts: dict[int, int] = {}
        for p in passes:
            for level in range(p.first if p.write_first else p.first + 1, p.last + 1):
                counts[level] = p.region_count
        for level in levels:
            self._tasks[level] = self._bar.add_task(f"level {level}", total=counts.get(level, 1))
        self._bar.start()

    def advance(self, level: int, nbytes: int) -> None:
        if self._bar is not None:
            task = self._bar.tasks[self._tasks[level]]
            self._bar.update(self._tasks[level], advance=1)
            # TransferSpeedColumn reads task.speed from completed units; keep bytes in fields
            task.fields["bytes"] = task.fields.get("bytes", 0) + nbytes

    def close(self) -> None:
        if self._bar is not None:
            self._bar.stop()


def run_passes(
    plan: PyramidPlan,
    passes: Sequence[Pass],
    arrays: dict[int, LevelArray],
    *,
    workers: int,
    progress: bool = False,
    read_source: Callable[[Box], np.ndarray] | None = None,
) -> None:
    """Compute and write every level of ``plan`` following ``passes``."""
    cancel = threading.Event()
    bar = _Progress(progress, plan, passes, sorted(arrays))
    try:
        with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="ngff-zarr") as pool:
            for p in passes:
                _run_pass(plan, p, arrays, pool, workers, cancel, bar, read_source)
    finally:
        bar.close()


def _run_pass(
    plan: PyramidPlan,
    p: Pass,
    arrays: dict[int, LevelArray],
    pool: ThreadPoolExecutor,
    workers: int,
    cancel: threading.Event,
    bar: _Progress,
    read_source: Callable[[Box], np.ndarray] | None,
) -> None:
    if p.first == 0:
        source = read_source or (lambda box: read_box(plan.source, box))
    else:
        source = arrays[p.first].read
    outputs = list(range(p.first if p.write_first else p.first + 1, p.last + 1))

    def work(region: Box) -> None:
        if cancel.is_set():
            return
        interiors = {level: level_box(plan, p.first, level, region) for level in outputs}
        interiors = {k: b for k, b in interiors.items() if all(hi > lo for lo, hi in b)}
        if not interiors:
            return
        results = compute_region(plan, p.first, interiors, source, cancel.is_set)
        for level, box in interiors.items():
            if cancel.is_set():
                return
            arrays[level].write(box, results[level])
            bar.advance(level, results[level].nbytes)

    pending: set[Future[None]] = set()
    try:
        for region in p.regions():
            while len(pending) > workers:
                done, pending = wait(pending, timeout=0.25, return_when=FIRST_COMPLETED)
                for future in done:
                    future.result()
            pending.add(pool.submit(work, region))
        while pending:
            done, pending = wait(pending, timeout=0.25, return_when=FIRST_COMPLETED)
            for future in done:
                future.result()
    except BaseException:
        cancel.set()
        for future in pending:
            future.cancel()
        wait(pending)
        raise
