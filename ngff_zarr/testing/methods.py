"""The contract of a downsampling method (see :class:`MethodContract`)."""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from typing import ClassVar

import dask.array as da
import numpy as np
import pytest

from .._engine.geometry import Box
from .._engine.pyramid import compute_region, make_plan, read_box
from ..methods import BlockMethod, get_method
from ..vocab import Methods

__all__ = ["MethodContract"]


class MethodContract:
    """Tests every registered downsampling method must pass.

    Subclasses set ``method``. The tests drive the method through the engine's cascade, the
    only way the package calls it.
    """

    method: ClassVar[Methods]
    dtypes: ClassVar[tuple[str, ...]] = ("uint8", "uint16", "float32")

    @pytest.fixture
    def block_method(self) -> BlockMethod:
        return get_method(self.method)

    def _data(self, shape: tuple[int, ...], dtype: str, seed: int = 0) -> np.ndarray:
        rng = np.random.default_rng(seed)
        if np.dtype(dtype).kind == "f":
            return rng.random(shape).astype(dtype)
        return rng.integers(0, 50 if self._label_safe() else 200, shape).astype(dtype)

    def _label_safe(self) -> bool:
        return get_method(self.method).label_safe

    def _levels(
        self, data: np.ndarray, factors: Sequence[tuple[int, ...]], spatial: tuple[bool, ...]
    ) -> list[np.ndarray]:
        plan = make_plan(
            da.from_array(data, chunks=data.shape), factors, get_method(self.method), spatial
        )
        whole = {k: tuple((0, n) for n in plan.shapes[k]) for k in range(1, plan.levels)}
        out = compute_region(plan, 0, whole, lambda box: read_box(data, box))
        return [data, *(out[k] for k in range(1, plan.levels))]

    @pytest.mark.parametrize("shape", [(16, 24), (17, 23), (9, 12, 14)])
    def test_level_shapes_floor_the_factors(self, shape: tuple[int, ...]) -> None:
        spatial = (True,) * len(shape)
        factors = [(2,) * len(shape), (4,) * len(shape)]
        levels = self._levels(self._data(shape, self.dtypes[0]), factors, spatial)
        for level, total in zip(levels[1:], factors, strict=True):
            assert level.shape == tuple(s // f for s, f in zip(shape, total, strict=True))

    def test_dtype_is_kept(self) -> None:
        for dtype in self.dtypes:
            levels = self._levels(self._data((12, 12), dtype), [(2, 2)], (True, True))
            assert levels[1].dtype == np.dtype(dtype), dtype

    def test_a_constant_image_stays_constant(self) -> None:
        for dtype in self.dtypes:
            data = np.full((12, 18), 7, dtype=dtype)
            levels = self._levels(data, [(2, 2), (4, 4)], (True, True))
            for level in levels[1:]:
                if np.dtype(dtype).kind == "f":  # float sums round in the last place
                    np.testing.assert_allclose(level, 7, rtol=1e-6, err_msg=dtype)
                else:
                    assert (level == 7).all(), dtype

    def test_non_spatial_dims_are_not_downsampled(self) -> None:
        data = self._data((3, 16, 16), self.dtypes[0])
        levels = self._levels(data, [(1, 2, 2)], (False, True, True))
        assert levels[1].shape == (3, 8, 8)
        for c in range(3):  # channels are computed independently
            alone = self._levels(np.ascontiguousarray(data[c]), [(2, 2)], (True, True))
            np.testing.assert_array_equal(levels[1][c], alone[1])

    def test_label_safe_methods_only_output_input_values(self) -> None:
        if not self._label_safe():
            pytest.skip(f"{self.method.value} is not label-safe")
        data = self._data((20, 20), "uint32")
        levels = self._levels(data, [(2, 2), (4, 4)], (True, True))
        for level in levels[1:]:
            assert set(np.unique(level)) <= set(np.unique(data))

    @pytest.mark.parametrize("region", [(5, 7), (8, 8), (3, 16)])
    def test_any_tiling_gives_the_whole_array_result(self, region: tuple[int, int]) -> None:
        """What the streaming writer relies on: regions computed alone equal the whole."""
        data = self._data((26, 30), self.dtypes[-1], seed=1)
        factors = [(2, 2), (4, 4)]
        spatial = (True, True)
        whole = self._levels(data, factors, spatial)
        plan = make_plan(
            da.from_array(data, chunks=data.shape), factors, get_method(self.method), spatial
        )
        level = 2
        stitched = np.zeros(plan.shapes[level], dtype=data.dtype)
        ranges = [range(0, n, r) for n, r in zip(plan.shapes[level], region, strict=True)]
        for starts in itertools.product(*ranges):
            box: Box = tuple(
                (s, min(s + r, n))
                for s, r, n in zip(starts, region, plan.shapes[level], strict=True)
            )
            part = compute_region(plan, 0, {level: box}, lambda b: read_box(data, b))[level]
            stitched[tuple(slice(lo, hi) for lo, hi in box)] = part
        np.testing.assert_array_equal(stitched, whole[level])

    def test_provenance_is_recorded(self, block_method: BlockMethod) -> None:
        assert block_method.method is self.method
        assert block_method.description
        assert block_method.package_version() != ""
