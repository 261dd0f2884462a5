"""concatenate: strict and pad policies, physical-size checks, provenance, real files."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from ngff_zarr.concatenate import concatenate
from ngff_zarr.errors import InvalidDimsError, NgffValueError
from ngff_zarr.read_image import read_image
from ngff_zarr.to_ngff_image import to_ngff_image

tifffile = pytest.importorskip("tifffile")


def _write(path: Path, data: np.ndarray, size: float = 0.5) -> Path:
    tifffile.imwrite(
        path,
        data,
        imagej=True,
        resolution=(1 / size, 1 / size),
        metadata={"axes": "ZYX", "unit": "um", "spacing": 2.0},
    )
    return path


def test_strict_along_z_and_t_from_files(tmp_path: Path) -> None:
    a = np.full((2, 16, 16), 1, "uint16")
    b = np.full((3, 16, 16), 2, "uint16")
    images = [read_image(_write(tmp_path / "a.tif", a)), read_image(_write(tmp_path / "b.tif", b))]
    merged = concatenate(images, axis="z")
    assert merged.dims == ("z", "y", "x")
    np.testing.assert_array_equal(merged.data.compute(), np.concatenate([a, b]))
    assert merged.scale == {"z": 2.0, "y": 0.5, "x": 0.5}
    assert merged.provenance is not None
    sources = merged.provenance["concatenated"]["sources"]
    assert sources == [str(tmp_path / "a.tif"), str(tmp_path / "b.tif")]
    over_time = concatenate(images[:1] * 3, axis="t")
    assert over_time.dims == ("t", "z", "y", "x")
    assert over_time.shape == (3, 2, 16, 16)


def test_pad_policy_zero_pads(tmp_path: Path) -> None:
    a = to_ngff_image(np.ones((4, 6), "uint8"))
    b = to_ngff_image(np.full((5, 3), 7, "uint8"))
    with pytest.raises(NgffValueError, match="policy 'strict'"):
        concatenate([a, b], axis="t")
    merged = concatenate([a, b], axis="t", policy="pad")
    assert merged.shape == (2, 5, 6)
    out = merged.data.compute()
    assert out[0, 4].sum() == 0  # padded row
    assert out[1, :, 3:].sum() == 0  # padded columns
    assert out[1, :5, :3].min() == 7


def test_physical_size_mismatch_names_the_file(tmp_path: Path) -> None:
    a = read_image(_write(tmp_path / "a.tif", np.zeros((2, 8, 8), "uint8")))
    b = read_image(_write(tmp_path / "odd.tif", np.zeros((2, 8, 8), "uint8"), size=0.25))
    with pytest.raises(NgffValueError, match=r"odd\.tif has pixel size 0\.25 along 'y'"):
        concatenate([a, b], axis="z")
    with pytest.raises(InvalidDimsError, match="axis"):
        concatenate([a, a], axis="y")  # type: ignore[arg-type]


def test_channels_join_names_and_colors() -> None:
    a = to_ngff_image(np.zeros((2, 4, 4), "uint8"), dims=("c", "y", "x"))
    b = to_ngff_image(np.zeros((1, 4, 4), "uint8"), dims=("c", "y", "x"))
    a = replace(a, channel_names=["DAPI", "GFP"], channel_colors=["0000FF", "00FF00"])
    b = replace(b, channel_names=["RFP"], channel_colors=["FF0000"])
    merged = concatenate([a, b], axis="c")
    assert merged.channel_names == ["DAPI", "GFP", "RFP"]
    assert merged.channel_colors == ["0000FF", "00FF00", "FF0000"]
    with pytest.raises(NgffValueError, match="dtype"):
        concatenate(
            [a, to_ngff_image(np.zeros((1, 4, 4), "uint16"), dims=("c", "y", "x"))], axis="c"
        )


def test_real_nd2_files_with_different_dims_refuse_to_merge(testdata: Path) -> None:
    zstack = read_image(testdata / "nd2/example-zstack.nd2")
    timelapse = read_image(testdata / "nd2/example-timelapse.nd2")
    with pytest.raises(InvalidDimsError, match=r"example-timelapse\.nd2 has dims"):
        concatenate([zstack, timelapse], axis="t")
