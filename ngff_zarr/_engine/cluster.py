"""Running a write's regions on a dask distributed cluster when a ``Client`` is active.

The plan and the level arrays are sent to the workers once (scattered); each task computes one
region and writes it straight to the store, so the workers must see the same storage (a local
cluster, or a shared file system). Regions are planned on whole write units of every level,
so no two tasks ever touch the same chunk or shard.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import Any

from .._writers import LevelArray
from .geometry import slices
from .passes import Pass, level_box
from .pyramid import PyramidPlan, compute_region, read_box


def active_client() -> Any | None:
    """The current distributed ``Client``, if distributed is in use (never imports it)."""
    if "distributed" not in sys.modules:
        return None
    from distributed import get_client

    try:
        return get_client()
    except ValueError:
        return None


def cluster_threads(client: Any) -> int:
    return max(1, sum(int(n) for n in client.nthreads().values()))


def _region_task(
    plan: PyramidPlan, p: Pass, arrays: dict[int, LevelArray], region: Any
) -> list[tuple[int, int]]:
    outputs = p.outputs
    interiors = {level: level_box(plan, p.first, level, region) for level in outputs}
    interiors = {k: b for k, b in interiors.items() if all(hi > lo for lo, hi in b)}
    if not interiors:
        return []
    source = (
        (lambda box: read_box(plan.source, box))
        if p.first == 0 and p.write_first  # only the first pass reads the source
        else (lambda box: arrays[p.first].read(slices(box)))
    )
    results = compute_region(plan, p.first, interiors, source)
    for level, box in interiors.items():
        arrays[level].write(slices(box), results[level])
    return [(level, results[level].nbytes) for level in interiors]


def run_pass_on_cluster(
    client: Any,
    plan: PyramidPlan,
    p: Pass,
    arrays: dict[int, LevelArray],
    advance: Callable[[int, int], None],
) -> None:
    """Run one pass's regions as cluster tasks, at most two per worker thread at a time."""
    from distributed import wait

    # the plan may hold an in-memory source: send it to each worker once, not with every task
    shared_plan = client.scatter(plan, broadcast=True, hash=False)
    limit = 2 * cluster_threads(client)
    pending: set[Any] = set()

    def settle(done: Any) -> None:
        for future in done:
            for level, nbytes in future.result():
                advance(level, nbytes)

    try:
        for region in p.regions():
            while len(pending) >= limit:
                finished = wait(list(pending), return_when="FIRST_COMPLETED")
                pending -= set(finished.done)
                settle(finished.done)
            pending.add(client.submit(_region_task, shared_plan, p, arrays, region, pure=False))
        finished = wait(list(pending))
        pending.clear()
        settle(finished.done)
    except BaseException:
        client.cancel(list(pending))
        raise
