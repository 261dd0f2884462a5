"""open_array: region reads and writes of one stored array (create first, fill later)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import dask.array as da
import numpy as np
import pytest

import ngff_zarr as nz


@pytest.mark.parametrize(("version", "shards"), [("0.4", None), ("0.5", None), ("0.5", 2)])
def test_fill_a_store_slab_by_slab(tmp_path: Path, version: str, shards: int | None) -> None:
    shape, chunks = (1, 32, 48, 48), (1, 8, 16, 16)
    placeholder = da.zeros(shape, dtype="float32", chunks=chunks)
    image = nz.to_ngff_image(placeholder, dims=["c", "z", "y", "x"])
    ms = nz.to_multiscales(image, scale_factors=[], chunks={"c": 1, "z": 8, "y": 16, "x": 16})
    path = tmp_path / "vol.ome.zarr"
    nz.to_ngff_zarr(path, ms, version=version, chunks_per_shard=shards)
    level0 = nz.open_array(path, ms.metadata.datasets[0].path)
    assert (level0.shape, level0.dtype, level0.chunks, level0.ndim) == (
        shape, np.dtype("float32"), chunks, 4,
    )  # fmt: skip
    assert level0.zarr_format == (2 if version == "0.4" else 3)
    expected = np.zeros(shape, "float32")
    for z in range(0, 16, 8):  # two slabs written, the rest never
        slab = np.full((1, 8, 48, 48), z + 1, "float32")
        level0[:, z : z + 8] = slab
        expected[:, z : z + 8] = slab
    np.testing.assert_array_equal(level0[:], expected)
    np.testing.assert_array_equal(level0.to_dask().compute(), expected)
    np.testing.assert_array_equal(nz.from_ngff_zarr(path).images[0].data.compute(), expected)
    assert nz.validate(path).valid


def test_read_only_over_http_and_missing_arrays(
    tmp_path: Path, http_server: Callable[[Path], str]
) -> None:
    data = np.arange(64 * 64, dtype="uint16").reshape(64, 64)
    ms = nz.to_multiscales(nz.to_ngff_image(data), scale_factors=[2])
    nz.to_ngff_zarr(tmp_path / "a.ome.zarr", ms, version="0.5")
    url = http_server(tmp_path) + "/a.ome.zarr"
    remote = nz.open_array(url, ms.metadata.datasets[1].path)
    np.testing.assert_array_equal(remote[:], ms.images[1].data.compute())
    with pytest.raises(nz.WriteError, match="read-only"):
        remote[0:1] = 0
    with pytest.raises(nz.ArrayNotFoundError, match="no array here"):
        nz.open_array(tmp_path / "a.ome.zarr", "nothing")
