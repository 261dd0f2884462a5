"""The region planner tiles every level exactly once, aligned to the write units."""

from __future__ import annotations

import itertools

import dask.array as da
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ngff_zarr._engine.passes import _region_bytes, level_box, plan_passes
from ngff_zarr._engine.pyramid import make_plan
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
    totals = _totals(steps)
    if draw(st.booleans()):  # any factors, not multiples of each other (e.g. 2, 3, 4)
        totals = []
        for _ in range(draw(st.integers(0, 4))):
            total = tuple(draw(st.sampled_from([1, 2, 3, 4, 6])) for _ in range(ndim))
            if min(s // f for s, f in zip(shape, total, strict=True)) >= 1:
                totals.append(total)
    units = [tuple(draw(st.integers(1, 20)) for _ in range(ndim)) for _ in range(len(totals) + 1)]
    method = draw(st.sampled_from([Methods.LOCAL_MEAN, Methods.GAUSSIAN]))
    budget = draw(st.sampled_from([1, 2_000, 50_000, 10**9]))
    return shape, totals, units, method, budget


def _totals(steps: list[tuple[int, ...]]) -> list[tuple[int, ...]]:
    """Per-level total factors from per-step factors."""
    out: list[tuple[int, ...]] = []
    acc = (1,) * len(steps[0]) if steps else ()
    for step in steps:
        acc = tuple(a * s for a, s in zip(acc, step, strict=True))
        out.append(acc)
    return out


@settings(max_examples=150, deadline=None)
@given(layouts())
def test_regions_tile_every_level_exactly_once(layout) -> None:  # type: ignore[no-untyped-def]
    shape, totals, units, method, budget = layout
    ndim = len(shape)
    plan = make_plan(da.zeros(shape, dtype="uint16"), totals, get_method(method), (True,) * ndim)
    passes = plan_passes(plan, units, memory_target=budget, workers=2)
    covered = [np.zeros(s, dtype=np.int32) for s in plan.shapes]
    assert passes[0].first == 0 and passes[0].write_first
    assert passes[-1].last == plan.levels - 1
    for p in passes:
        for region in p.regions():
            for level in p.outputs:
                box = level_box(plan, p.first, level, region)
                if level == p.first:  # the level read is written in whole write units
                    for (lo, hi), unit, n in zip(
                        box, units[level], plan.shapes[level], strict=True
                    ):
                        assert lo % unit == 0
                        assert hi % unit == 0 or hi == n
                factor = plan.factor(p.first, level)
                for (lo, hi), (rlo, rhi), f, n in zip(box, region, factor, p.shape, strict=True):
                    assert rlo == lo * f  # the region maps exactly onto the lower level
                    assert rhi == hi * f or rhi == n
                covered[level][tuple(slice(lo, hi) for lo, hi in box)] += 1
    for level, c in enumerate(covered):
        assert (c == 1).all(), f"level {level} not tiled exactly once"


@pytest.mark.parametrize("method", [Methods.LOCAL_MEAN, Methods.GAUSSIAN])
def test_deep_pyramid_regions_fit_the_budget(method: Methods) -> None:
    plan = make_plan(
        da.zeros((40_000, 40_000), dtype="uint16"),
        _totals([(2, 2)] * 8),
        get_method(method),
        (True, True),
    )
    budget = 512 * 2**20
    passes = plan_passes(plan, [(2048, 2048)] + [(256, 256)] * 8, memory_target=budget, workers=2)
    assert passes[0].first == 0
    assert passes[0].write_first
    assert passes[-1].last == 8
    for before, after in itertools.pairwise(passes):  # later passes read the last level written
        assert after.first == before.last
        assert not after.write_first
    for p in passes:
        assert _region_bytes(plan, p.first, p.outputs, p.region_shape) <= budget // 3
        assert p.region_count >= 4  # both workers stay busy


def test_regions_larger_than_their_share_of_the_target_run_fewer_at_once() -> None:
    plan = make_plan(
        da.zeros((256, 512, 512), dtype="uint16"),
        [(2, 2, 2)],
        get_method(Methods.LOCAL_MEAN),
        (True,) * 3,
    )
    small = plan_passes(plan, [(64, 64, 64)] * 2, memory_target=2**30, workers=3)
    assert [p.in_flight for p in small] == [4]  # workers + 1: the target holds them all
    # a 256^3 uint16 shard is 32 MiB, its region several times that: one at a time
    large = plan_passes(plan, [(256, 256, 256)] * 2, memory_target=32 * 2**20, workers=3)
    for p in large:
        size = _region_bytes(plan, p.first, p.outputs, p.region_shape)
        assert size > 32 * 2**20
        assert p.in_flight == 1
    # in between: as many as fit
    middle = plan_passes(plan, [(128, 128, 128)] * 2, memory_target=64 * 2**20, workers=3)
    for p in middle:
        size = _region_bytes(plan, p.first, p.outputs, p.region_shape)
        assert p.in_flight == max(1, min(4, 64 * 2**20 // size))
        assert p.in_flight * size <= 64 * 2**20 or p.in_flight == 1
