"""The contract of a microscope-file reader (see :class:`ReaderContract`)."""

from __future__ import annotations

import itertools
from pathlib import Path
from typing import ClassVar

import dask.array as da
import numpy as np
import pytest

from ..formats import SourceImage, get_reader, select_reader
from ..vocab import DIMS, SPACE_UNITS, TIME_UNITS

__all__ = ["ReaderContract"]


class ReaderContract:
    """Tests every registered file-format reader must pass on a sample file.

    Subclasses set ``reader`` (its registry name) and provide a ``sample`` fixture returning
    the path of a real file of that format.
    """

    reader: ClassVar[str]

    @pytest.fixture
    def sample(self) -> Path:  # pragma: no cover - every subclass provides it
        raise NotImplementedError

    @pytest.fixture
    def sources(self, sample: Path) -> list[SourceImage]:
        return get_reader(self.reader).load().read(sample)

    def test_the_sample_selects_this_reader(self, sample: Path) -> None:
        assert select_reader(sample).name == self.reader

    def test_every_series_is_lazy_with_one_axis_code_per_dim(
        self, sources: list[SourceImage]
    ) -> None:
        assert sources
        for source in sources:
            assert source.levels
            for level in source.levels:
                assert isinstance(level, da.Array)
                assert len(source.axes) == level.ndim
            assert source.axes == source.axes.upper()

    def test_levels_get_smaller(self, sources: list[SourceImage]) -> None:
        for source in sources:
            shapes = [level.shape for level in source.levels]
            for finer, coarser in itertools.pairwise(shapes):
                assert all(c <= f for c, f in zip(coarser, finer, strict=True))

    def test_calibration_uses_spec_dims_and_units(self, sources: list[SourceImage]) -> None:
        for source in sources:
            assert set(source.scale) <= set(DIMS)
            assert all(np.isfinite(v) and v > 0 for v in source.scale.values())
            for dim, unit in source.units.items():
                assert unit in (TIME_UNITS if dim == "t" else SPACE_UNITS), (dim, unit)
            if source.channel_colors is not None:
                assert all(len(c) == 6 for c in source.channel_colors)

    def test_a_region_reads_as_the_same_part_of_the_whole(self, sources: list[SourceImage]) -> None:
        level = sources[0].levels[0]
        whole = np.asarray(level.compute())
        key = tuple(slice(n // 3, max(n // 3 + 1, 2 * n // 3)) for n in level.shape)
        np.testing.assert_array_equal(np.asarray(level[key].compute()), whole[key])
