"""from_xarray: spatial-image DataArrays and multiscale DataTrees back to NgffImage/Multiscales.

Round trips through to_xarray are the identity (property tests), lazily all the way.
"""

from __future__ import annotations

from dataclasses import fields, replace
from pathlib import Path
from typing import Any

import dask.array as da
import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_to_xarray import nothing_computed

import ngff_zarr as nz
from ngff_zarr.errors import InvalidDimsError, NgffValueError
from ngff_zarr.vocab import SPACE_UNITS, TIME_UNITS

xr = pytest.importorskip("xarray")

_DIM_ORDERS = [("y", "x"), ("z", "y", "x"), ("c", "y", "x"), ("t", "c", "z", "y", "x"), ("t", "x")]
_positive = st.floats(1e-4, 1e4, allow_nan=False, allow_infinity=False)
_finite = st.floats(-1e5, 1e5, allow_nan=False, allow_infinity=False)
_name = st.text(st.characters(codec="utf-8", exclude_characters="/"), min_size=1, max_size=12)


@st.composite
def images(draw: st.DrawFn) -> nz.NgffImage:
    dims = draw(st.sampled_from(_DIM_ORDERS))
    shape = tuple(draw(st.integers(1, 3 if d in "tc" else 9)) for d in dims)
    channels = shape[dims.index("c")] if "c" in dims else 1
    units: dict[str, str] = {}
    for d in dims:
        if d in "zyx" and draw(st.booleans()):
            units[d] = draw(st.sampled_from(sorted(SPACE_UNITS)))
        elif d == "t" and draw(st.booleans()):
            units[d] = draw(st.sampled_from(sorted(TIME_UNITS)))
    orientations = {
        d: nz.AnatomicalOrientation(draw(st.sampled_from(list(nz.AnatomicalOrientationValues))))
        for d in dims
        if d in "zyx" and draw(st.booleans())
    }
    return nz.NgffImage(
        da.zeros(shape, dtype=draw(st.sampled_from(["uint8", "uint16", "float32"]))),
        dims,
        {d: draw(_positive) for d in dims if draw(st.booleans())},
        {d: draw(_finite) for d in dims if draw(st.booleans())},
        name=draw(_name),
        axes_units=units or None,
        axes_orientations=orientations or None,
        channel_names=draw(st.none() | st.lists(_name, min_size=channels, max_size=channels)),
        channel_colors=draw(
            st.none()
            | st.lists(
                st.from_regex(r"[0-9A-F]{6}", fullmatch=True), min_size=channels, max_size=channels
            )
        ),
    )


