"""The contract of an array writer backend (see :class:`WriterContract`)."""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar

import numpy as np
import pytest
import zarr

from .._writers import ArraySpec, LevelArray, get_backend

__all__ = ["WriterContract"]


class WriterContract:
    """Tests every registered writer backend must pass.

    Subclasses set ``backend`` (its registry name). Arrays are written into a local directory
    and read back with zarr-python, which every backend's output must open.
    """

    backend: ClassVar[str]

    def _create(
        self,
        root: Path,
        *,
        zarr_format: int,
        shape: tuple[int, ...] = (10, 33, 40),
        chunks: tuple[int, ...] = (4, 16, 16),
        shards: tuple[int, ...] | None = None,
        dtype: str = "uint16",
    ) -> tuple[zarr.Group, LevelArray, ArraySpec]:
        group = zarr.open_group(zarr.storage.LocalStore(root), mode="w", zarr_format=zarr_format)  # type: ignore[arg-type]
        writer = get_backend(self.backend, group=group, root=root, group_path="")
        spec = ArraySpec(
            path="level",
            shape=shape,
            dtype=np.dtype(dtype),
            chunks=chunks,
            shards=shards,
            dims=("z", "y", "x"),
            zarr_format=zarr_format,
        )
        return group, writer.create(spec), spec

    @pytest.mark.parametrize("zarr_format", [2, 3])
    def test_regions_written_read_back(self, tmp_path: Path, zarr_format: int) -> None:
        _, array, spec = self._create(tmp_path, zarr_format=zarr_format)
        data = np.arange(np.prod(spec.shape), dtype=spec.dtype).reshape(spec.shape)
        for z in (slice(0, 4), slice(4, 10)):
            array.write((z, slice(0, 33), slice(0, 40)), data[z])
        np.testing.assert_array_equal(array.read((slice(0, 10), slice(0, 33), slice(0, 40))), data)
        stored = zarr.open_array(tmp_path / "level", mode="r")
        np.testing.assert_array_equal(stored[...], data)

    @pytest.mark.parametrize("zarr_format", [2, 3])
    def test_unwritten_chunks_read_as_zero(self, tmp_path: Path, zarr_format: int) -> None:
        _, array, spec = self._create(tmp_path, zarr_format=zarr_format)
        array.write((slice(0, 4), slice(0, 16), slice(0, 16)), np.ones((4, 16, 16), spec.dtype))
        stored = np.asarray(zarr.open_array(tmp_path / "level", mode="r")[...])
        assert stored[:4, :16, :16].all()
        assert not stored[4:].any()

    def test_chunks_shards_and_dims_on_disk(self, tmp_path: Path) -> None:
        self._create(tmp_path, zarr_format=3, chunks=(2, 8, 8), shards=(4, 16, 16))
        stored = zarr.open_array(tmp_path / "level", mode="r")
        assert stored.chunks == (2, 8, 8)
        assert stored.shards == (4, 16, 16)
        assert getattr(stored.metadata, "dimension_names", None) == ("z", "y", "x")
        assert stored.shape == (10, 33, 40)

    def test_v2_layout_uses_slash_chunk_keys(self, tmp_path: Path) -> None:
        _, array, spec = self._create(tmp_path, zarr_format=2)
        array.write((slice(0, 4), slice(0, 16), slice(0, 16)), np.ones((4, 16, 16), spec.dtype))
        assert (tmp_path / "level" / "0" / "0" / "0").is_file()
        assert zarr.open_array(tmp_path / "level", mode="r").chunks == (4, 16, 16)

    @pytest.mark.parametrize("zarr_format", [2, 3])
    @pytest.mark.parametrize("dtype", ["uint8", "int16", "uint32", "float32", "float64", "bool"])
    def test_dtypes_round_trip(self, tmp_path: Path, dtype: str, zarr_format: int) -> None:
        _, array, spec = self._create(
            tmp_path, zarr_format=zarr_format, shape=(4, 8, 8), dtype=dtype
        )
        data = (np.arange(4 * 8 * 8).reshape(spec.shape) % 7).astype(dtype)
        array.write((slice(0, 4), slice(0, 8), slice(0, 8)), data)
        stored = zarr.open_array(tmp_path / "level", mode="r")
        assert stored.dtype == np.dtype(dtype)
        np.testing.assert_array_equal(stored[...], data)
