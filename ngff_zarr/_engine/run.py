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

from .._writers import LevelArray
from ..errors import InternalError
from .assemble import LevelSink
from .geometry import Box, slices
from .passes import Pass, level_box
from .progress import Progress
from .pyramid import PyramidPlan, compute_region, read_box


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
    bar = Progress(progress, plan, passes, sorted(arrays))
    if client is not None:  # regions as cluster tasks; the passes own whole write units
        from .cluster import run_pass_on_cluster

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
                    raise InternalError(f"write units left incomplete {left}")
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
    bar: Progress,
    read_source: Callable[[Box], np.ndarray] | None,
) -> None:
    if p.first == 0 and p.write_first:  # the one pass that reads the source
        source = read_source or (lambda box: read_box(plan.source, box))
    else:  # later passes read the level written before them, never the source again
        level_array = arrays[p.first]
        source = lambda box: level_array.read(slices(box))  # noqa: E731
    outputs = list(p.outputs)

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