def _assert_same_image(back: nz.NgffImage, image: nz.NgffImage) -> None:
    for f in fields(nz.NgffImage):
        ours, theirs = getattr(image, f.name), getattr(back, f.name)
        if f.name == "data":
            assert theirs is ours  # the same dask array: nothing copied, nothing computed
        else:
            assert theirs == ours, f.name


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(image=images())
def test_image_round_trip_is_lossless(image: nz.NgffImage) -> None:
    with nothing_computed():
        back = nz.from_xarray(nz.to_xarray(image))
    _assert_same_image(back, image)
    assert back == image


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    image=images(),
    factors=st.lists(st.sampled_from([2, 3]), min_size=1, max_size=2),
    method=st.sampled_from([nz.Methods.GAUSSIAN, nz.Methods.NEAREST]),
    as_ints=st.booleans(),
    root=st.none() | st.dictionaries(st.sampled_from(["a", "b"]), st.integers(0, 9), min_size=1),
)
def test_multiscales_round_trip_is_lossless(
    image: nz.NgffImage,
    factors: list[int],
    method: nz.Methods,
    as_ints: bool,
    root: dict[str, int] | None,
) -> None:
    spatial = [d for d in image.dims if d in "zyx"]
    levels, total = [], 1
    for f in factors:
        total *= f
        if any(image.sizes[d] // total < 1 for d in spatial):
            break
        levels.append(dict.fromkeys(spatial, total))
    if not levels or image.name in (*image.dims, "channel_color"):
        return  # a tree variable cannot be named as a coordinate (test_to_xarray)
    given: Any = [next(iter(f.values())) for f in levels] if as_ints else levels
    multiscales = nz.to_multiscales(image, scale_factors=given, method=method)
    multiscales.root_attributes = root
    with nothing_computed():
        back = nz.from_xarray(nz.to_xarray(multiscales))
    assert back.metadata == multiscales.metadata
    assert back.scale_factors == multiscales.scale_factors
    assert back.method == multiscales.method and back.chunks == multiscales.chunks
    assert back.root_attributes == multiscales.root_attributes
    for ours, theirs in zip(multiscales.images, back.images, strict=True):
        _assert_same_image(theirs, ours)
    assert back == multiscales


def test_a_store_read_and_written_through_xarray_keeps_pixels_and_metadata(
    tmp_path: Path,
) -> None:
    """Store -> Multiscales -> DataTree -> Multiscales -> store: same pixels, same metadata."""
    rng = np.random.default_rng(0)
    volume = rng.integers(0, 4000, (2, 8, 32, 32), dtype=np.uint16)
    image = nz.to_ngff_image(
        volume,
        dims=("c", "z", "y", "x"),
        scale={"z": 2.0, "y": 0.4, "x": 0.4},
        translation={"z": 10.0},
        axes_units={"z": "micrometer", "y": "micrometer", "x": "micrometer"},
        channel_names=["a", "b"],
    )
    nz.to_ngff_zarr(tmp_path / "in.ome.zarr", nz.to_multiscales(image, scale_factors=[2]))
    read = nz.from_ngff_zarr(tmp_path / "in.ome.zarr")
    with nothing_computed():
        tree = nz.to_xarray(read)
        back = nz.from_xarray(tree)
    # the omero metadata the store was written with travels at the tree's root
    assert [c["label"] for c in tree.attrs["omero"]["channels"]] == ["a", "b"]
    assert tree.attrs["multiscales"][0]["version"] == read.metadata.version
    assert back.metadata == read.metadata
    nz.to_ngff_zarr(tmp_path / "out.ome.zarr", back)
    again = nz.from_ngff_zarr(tmp_path / "out.ome.zarr")
    assert again.metadata.axes == read.metadata.axes
    assert again.metadata.omero == read.metadata.omero
    for ours, theirs in zip(read.images, again.images, strict=True):
        assert (theirs.scale, theirs.translation) == (ours.scale, ours.translation)
        np.testing.assert_array_equal(theirs.data.compute(), ours.data.compute())


def test_a_spatial_image_made_by_spatial_image() -> None:
    spatial_image = pytest.importorskip("spatial_image")
    array = spatial_image.to_spatial_image(
        np.zeros((2, 4, 5), "uint8"),
        dims=("c", "y", "x"),
        scale={"y": 0.5, "x": 2.0},
        translation={"y": 1.0, "x": -3.0},
        name="theirs",
        axis_units={"x": "micrometer", "y": "micrometer"},
        c_coords=["DAPI", "GFP"],
    )
    image = nz.from_xarray(array)
    assert image.dims == ("c", "y", "x") and image.name == "theirs"
    assert image.scale == {"c": 1.0, "y": 0.5, "x": 2.0}
    assert image.translation == {"c": 0.0, "y": 1.0, "x": -3.0}
    assert image.axes_units == {"y": "micrometer", "x": "micrometer"}
    assert image.channel_names == ["DAPI", "GFP"]
    # a default spatial image (integer channel ids, unit-less) has no names and no units
    plain = nz.from_xarray(
        spatial_image.to_spatial_image(np.zeros((3, 4, 4)), dims=("c", "y", "x"))
    )
    assert plain.channel_names is None and plain.axes_units is None
    assert plain.scale == {"c": 1.0, "y": 1.0, "x": 1.0}


def test_a_multiscale_spatial_image_tree_without_our_metadata() -> None:
    """The layout multiscale-spatial-image documents: scaleN/image, coordinates, no root attrs."""
    fine = xr.DataArray(
        da.zeros((8, 8), dtype="uint8"),
        dims=("y", "x"),
        coords={"y": np.arange(8) * 0.5, "x": np.arange(8) * 0.5},
        name="image",
    )
    coarse = fine.coarsen(y=2, x=2).mean()  # xarray's own downsampling: centres move
    tree = xr.DataTree.from_dict(
        {"scale0": xr.Dataset({"image": fine}), "scale1": xr.Dataset({"image": coarse})}
    )
    back = nz.from_xarray(tree)
    assert [im.shape for im in back.images] == [(8, 8), (4, 4)]
    assert back.images[1].scale == {"y": 1.0, "x": 1.0}
    assert back.images[1].translation == {"y": 0.25, "x": 0.25}
    assert back.metadata == nz.multiscales.build_metadata(back.images)
    assert back.scale_factors is None and back.method is None


def test_stale_tree_metadata_is_rebuilt_from_the_levels() -> None:
    image = nz.to_ngff_image(np.zeros((8, 8), "uint8"), scale={"y": 0.5, "x": 0.5})
    tree = nz.to_xarray(nz.to_multiscales(image, scale_factors=[2]))
    # the user transposes every level: the stored axes no longer describe the arrays
    moved = xr.DataTree.from_dict(
        {
            "/": xr.Dataset(attrs=tree.attrs),
            **{f"scale{i}": tree[f"scale{i}"].to_dataset().transpose("x", "y") for i in range(2)},
        }
    )
    back = nz.from_xarray(moved)
    assert back.images[0].dims == ("x", "y")
    assert [a.name for a in back.metadata.axes] == ["x", "y"]


def test_slicing_changes_position_and_spacing_from_the_coordinates() -> None:
    image = nz.NgffImage(da.zeros((6, 10)), ("y", "x"), {"y": 0.3, "x": 0.7}, {"x": 1.0})
    array = nz.to_xarray(image)
    strided = nz.from_xarray(array[:, 1::2])
    assert strided.scale["x"] == pytest.approx(1.4) and strided.translation["x"] == pytest.approx(
        1.7
    )
    shifted = nz.from_xarray(array.isel(y=slice(2, None)))
    assert shifted.scale["y"] == 0.3 and shifted.translation["y"] == pytest.approx(0.6)
    single = nz.from_xarray(array.isel(y=[3]))  # one pixel: the spacing comes from the attrs
    assert single.scale["y"] == 0.3 and single.translation["y"] == pytest.approx(0.9)


def test_a_custom_axis_keeps_its_type() -> None:
    image = nz.NgffImage(
        da.zeros((3, 4, 4)),
        ("angle", "y", "x"),
        {"angle": 15.0},
        {},
        axes_types={"angle": "custom"},
    )
    back = nz.from_xarray(nz.to_xarray(image))
    assert back == image and back.axes_types == {"angle": "custom"}


def test_unitless_dims_and_dims_without_coordinates() -> None:
    array = xr.DataArray(np.zeros((2, 3)), dims=("y", "x"))
    image = nz.from_xarray(array)
    assert (image.scale, image.translation, image.name) == (
        {"y": 1.0, "x": 1.0},
        {"y": 0.0, "x": 0.0},
        "image",
    )
    assert isinstance(image.data, da.Array)


@pytest.mark.parametrize(
    ("coords", "message"),
    [
        ({"x": [0.0, 1.0, 3.0]}, r"coords\['x'\]: expected evenly spaced positions"),
        ({"x": [2.0, 1.0, 0.0]}, r"coords\['x'\]: expected increasing positions"),
        (
            {"x": np.array(["2020-01-01", "2020-01-02", "2020-01-03"], dtype="datetime64[D]")},
            r"coords\['x'\]: expected numbers \(pixel positions\), got dtype datetime64",
        ),
        ({"x": ["a", "b", "c"]}, r"coords\['x'\]: expected numbers"),
    ],
)
def test_bad_coordinates_are_refused(coords: dict[str, Any], message: str) -> None:
    array = xr.DataArray(np.zeros((2, 3)), dims=("y", "x"), coords=coords)
    with pytest.raises(NgffValueError, match=message):
        nz.from_xarray(array)


def test_bad_arrays_and_trees_are_refused() -> None:
    with pytest.raises(NgffValueError, match=r"data: expected an xarray DataArray or DataTree"):
        nz.from_xarray(np.zeros((2, 2)))  # type: ignore[call-overload]
    with pytest.raises(NgffValueError, match=r"dims: expected names \(strings\), got \[0\]"):
        nz.from_xarray(xr.DataArray(np.zeros((2, 2)), dims=(0, "x")))
    with pytest.raises(InvalidDimsError, match=r"dims: expected names from"):
        nz.from_xarray(xr.DataArray(np.zeros((2, 2)), dims=("row", "x")))
    with pytest.raises(NgffValueError, match=r"expected one of \[.*\] \(a space unit\), got 'sec'"):
        nz.from_xarray(
            xr.DataArray(np.zeros(2), dims=("x",), coords={"x": ("x", [0, 1], {"units": "sec"})})
        )
    level = xr.Dataset({"image": xr.DataArray(np.zeros(2), dims=("x",))})
    with pytest.raises(NgffValueError, match=r"expected a DataTree with children scale0"):
        nz.from_xarray(xr.DataTree.from_dict({"level0": level}))
    two = level.assign(other=level["image"])
    with pytest.raises(NgffValueError, match=r"scale0: expected one variable \(the image\)"):
        nz.from_xarray(xr.DataTree.from_dict({"scale0": two}))
    bad_root = xr.DataTree.from_dict({"/": xr.Dataset(attrs={"multiscales": {}}), "scale0": level})
    with pytest.raises(nz.InvalidMetadataError, match=r"multiscales: expected a list"):
        nz.from_xarray(bad_root)


@pytest.mark.parametrize(
    ("pyramid", "message"),
    [
        ([2], r"ngff_zarr: expected an object with scale_factors"),
        (
            {"scale_factors": "2"},
            r"ngff_zarr: expected scale_factors as an integer or a list, found '2'",
        ),
        ({"scale_factors": [{"x": 1.5}]}, r"expected each scale factor as an object of integers"),
        ({"method": "bicubic"}, r"ngff_zarr.method: expected one of \['.*'\], got 'bicubic'"),
        ({"chunks": {"x": "64"}}, r"expected chunks as an object of integers per dim"),
    ],
)
def test_bad_pyramid_attrs_are_refused(pyramid: Any, message: str) -> None:
    image = nz.to_ngff_image(np.zeros((8, 8), "uint8"))
    tree = nz.to_xarray(nz.to_multiscales(image, scale_factors=[2]))
    tree.attrs["ngff_zarr"] = pyramid
    with pytest.raises(nz.InvalidMetadataError, match=message):
        nz.from_xarray(tree)


def test_levels_stop_at_the_first_gap() -> None:
    level = xr.Dataset({"image": xr.DataArray(np.zeros(4), dims=("x",))})
    tree = xr.DataTree.from_dict({"scale0": level, "scale2": level})
    assert len(nz.from_xarray(tree).images) == 1


def test_replaced_data_is_kept() -> None:
    image = nz.to_ngff_image(np.zeros((4, 4), "uint8"))
    array = nz.to_xarray(image).copy(data=da.ones((4, 4), dtype="uint8"))
    back = nz.from_xarray(array)
    assert back == replace(image, data=back.data)
    assert int(back.data.sum().compute()) == 16
