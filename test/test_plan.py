"""The region planner tiles every level exactly once, aligned to the write units."""

from __future__ import annotations

import dask.array as da
import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from ngff_zarr._plan import level_box, plan_passes
from ngff_zarr._pyramid import make_plan
from ngff_zarr.methods import Methods, get_method


@st.composite
def layouts(draw):  # type: ignore[no-untyped-def]
    ndim = draw(st.integers(2, 3))
    shape = tuple(draw(st.integers(1, 90)) for _ in range(ndim))
    steps = []
    current = shape
    for _ in range(draw(st.integers(0, 4))):
        step = tuple(draw(st.sampled_from([1, 2, 3])) for _ in range(ndim))
        nxt = tuple(s // f for s, f in zip(current, step, strict=True))
        if min(nxt) < 1:
            break
        steps.append(step)
        current = nxt
    units = [tuple(draw(st.integers(1, 20)) for _ in range(ndim)) for _ in range(len(steps) + 1)]
    method = draw(st.sampled_from([Methods.LOCAL_MEAN, Methods.GAUSSIAN]))
    budget = draw(st.sampled_from([1, 2_000, 50_000, 10**9]))
    return shape, steps, units, method, budget


@settings(max_examples=150, deadline=None)
@given(layouts())
def test_regions_tile_every_level_exactly_once(layout) -> None:  # type: ignore[no-untyped-def]
    shape, steps, units, method, budget = layout
    ndim = len(shape)
    plan = make_plan(da.zeros(shape, dtype="uint16"), steps, get_method(method), (True,) * ndim)
    passes = plan_passes(plan, units, memory_target=budget, workers=2)
    covered = [np.zeros(s, dtype=np.int32) for s in plan.shapes]
    assert passes[0].first == 0 and passes[0].write_first
    assert passes[-1].last == plan.levels - 1
    for p in passes:
        for region in p.regions():
            for level in range(p.first if p.write_first else p.first + 1, p.last + 1):
                box = level_box(plan, p.first, level, region)
                for (lo, hi), unit, n in zip(box, units[level], plan.shapes[level], strict=True):
                    if hi > lo:  # aligned to the level's write unit, except at the array's end
                        assert lo % unit == 0
                        assert hi % unit == 0 or hi == n
                covered[level][tuple(slice(lo, hi) for lo, hi in box)] += 1
    for level, c in enumerate(covered):
        assert (c == 1).all(), f"level {level} not tiled exactly once"


def test_deep_pyramids_split_into_passes_within_budget() -> None:
    plan = make_plan(
        da.zeros((40_000, 40_000), dtype="uint16"),
        [(2, 2)] * 8,
        get_method(Methods.LOCAL_MEAN),
        (True, True),
    )
    passes = plan_passes(plan, [(256, 256)] * 9, memory_target=512 * 2**20, workers=2)
    assert len(passes) >= 2
    assert passes[1].first == passes[0].last and not passes[1].write_first
    for p in passes:
        assert p.region_shape[0] * p.region_shape[1] * 2 <= 512 * 2**20
