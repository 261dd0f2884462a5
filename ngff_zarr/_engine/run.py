"""The streaming engine: run the planned passes region by region on a thread pool.

Memory stays bounded: at most ``workers + 1`` regions are in flight, and each region was sized
by :mod:`._plan` to fit its share of the memory target. Ctrl-C or an error in any region stops
the run within about one region's time: pending regions are cancelled, running ones stop at the
next level, and the exception propagates (the caller then cleans up; no metadata is written).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from typing import Any

import numpy as np

from .._arrays import in_memory
from .._writers import LevelArray
from ..errors import InternalError
from .assemble import LevelSink
from .geometry import Box, hull, intersect, slices
from .passes import Pass, level_box, level_reach
from .progress import Progress
from .pyramid import PyramidPlan, compute_region, needed_boxes, source_reader
from .source_chunks import SourceChunks, computed_source


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
    within: Mapping[int, Box] | None = None,
    chunks: Sequence[tuple[int, ...]] | None = None,
) -> None:
    """Compute and write every level of ``plan`` following ``passes``.

    ``units[k]`` is the write unit (shard or chunk shape) of level ``k``. With a distributed
    ``client``, regions run on the cluster (``passes`` must then own whole write units).

    With ``within`` (level -> box), only those boxes are computed and written, and only the
    levels it names (an edit's partial rebuild): the regions that own none of them are not
    visited, and a write unit they cover in part keeps its stored values elsewhere (only its
    chunks that meet the box, ``chunks[k]`` of level ``k``, are rewritten).
    """
    if within is not None:
        if client is not None:
            raise InternalError("a partial rebuild runs on local threads, not on a cluster")
        arrays = {level: a for level, a in arrays.items() if level in within}
    sinks = {}
    for level, array in arrays.items():
        covered = None if within is None else within[level]
        chunk = None if chunks is None else chunks[level]
        sinks[level] = LevelSink(
            array, plan.shapes[level], units[level], plan.source.dtype, covered=covered, chunk=chunk
        )
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
            numpy_source = in_memory(plan.source) is not None
            for i, p in enumerate(passes):
                # a NumPy source the run wrote as level 0 is read again in place, not decoded
                again = numpy_source and any(q.first == 0 and q.write_first for q in passes[:i])
                _run_pass(
                    plan, p, arrays, sinks, pool, workers, cancel, bar, read_source, within,
                    source_again=again,
                )  # fmt: skip
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
    within: Mapping[int, Box] | None = None,
    source_again: bool = False,
) -> None:
    outputs = [level for level in p.outputs if within is None or level in within]
    reach: Box | None = None
    if within is not None:
        for level in outputs:
            reach = hull(reach, level_reach(plan, p.first, level, within[level]))
        if reach is None:
            return
    regions = list(p.regions(reach)) if reach is not None else None
    source: Callable[[Box], np.ndarray]
    if p.first == 0 and read_source is not None:  # an edit: level 0 as it is being changed
        source = read_source
    elif p.first == 0 and p.write_first and computed_source(plan.source):
        # every source chunk computed once, held while the regions that read it run
        windows = [
            needed_boxes(plan, 0, interiors)[0]
            for region in (regions if regions is not None else p.regions())
            if (interiors := _interiors(plan, p, outputs, region, within))
        ]
        source = SourceChunks(plan.source, windows).read
    elif p.first == 0 and (p.write_first or source_again):  # the source, read as is
        source = source_reader(plan.source)
    else:  # later passes read the level written before them (a computed source: never again)
        level_array = arrays[p.first]
        source = lambda box: level_array.read(slices(box))  # noqa: E731

    def work(region: Box) -> None:
        if cancel.is_set():
            return
        interiors = _interiors(plan, p, outputs, region, within)
        if not interiors:
            return
        results = compute_region(plan, p.first, interiors, source, cancel.is_set)
        for level, box in interiors.items():
            if cancel.is_set():
                return
            sinks[level].put(box, results[level])
            bar.advance(level, results[level].nbytes)

    if (regions is not None and len(regions) == 1) or p.region_count == 1:
        for region in regions if regions is not None else p.regions():
            work(region)  # nothing to overlap: no thread hand-off
        return
    pending: set[Future[None]] = set()
    at_once = min(p.in_flight or workers + 1, workers + 1)
    try:
        for region in regions if regions is not None else p.regions():
            while len(pending) >= at_once:
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


def _interiors(
    plan: PyramidPlan,
    p: Pass,
    outputs: list[int],
    region: Box,
    within: Mapping[int, Box] | None = None,
) -> dict[int, Box]:
    """The non-empty box of every output level that ``region`` computes (inside ``within``)."""
    interiors: dict[int, Box] = {}
    for level in outputs:
        box: Box | None = level_box(plan, p.first, level, region)
        if box is not None and within is not None:
            box = intersect(box, within[level])
        if box is not None and all(hi > lo for lo, hi in box):
            interiors[level] = box
    return interiors
