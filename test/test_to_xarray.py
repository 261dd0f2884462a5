"""to_xarray: an NgffImage is a spatial-image DataArray, a Multiscales a multiscale DataTree."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import dask
import dask.array as da
import numpy as np
import pytest

import ngff_zarr as nz
from ngff_zarr.errors import DependencyError, NgffValueError

xr = pytest.importorskip("xarray")


class ComputeForbidden(AssertionError):
    pass


def _forbid(*args: Any, **kwargs: Any) -> Any:
    raise ComputeForbidden("a dask graph was computed")


@contextmanager
def nothing_computed() -> Iterator[None]:
    """Every dask computation inside raises: what runs inside must stay lazy."""
    with dask.config.set(scheduler=_forbid):
        yield


def _image(**kwargs: Any) -> nz.NgffImage:
    data = da.arange(2 * 3 * 4 * 6, dtype="uint16").reshape(2, 3, 4, 6)
    return nz.NgffImage(
        data,
        ("c", "z", "y", "x"),
        {"z": 2.0, "y": 0.3, "x": 0.5},
        {"z": -1.0, "x": 0.1},
        name="cells",
        axes_units={"z": "micrometer", "y": "micrometer", "x": "micrometer"},
        channel_names=["DAPI", "GFP"],
        channel_colors=["0000FF", "00FF00"],
        **kwargs,
    )


def test_dims_name_and_pixel_centre_coordinates() -> None:
    image = _image()
    array = nz.to_xarray(image)
    assert array.dims == ("c", "z", "y", "x") and array.name == "cells"
    assert array.shape == (2, 3, 4, 6) and array.dtype == np.uint16
    # pixel i's centre is at translation + scale * i
    np.testing.assert_allclose(array.coords["z"], [-1.0, 1.0, 3.0])
    np.testing.assert_allclose(array.coords["y"], [0.0, 0.3, 0.6, 0.9])
    np.testing.assert_allclose(array.coords["x"], 0.1 + 0.5 * np.arange(6))
    assert array.coords["x"].dtype == np.float64
    assert array.coords["c"].values.tolist() == ["DAPI", "GFP"]
    assert array.coords["channel_color"].dims == ("c",)
    assert array.coords["channel_color"].values.tolist() == ["0000FF", "00FF00"]
    for dim in ("z", "y", "x"):
        assert array.coords[dim].attrs["units"] == "micrometer"
        assert array.coords[dim].attrs["long_name"] == dim
    assert array.coords["c"].attrs["units"] == ""
    assert array.coords["x"].attrs["scale"] == 0.5
    # the same dask array, not a copy
    assert array.data is image.data


def test_a_spatial_image_by_spatial_images_own_check() -> None:
    spatial_image = pytest.importorskip("spatial_image")
    image = nz.to_ngff_image(np.zeros((3, 5, 7), "float32"), dims=("z", "y", "x"))
    assert spatial_image.is_spatial_image(nz.to_xarray(image))


def test_same_coordinates_as_spatial_image_makes() -> None:
    """spatial-image's own constructor, given the same metadata, makes the same coordinates."""
    spatial_image = pytest.importorskip("spatial_image")
    image = _image()
    ours = nz.to_xarray(image)
    theirs = spatial_image.to_spatial_image(
        image.data,
        dims=image.dims,
        scale={d: image.scale[d] for d in "zyx"},
        translation={d: image.translation[d] for d in "zyx"},
        name=image.name,
        axis_units=image.axes_units,
        c_coords=image.channel_names,
    )
    assert ours.name == theirs.name and ours.dims == theirs.dims
    for dim in image.dims:
        np.testing.assert_array_equal(ours.coords[dim].values, theirs.coords[dim].values)
        assert ours.coords[dim].attrs["units"] == theirs.coords[dim].attrs["units"]
        assert ours.coords[dim].attrs["long_name"] == theirs.coords[dim].attrs["long_name"]


def test_nothing_is_computed() -> None:
    image = _image()
    multiscales = nz.to_multiscales(image, scale_factors=[2])
    with nothing_computed():
        array = nz.to_xarray(image)
        tree = nz.to_xarray(multiscales)
        assert isinstance(array.data, da.Array)
        assert all(isinstance(tree[f"scale{i}/cells"].data, da.Array) for i in range(2))
    with pytest.raises(ComputeForbidden), nothing_computed():
        array.values  # noqa: B018 - the guard itself works


