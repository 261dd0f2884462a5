"""derive_image: an empty image with the geometry of a stored one."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import zarr

import ngff_zarr as nz


def _source(path: Path, version: str = "0.5") -> nz.Multiscales:
    image = nz.to_ngff_image(
        np.ones((2, 8, 48, 40), "uint16"),
        dims=("c", "z", "y", "x"),
        scale={"z": 2.0, "y": 0.5, "x": 0.5},
        translation={"z": 4.0, "y": 1.0, "x": 1.0},
        axes_units={"z": "micrometer", "y": "micrometer", "x": "micrometer"},
        channel_names=["DAPI", "GFP"],
    )
    ms = nz.to_multiscales(image, scale_factors=[2, 4], chunks=8, method="local_mean")
    nz.to_ngff_zarr(path, ms, version=version, chunks_per_shard=2 if version == "0.5" else None)  # type: ignore[arg-type]
    return ms


@pytest.mark.parametrize("version", ["0.4", "0.5"])
def test_same_geometry_no_pixels(tmp_path: Path, version: str) -> None:
    source, derived = tmp_path / "raw.ome.zarr", tmp_path / "out.ome.zarr"
    _source(source, version)
    nz.derive_image(source, derived)
    a, b = nz.from_ngff_zarr(source), nz.from_ngff_zarr(derived)
    assert a.metadata == b.metadata
    for x, y in zip(a.images, b.images, strict=True):
        assert (x.shape, x.dtype, x.scale, x.translation) == (
            y.shape,
            y.dtype,
            y.scale,
            y.translation,
        )
        assert not y.data.compute().any()
    group_a, group_b = zarr.open_group(source, mode="r"), zarr.open_group(derived, mode="r")
    for ds in a.metadata.datasets:
        arr_a, arr_b = group_a[ds.path], group_b[ds.path]
        assert (arr_a.chunks, getattr(arr_a, "shards", None)) == (
            arr_b.chunks,
            getattr(arr_b, "shards", None),
        )
    assert not [p for p in derived.rglob("c") if p.is_dir()]  # no chunk written
    assert nz.validate(derived, strict=True).valid


def test_other_dtype_channels_name_and_method(tmp_path: Path) -> None:
    source, derived = tmp_path / "raw.ome.zarr", tmp_path / "out.ome.zarr"
    _source(source)
    nz.derive_image(source, derived, dtype="uint8", channel_names=["mask"], name="masks",
                    method="nearest")  # fmt: skip
    back = nz.from_ngff_zarr(derived)
    assert [im.shape for im in back.images] == [(1, 8, 48, 40), (1, 4, 24, 20), (1, 2, 12, 10)]
    assert back.images[0].dtype == np.uint8
    assert back.images[0].channel_names == ["mask"]
    assert back.metadata.name == "masks"
    assert back.metadata.type == "nearest"
    assert back.metadata.omero is not None
    assert back.metadata.omero.channels[0].window.max == 255.0
    assert nz.validate(derived, strict=True).valid


def test_refusals(tmp_path: Path) -> None:
    source, derived = tmp_path / "raw.ome.zarr", tmp_path / "out.ome.zarr"
    _source(source)
    nz.derive_image(source, derived)
    with pytest.raises(nz.StoreExistsError):
        nz.derive_image(source, derived)
    nz.derive_image(source, derived, overwrite=True, dtype="float32")
    assert nz.from_ngff_zarr(derived).images[0].dtype == np.float32
    with pytest.raises(nz.NgffValueError, match="channel_names: expected a non-empty list"):
        nz.derive_image(source, tmp_path / "x.ome.zarr", channel_names=[])
    flat = tmp_path / "flat.ome.zarr"
    nz.to_ngff_zarr(flat, nz.to_multiscales(np.zeros((16, 16), "uint8"), scale_factors=[2]))
    with pytest.raises(nz.NgffValueError, match="channel_names: the image has no 'c' dim"):
        nz.derive_image(flat, tmp_path / "y.ome.zarr", channel_names=["a"])
    assert not (tmp_path / "y.ome.zarr").exists()
