"""append: a stored image grows along t, c or z in place, its pyramid equal to a full rewrite."""

from __future__ import annotations

from pathlib import Path

import dask.array as da
import numpy as np
import pytest
import zarr
from _editing_helpers import levels, same_levels, write

import ngff_zarr as nz
from ngff_zarr._editing.journal import NAMESPACE, pending
from ngff_zarr._io.documents import group_attributes

RNG = np.random.default_rng(11)


def _frames(shape: tuple[int, ...]) -> np.ndarray:
    return RNG.integers(0, 4000, shape, dtype=np.uint16)


def test_time_points_one_at_a_time(tmp_path: Path) -> None:
    """Frames appended as they come equal the series written at once, every level."""
    movie = _frames((6, 8, 24, 24))
    dims = ("t", "z", "y", "x")
    path, whole = tmp_path / "movie.ome.zarr", tmp_path / "whole.ome.zarr"
    write(path, movie[:1], dims, method="gaussian", chunks={"t": 1, "z": 8, "y": 8, "x": 8})
    nz.append(path, movie[1])  # one frame, without its t dim
    nz.append(path, movie[2:5])  # several at once
    nz.append(path, da.from_array(movie[5:], chunks=(1, 4, 12, 12)), dim="t")
    write(whole, movie, dims, method="gaussian", chunks={"t": 1, "z": 8, "y": 8, "x": 8})
    assert [a.shape[0] for a in levels(path)] == [6, 6, 6]
    assert same_levels(path, whole) == [True, True, True]
    assert nz.from_ngff_zarr(path).metadata == nz.from_ngff_zarr(whole).metadata
    assert NAMESPACE not in group_attributes(zarr.storage.LocalStore(path), "")[1]


@pytest.mark.parametrize("method", ["gaussian", "itkwasm_gaussian", "mode"])
def test_planes_along_z(tmp_path: Path, method: str) -> None:
    """Along a downsampled dim: the old edge pixels, padded before, are recomputed too."""
    stack = _frames((27, 20, 24))
    path, whole = tmp_path / "stack.ome.zarr", tmp_path / "whole.ome.zarr"
    write(path, stack[:19], ("z", "y", "x"), method=method)
    nz.append(path, stack[19:26], dim="z")
    nz.append(path, stack[26], dim="z")
    write(whole, stack, ("z", "y", "x"), method=method)
    assert [a.shape for a in levels(path)] == [(27, 20, 24), (13, 10, 12), (6, 5, 6)]
    assert same_levels(path, whole) == [True, True, True]


@pytest.mark.parametrize("version", ["0.4", "0.5"])
def test_channels(tmp_path: Path, version: str) -> None:
    """Along c: new omero channels (given names and colours, or defaults); valid strictly."""
    image = nz.to_ngff_image(
        _frames((2, 16, 16)), dims=("c", "y", "x"), channel_names=["DAPI", "GFP"]
    )
    path = tmp_path / "cells.ome.zarr"
    nz.to_ngff_zarr(path, nz.to_multiscales(image, scale_factors=[2]), version=version)  # type: ignore[arg-type]
    nz.append(path, _frames((16, 16)), dim="c", channel_names=["RFP"], channel_colors=["FF0000"])
    nz.append(path, _frames((2, 16, 16)), dim="c")
    back = nz.from_ngff_zarr(path)
    assert back.images[0].shape == (5, 16, 16)
    assert back.images[0].channel_names == ["DAPI", "GFP", "RFP", "Channel 3", "Channel 4"]
    assert back.images[0].channel_colors is not None
    assert back.images[0].channel_colors[2] == "FF0000"
    assert nz.validate(path, strict=True).valid


def test_interrupted_append_is_finished_by_appending_again(tmp_path: Path) -> None:
    movie = _frames((4, 16, 16))
    path, whole = tmp_path / "movie.ome.zarr", tmp_path / "whole.ome.zarr"
    write(path, movie[:2], ("t", "y", "x"), method="local_mean", chunks={"t": 1, "y": 8, "x": 8})
    frames = movie[2:]

    def fail(block: np.ndarray, block_info: dict | None = None) -> np.ndarray:  # type: ignore[type-arg]
        if block_info is not None and block_info[None]["chunk-location"][0] == 1:
            raise OSError("camera disconnected")
        return block

    with pytest.raises(OSError, match="camera"):
        nz.append(path, da.from_array(frames, chunks=(1, 16, 16)).map_blocks(fail, dtype="uint16"))
    marks = pending(group_attributes(zarr.storage.LocalStore(path), "")[1])
    assert [(m["op"], m["start"], m["stop"]) for m in marks] == [("append", 2, 4)]
    assert levels(path)[0].shape == (4, 16, 16)  # grown, and still reads
    with pytest.raises(nz.NgffValueError, match=r"interrupted append of 2 along 't' at \[2, 4\)"):
        nz.append(path, frames[:1])
    nz.append(path, frames)  # the same append again: written at 2, not after 4
    write(whole, movie, ("t", "y", "x"), method="local_mean", chunks={"t": 1, "y": 8, "x": 8})
    assert same_levels(path, whole) == [True, True, True]
    assert not pending(group_attributes(zarr.storage.LocalStore(path), "")[1])


@pytest.mark.parametrize(
    ("data", "dim", "kwargs", "match"),
    [
        (np.zeros((1, 8, 8), "uint16"), "c", {}, r"dim: expected one of the image dims \['t', "),
        (np.zeros((1, 8, 9), "uint16"), "t", {}, r"sizes \{'y': 8, 'x': 8\}, got \{'x': 9\}"),
        (np.zeros((0, 8, 8), "uint16"), "t", {}, "nothing to append along 't'"),
        (np.zeros((8,), "uint16"), "t", {}, r"data: expected 3 dims"),
        (np.zeros((1, 8, 8), "int32"), "t", {}, "dtype int32 does not convert"),
        (np.zeros((1, 8, 8), "uint16"), "t", {"channel_names": ["a"]}, "only for an append along"),
    ],
)
def test_bad_arguments(
    tmp_path: Path, data: np.ndarray, dim: str, kwargs: dict[str, object], match: str
) -> None:
    path = tmp_path / "movie.ome.zarr"
    write(path, _frames((2, 8, 8)), ("t", "y", "x"), method="gaussian")
    with pytest.raises(nz.NgffValueError, match=match):
        nz.append(path, data, dim, **kwargs)  # type: ignore[arg-type]
    assert levels(path)[0].shape == (2, 8, 8)


def test_channel_names_must_match_the_count(tmp_path: Path) -> None:
    path = tmp_path / "cells.ome.zarr"
    write(path, _frames((2, 8, 8)), ("c", "y", "x"), method="gaussian", scale_factors=[2])
    with pytest.raises(nz.NgffValueError, match=r"channel_names: expected one per appended"):
        nz.append(path, _frames((2, 8, 8)), "c", channel_names=["one"])