def test_tree_layout_of_multiscale_spatial_image() -> None:
    multiscales = nz.to_multiscales(_image(), scale_factors=[{"y": 2, "x": 2}, {"y": 4, "x": 4}])
    tree = nz.to_xarray(multiscales)
    assert sorted(tree.children) == ["scale0", "scale1", "scale2"]
    for i, level in enumerate(multiscales.images):
        node = tree[f"scale{i}"]
        assert list(node.data_vars) == ["cells"]
        array = node["cells"]
        assert array.shape == level.shape and array.data is level.data
        np.testing.assert_allclose(
            array.coords["x"],
            level.translation["x"] + level.scale["x"] * np.arange(level.shape[-1]),
        )
    # level 1's pixels are twice as wide, and their centres move by half a fine pixel
    assert tree["scale1/cells"].coords["x"].values[0] == pytest.approx(0.1 + 0.25)
    multiscale = tree.attrs["multiscales"][0]
    assert [a["name"] for a in multiscale["axes"]] == ["c", "z", "y", "x"]
    assert len(multiscale["datasets"]) == 3
    assert multiscales.method is not None
    assert tree.attrs["ngff_zarr"]["method"] == multiscales.method.value


def test_attrs_are_json() -> None:
    """The metadata in attrs is plain JSON, so the tree can be saved by xarray."""
    tree = nz.to_xarray(nz.to_multiscales(_image(), scale_factors=[2]))
    json.dumps(dict(tree.attrs))
    for node in tree.subtree:
        for variable in node.variables.values():
            json.dumps(dict(variable.attrs))


# xarray saves the channel names as fixed-length strings, which zarr says are not in its spec
@pytest.mark.filterwarnings("ignore:The data type .* does not have a Zarr V3 specification")
def test_a_tree_saved_by_xarray_opens_again(tmp_path: Path) -> None:
    """xarray writes the tree to Zarr and reads it back; from_xarray gives the same pyramid."""
    pytest.importorskip("zarr")
    multiscales = nz.to_multiscales(_image(), scale_factors=[2])
    nz.to_xarray(multiscales).to_zarr(tmp_path / "tree.zarr", consolidated=False)
    opened = xr.open_datatree(tmp_path / "tree.zarr", engine="zarr", consolidated=False)
    back = nz.from_xarray(opened)
    assert back.metadata == multiscales.metadata
    assert back.scale_factors == multiscales.scale_factors and back.method == multiscales.method
    for ours, theirs in zip(multiscales.images, back.images, strict=True):
        assert (theirs.dims, theirs.scale, theirs.translation) == (
            ours.dims,
            ours.scale,
            ours.translation,
        )
        assert theirs.channel_names == ours.channel_names
        assert theirs.channel_colors == ours.channel_colors
        np.testing.assert_array_equal(theirs.data.compute(), ours.data.compute())


def test_channel_metadata_without_a_c_dim_is_in_attrs() -> None:
    image = nz.NgffImage(
        da.zeros((2, 2)), ("y", "x"), {}, {}, channel_names=["DAPI"], channel_colors=["0000FF"]
    )
    array = nz.to_xarray(image)
    assert array.attrs == {"channel_names": ["DAPI"], "channel_colors": ["0000FF"]}
    assert nz.from_xarray(array) == image


def test_bad_input_is_refused() -> None:
    with pytest.raises(NgffValueError, match=r"image: expected an NgffImage or a Multiscales"):
        nz.to_xarray(np.zeros((2, 2)))  # type: ignore[call-overload]
    slash = nz.to_multiscales(
        nz.to_ngff_image(np.zeros((8, 8), "uint8"), name="a/b"), scale_factors=[2]
    )
    with pytest.raises(NgffValueError, match=r"name: a DataTree variable name cannot contain"):
        nz.to_xarray(slash)
    clash = nz.to_multiscales(
        nz.to_ngff_image(np.zeros((8, 8), "uint8"), name="x"), scale_factors=[2]
    )
    with pytest.raises(
        NgffValueError, match=r"cannot share its name with a coordinate \['x', 'y'\]"
    ):
        nz.to_xarray(clash)
    assert nz.to_xarray(clash.images[0]).name == "x"  # a DataArray can


def test_without_xarray_says_how_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "xarray", None)  # as if not installed: import fails
    image = nz.to_ngff_image(np.zeros((2, 2), "uint8"))
    with pytest.raises(DependencyError, match=r"pip install 'ngff-zarr\[xarray\]'"):
        nz.to_xarray(image)
    with pytest.raises(DependencyError, match=r"pip install 'ngff-zarr\[xarray\]'"):
        nz.from_xarray(object())  # type: ignore[call-overload]
