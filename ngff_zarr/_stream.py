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
from ._sink import LevelSink
from ._writers import LevelArray


class _Progress:
    """A rich progress bar per level: regions done, and the level's output throughput."""

    def __init__(
        self, enabled: bool, plan: PyramidPlan, passes: Sequence[Pass], levels: Sequence[int]
    ) -> None:
        self._bar: Any = None
        self._tasks: dict[int, Any] = {}
        self._lock = threading.Lock()
        if not enabled:
            return
        from rich.progress import (
            BarColumn,
            MofNCompleteColumn,
            Progress,
            ProgressColumn,
            TextColumn,
            TimeElapsedColumn,
        )
        from rich.text import Text

        class Throughput(ProgressColumn):
            def render(self, task: Any) -> Text:
                elapsed = task.elapsed or 0.0
                rate = task.fields.get("nbytes", 0) / elapsed / 1e6 if elapsed > 0 else 0.0
                return Text(f"{rate:8.1f} MB/s")

        self._bar = Progress(
            TextColumn("[bold]{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("regions"),
            Throughput(),
            TimeElapsedColumn(),
        )
        counts: dict[int, int] = {}
        for p in passes:
            for level in range(p.first if p.write_first else p.first + 1, p.last + 1):
                counts[level] = p.region_count
        for level in levels:
            self._tasks[level] = self._bar.add_task(
                f"level {level} {plan.shapes[level]}", total=counts.get(level, 1), nbytes=0
            )
        self._bar.start()

    def advance(self, level: int, nbytes: int) -> None:
        if self._bar is None:
            return
        with self._lock:
            task_id = self._tasks[level]
            done = self._bar.tasks[task_id].fields.get("nbytes", 0) + nbytes
            self._bar.update(task_id, advance=1, nbytes=done)

    def close(self) -> None:
        if self._bar is not None:
            self._bar.stop()


def run_passes(
    plan: PyramidPlan,
    passes: Sequence[Pass],
    arrays: dict[int, LevelArray],
    *,
    units: Sequence[tuple[int, ...]],
    workers: int,
    progress: bool = False,
    read_source: Callable[[Box], np.ndarray] | None = None,
    client: Any = None,
) -> None:
    """Compute and write every level of ``plan`` following ``passes``.

    ``units[k]`` is the write unit (shard or chunk shape) of level ``k``. With a distributed
    ``client``, regions run on the cluster (``passes`` must then own whole write units).
    """
    sinks = {
        level: LevelSink(array, plan.shapes[level], units[level], plan.source.dtype)
        for level, array in arrays.items()
    }
    cancel = threading.Event()
    bar = _Progress(progress, plan, passes, sorted(arrays))
    if client is not None:  # regions as cluster tasks; the passes own whole write units
        from ._distributed import run_pass_on_cluster

        try:
            for p in passes:
                run_pass_on_cluster(client, plan, p, arrays, bar.advance)
        finally:
            bar.close()
        return
    try:
        with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="ngff-zarr") as pool:
            for p in passes:
                _run_pass(plan, p, arrays, sinks, pool, workers, cancel, bar, read_source)
                left = {level: sink.pending() for level, sink in sinks.items() if sink.pending()}
                if left:  # cannot happen when the regions tile the levels; never pass silently
                    raise RuntimeError(f"internal error: write units left incomplete {left}")
    finally:
        bar.close()


def _run_pass(
    plan: PyramidPlan,
    p: Pass,
    arrays: dict[int, LevelArray],
    sinks: dict[int, LevelSink],
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
            sinks[level].put(box, results[level])
            bar.advance(level, results[level].nbytes)

    if p.region_count == 1:  # nothing to overlap: no thread hand-off
        for region in p.regions():
            work(region)
        return
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
