"""The metadata-only primitives behind in-place edits: array growth, consolidated metadata."""

from __future__ import annotations

import warnings
from pathlib import Path

import numpy as np
import pytest
import zarr

from ngff_zarr._io.edit import grow_array, refresh_consolidated
from ngff_zarr.errors import MetadataNotFoundError, NgffValueError


@pytest.mark.parametrize("zarr_format", [2, 3])
def test_grow_keeps_chunks_and_refreshes_consolidated(tmp_path: Path, zarr_format: int) -> None:
    root = zarr.open_group(tmp_path / "g.zarr", mode="w", zarr_format=zarr_format)  # type: ignore[arg-type]
    array = root.create_array("a/b", shape=(2, 4), chunks=(1, 4), dtype="uint8")
    array[:] = np.arange(8, dtype="uint8").reshape(2, 4)
    with warnings.catch_warnings():  # zarr: consolidated metadata is not in the v3 spec
        warnings.simplefilter("ignore", UserWarning)
        zarr.consolidate_metadata(root.store)
    store = zarr.storage.LocalStore(tmp_path / "g.zarr")
    grow_array(store, "a/b", (5, 4))
    assert zarr.open_array(store, path="a/b", mode="r").shape == (5, 4)
    stale = zarr.open_group(store, mode="r", use_consolidated=True)
    assert stale["a/b"].shape == (2, 4)  # until the consolidated copy is refreshed
    refresh_consolidated(store, "", ["a/b"])
    fresh = zarr.open_group(store, mode="r", use_consolidated=True)
    assert fresh["a/b"].shape == (5, 4)
    assert np.array_equal(fresh["a/b"][:2], np.arange(8).reshape(2, 4))
    assert not fresh["a/b"][2:].any()


def test_grow_refuses_shrinking_and_missing_arrays(tmp_path: Path) -> None:
    root = zarr.open_group(tmp_path / "g.zarr", mode="w")
    root.create_array("a", shape=(3, 3), chunks=(3, 3), dtype="uint8")
    store = zarr.storage.LocalStore(tmp_path / "g.zarr")
    with pytest.raises(NgffValueError, match=r"none below \[3, 3\], got \[2, 3\]"):
        grow_array(store, "a", (2, 3))
    with pytest.raises(NgffValueError, match="expected 2 dims"):
        grow_array(store, "a", (3, 3, 1))
    with pytest.raises(MetadataNotFoundError, match="no Zarr array"):
        grow_array(store, "missing", (3, 3))


def test_append_refreshes_a_consolidated_store(tmp_path: Path) -> None:
    """A reader of the consolidated metadata sees the grown shapes of every level."""
    import ngff_zarr as nz

    path = tmp_path / "movie.ome.zarr"
    first = nz.to_ngff_image(np.zeros((1, 16, 16), "uint8"), dims=("t", "y", "x"))
    nz.to_ngff_zarr(path, nz.to_multiscales(first, scale_factors=[2]), version="0.5")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        zarr.consolidate_metadata(zarr.storage.LocalStore(path))
    nz.append(path, np.ones((2, 16, 16), "uint8"))
    group = zarr.open_group(path, mode="r", use_consolidated=True)
    paths = [ds.path for ds in nz.from_ngff_zarr(path).metadata.datasets]
    assert [group[p].shape for p in paths] == [(3, 16, 16), (3, 8, 8)]
