from __future__ import annotations

import dask.array as da
import numpy as np
import pytest
from _interop import assert_valid_with_ome_zarr_models
from hypothesis import given, settings
from hypothesis import strategies as st

from ngff_zarr import (
    Methods,
    NgffImage,
    NgffValueError,
    from_ngff_zarr,
    to_multiscales,
    to_ngff_image,
    to_ngff_zarr,
)
from ngff_zarr.methods import get_method


def whole_array_pyramid(
    data: np.ndarray, steps: list[tuple[int, ...]], method: Methods, spatial: tuple[bool, ...]
) -> list[np.ndarray]:
    """Reference: every level from the whole level above, padded with its edge values."""
    m = get_method(method)
    levels = [data]
    for step in steps:
        halo = m.halo(step, spatial)
        padded = np.pad(levels[-1], [(h, h) for h in halo], mode="edge")
        levels.append(m.function(padded, step, spatial=spatial))
    return levels


def test_levels_shapes_scale_translation_units() -> None:
    image = to_ngff_image(
        np.zeros((2, 20, 64, 90), dtype="uint16"),
        dims="czyx",
        scale={"z": 2.0, "y": 0.5, "x": 0.5},
        translation={"x": 10.0},
        axes_units={"z": "micrometer", "y": "micrometer", "x": "micrometer"},
        name="embryo",
    )
    ms = to_multiscales(image, scale_factors=[{"x": 2, "y": 2}, {"x": 6, "y": 4, "z": 2}])
    assert [im.shape for im in ms.images] == [(2, 20, 64, 90), (2, 20, 32, 45), (2, 10, 16, 15)]
    lvl = ms.images[2]
    assert lvl.scale == {"c": 1.0, "z": 4.0, "y": 2.0, "x": 3.0}
    # pixel-centre convention: shift by (factor - 1) / 2 of the full-resolution spacing
    assert lvl.translation == {"c": 0.0, "z": 1.0, "y": 0.75, "x": 10.0 + 1.25}
    assert all(im.name == "embryo" and im.axes_units == image.axes_units for im in ms.images)
    md = ms.metadata
    # ngff-zarr's documented dataset paths: scale{level}/{image name}
    assert [d.path for d in md.datasets] == ["scale0/embryo", "scale1/embryo", "scale2/embryo"]
    assert md.datasets[2].coordinateTransformations[0].scale == [1.0, 4.0, 2.0, 3.0]  # type: ignore[union-attr]
    assert md.type == "itkwasm_gaussian" and md.metadata is not None  # the default method
    assert md.metadata.method == "itkwasm_downsample.downsample" and md.metadata.version
    assert ms.chunks == {"c": 2, "z": 20, "y": 64, "x": 90}  # 128 per spatial dim, capped


@pytest.mark.parametrize(
    ("shape", "dims", "kwargs", "factors", "chunksize"),
    [  # rows of ngff-zarr 0.50's observed behaviour (the survey's table)
        ((1024, 1024), "yx", {}, [{"y": 2, "x": 2}, {"y": 4, "x": 4}], (256, 256)),
        ((1000, 600), "yx", {}, [{"y": 2, "x": 2}], (256, 256)),
        ((300, 300), "yx", {}, [], (256, 256)),
        ((256, 256, 256), "zyx", {}, [{"z": 2, "y": 2, "x": 2}], (128, 128, 128)),
        ((100, 100, 100), "zyx", {}, [], (100, 100, 100)),
        ((64, 512, 512), "zyx", {}, [{"z": 1, "y": 2, "x": 2}, {"z": 1, "y": 4, "x": 4}],
         (64, 128, 128)),
        ((3, 512, 512), "cyx", {}, [{"c": 1, "y": 2, "x": 2}], (3, 256, 256)),
        ((2, 512, 512), "tyx", {}, [{"t": 1, "y": 2, "x": 2}], (1, 256, 256)),
        ((1024, 1024), "yx", {"scale_factors": 64}, [{"y": 2, "x": 2}, {"y": 4, "x": 4}],
         (256, 256)),
        ((1024, 1024), "yx", {"chunks": 100},
         [{"y": 2, "x": 2}, {"y": 4, "x": 4}, {"y": 8, "x": 8}], (100, 100)),
    ],
)  # fmt: skip
def test_int_scale_factors_halve_down_to_the_chunk(
    shape: tuple[int, ...],
    dims: str,
    kwargs: dict,  # type: ignore[type-arg]
    factors: list,  # type: ignore[type-arg]
    chunksize: tuple[int, ...],
) -> None:
    image = to_ngff_image(da.zeros(shape, dtype="uint8", chunks=50), dims=dims)
    ms = to_multiscales(image, **kwargs)
    assert ms.scale_factors == factors  # the choice is stored as per-dim factors
    assert len(ms.images) == len(factors) + 1
    assert ms.images[0].data.chunksize == chunksize  # level 0 is chunked as requested too
    for level, f in enumerate(factors, start=1):
        assert ms.images[level].shape == tuple(n // f[d] for d, n in zip(dims, shape, strict=True))


def test_list_scale_factors_are_kept_as_given() -> None:
    image = to_ngff_image(np.zeros((64, 64), dtype="uint8"))
    assert to_multiscales(image, scale_factors=[2, 4]).scale_factors == [2, 4]
    given = [{"x": 2, "y": 4}, {"x": 4, "y": 8}]
    ms = to_multiscales(image, scale_factors=given)
    assert ms.scale_factors == given
    assert [im.shape for im in ms.images] == [(64, 64), (16, 32), (8, 16)]


def test_non_power_of_two_factors() -> None:
    data = np.random.default_rng(0).integers(0, 255, (31, 47)).astype("uint8")
    ms = to_multiscales(to_ngff_image(data), scale_factors=[3, 9], method=Methods.LOCAL_MEAN)
    assert [im.shape for im in ms.images] == [(31, 47), (10, 15), (3, 5)]
    ref = whole_array_pyramid(data, [(3, 3), (3, 3)], Methods.LOCAL_MEAN, (True, True))
    for im, expected in zip(ms.images, ref, strict=True):
        np.testing.assert_array_equal(im.data.compute(), expected)


@pytest.mark.parametrize(
    ("factors", "message"),
    [
        ([{"q": 2}], r"level 1: dims \['q'\] are not image dims"),
        ([{"c": 2}], r"only spatial dims can be downsampled, got factors on \['c'\]"),
        ([0], r"expected factors >= 1"),
        ([64], r"level 1 would have no pixels along \['y', 'x'\]"),
    ],
)
def test_bad_scale_factors(factors: list, message: str) -> None:  # type: ignore[type-arg]
    image = to_ngff_image(np.zeros((3, 20, 30)), dims="cyx")
    with pytest.raises(NgffValueError, match=message):
        to_multiscales(image, scale_factors=factors)


@pytest.mark.parametrize("strategy", ["pad", "exact"])
def test_factors_that_are_not_multiples_of_the_level_above(tmp_path, strategy: str) -> None:  # type: ignore[no-untyped-def]
    data = (np.arange(101 * 77) % 200).astype(np.uint8).reshape(101, 77)
    ms = to_multiscales(to_ngff_image(data), scale_factors=[2, 3, 4], chunks=32, method="gaussian")
    shapes = [(101, 77), (50, 38), (33, 25), (25, 19)]  # every level shape // factor
    assert [im.shape for im in ms.images] == shapes
    assert [im.scale["x"] for im in ms.images] == [1.0, 2.0, 3.0, 4.0]
    assert [im.translation["x"] for im in ms.images] == [0.0, 0.5, 1.0, 1.5]
    to_ngff_zarr(tmp_path / "s.zarr", ms, scale_strategy=strategy, memory_target=1)
    back = from_ngff_zarr(tmp_path / "s.zarr")
    # the stored levels match the geometry their metadata states (both strategies)
    assert [im.shape for im in back.images] == shapes
    # the 3 and the 4 from the full resolution (a level is computed from the one just above
    # only when that one's factor divides its own, as ngff-zarr 0.50), computed on the whole
    # arrays as the reference
    s2 = (True, True)
    l1 = whole_array_pyramid(data, [(2, 2)], Methods.GAUSSIAN, s2)[1]
    l2 = whole_array_pyramid(data, [(3, 3)], Methods.GAUSSIAN, s2)[1]
    l3 = whole_array_pyramid(data, [(4, 4)], Methods.GAUSSIAN, s2)[1]
    for im, lazy, expected in zip(back.images, ms.images, [data, l1, l2, l3], strict=True):
        np.testing.assert_array_equal(im.data.compute(), expected)
        np.testing.assert_array_equal(lazy.data.compute(), expected)
    assert_valid_with_ome_zarr_models(tmp_path / "s.zarr", "0.5")
    with pytest.raises(NgffValueError, match=r"scale_strategy: expected one of \['pad', 'exact'\]"):
        to_ngff_zarr(tmp_path / "t.zarr", ms, scale_strategy="round")  # type: ignore[arg-type]


def test_chunks_forms() -> None:
    image = to_ngff_image(np.zeros((2, 3, 40, 50, 60), dtype="uint8"), dims="tczyx")
    assert to_multiscales(image, [2], chunks=16).chunks == {
        "t": 1,
        "c": 3,
        "z": 16,
        "y": 16,
        "x": 16,
    }
    assert to_multiscales(image, [2], chunks=(1, 1, 8, 16, 32)).chunks == {
        "t": 1,
        "c": 1,
        "z": 8,
        "y": 16,
        "x": 32,
    }
    assert to_multiscales(image, [2], chunks={"x": 100}).chunks == {
        "t": 1,
        "c": 3,
        "z": 40,
        "y": 50,
        "x": 60,
    }
    with pytest.raises(NgffValueError, match=r"chunks: dims \['q'\]"):
        to_multiscales(image, [2], chunks={"q": 2})


ALL_METHODS = list(Methods)


@pytest.mark.parametrize("method", ALL_METHODS, ids=lambda m: m.value)
def test_streamed_equals_whole_array_for_every_method(tmp_path, method: Methods) -> None:  # type: ignore[no-untyped-def]
    rng = np.random.default_rng(5)
    if get_method(method).label_safe:
        data = rng.integers(0, 6, (2, 23, 37, 41)).astype("uint32")
    else:
        data = (rng.random((2, 23, 37, 41)) * 3000).astype("uint16")
    image = to_ngff_image(data, dims="czyx")
    steps = [(1, 1, 2, 2), (1, 2, 2, 2)]
    ms = to_multiscales(
        image,
        scale_factors=[{"y": 2, "x": 2}, {"z": 2, "y": 4, "x": 4}],
        method=method,
        chunks=(1, 4, 5, 6),
    )
    # a tiny memory target forces many regions and one pass per level
    to_ngff_zarr(tmp_path / "s.zarr", ms, version="0.4", memory_target=1)
    back = from_ngff_zarr(tmp_path / "s.zarr")
    ref = whole_array_pyramid(data, steps, method, (False, True, True, True))
    for level, (im, expected) in enumerate(zip(back.images, ref, strict=True)):
        np.testing.assert_array_equal(im.data.compute(), expected, err_msg=f"level {level}")
    # the lazy (dask) levels give the same values too
    for im, expected in zip(ms.images, ref, strict=True):
        np.testing.assert_array_equal(im.data.compute(), expected)


@settings(max_examples=25, deadline=None)
@given(
    shape=st.tuples(st.integers(1, 30), st.integers(4, 40), st.integers(4, 40)),
    chunks=st.tuples(st.integers(1, 9), st.integers(1, 9), st.integers(1, 9)),
    factor=st.sampled_from([2, 3]),
    method=st.sampled_from([Methods.GAUSSIAN, Methods.LOCAL_MEAN, Methods.MODE, Methods.NEAREST]),
    budget=st.sampled_from([1, 5_000, 10**9]),
)
def test_streaming_matches_reference_on_awkward_shapes(
    tmp_path_factory, shape, chunks, factor, method, budget
) -> None:  # type: ignore[no-untyped-def]
    data = np.random.default_rng(sum(shape)).integers(0, 50, shape).astype("uint16")
    steps = [(1, factor, factor)]
    if shape[1] // factor // 2 >= 1 and shape[2] // factor // 2 >= 1:
        steps.append((1, 2, 2))
    totals = []
    acc = [1, 1, 1]
    for s in steps:
        acc = [a * b for a, b in zip(acc, s, strict=True)]
        totals.append({"y": acc[1], "x": acc[2]})
    ms = to_multiscales(to_ngff_image(data), scale_factors=totals, method=method, chunks=chunks)
    path = tmp_path_factory.mktemp("h") / "x.zarr"
    to_ngff_zarr(path, ms, version="0.5", chunks_per_shard=2, memory_target=budget)
    ref = whole_array_pyramid(data, steps, method, (True, True, True))
    for im, expected in zip(from_ngff_zarr(path).images, ref, strict=True):
        np.testing.assert_array_equal(im.data.compute(), expected)
    assert_valid_with_ome_zarr_models(path, "0.5")


def test_default_method_is_itkwasm_gaussian_and_integers_round() -> None:
    ones = np.ones((64, 64), np.uint8)
    ms = to_multiscales(ones, scale_factors=[2])
    assert ms.method is Methods.ITKWASM_GAUSSIAN
    np.testing.assert_array_equal(ms.images[1].data.compute(), np.ones((32, 32), np.uint8))
    # a block mean of 0.75 rounds to 1 in the interior (truncation would give 0)
    dots = np.zeros((64, 64), np.uint8)
    dots[::2, ::2] = 3
    level1 = to_multiscales(dots, scale_factors=[2]).images[1].data.compute()
    assert level1[8:24, 8:24].min() == 1


def test_ngff_image_on_numpy_and_level_zero_chunked_as_requested(tmp_path) -> None:  # type: ignore[no-untyped-def]
    data = np.arange(40 * 50, dtype="uint16").reshape(40, 50)
    image = NgffImage(data, ("y", "x"), {"y": 1.0, "x": 1.0}, {"y": 0.0, "x": 0.0})
    ms = to_multiscales(image, scale_factors=[2], chunks=16, method=Methods.LOCAL_MEAN)
    assert ms.images[0].data.chunks == ((16, 16, 8), (16, 16, 16, 2))
    np.testing.assert_array_equal(ms.images[0].data.compute(), data)
    to_ngff_zarr(tmp_path / "a.zarr", ms, version="0.4")
    import zarr

    path = ms.metadata.datasets[0].path
    assert zarr.open_array(tmp_path / "a.zarr" / path, mode="r").chunks == (16, 16)


class _CountingSource:
    """A sliceable array that counts the voxels read from it (a real source, not a mock)."""

    def __init__(self, values: np.ndarray) -> None:
        self._values = values
        self.shape, self.dtype, self.ndim = values.shape, values.dtype, values.ndim
        self.read = 0

    def __getitem__(self, key):  # type: ignore[no-untyped-def]
        out = self._values[key]
        if out.size > 1:  # dask probes meta with tiny reads
            self.read += out.size
        return out


@pytest.mark.parametrize("version", ["0.4", "0.5"])
def test_short_leading_chunk_does_not_leak_and_source_is_read_once(tmp_path, version) -> None:  # type: ignore[no-untyped-def]
    import zarr

    values = np.random.default_rng(1).integers(0, 999, (37, 70, 45)).astype("uint16")
    counter = _CountingSource(values)
    source = da.from_array(counter, chunks=((5, 32), (7, 63), (45,)), asarray=False)
    # a method without a halo: regions then read disjoint boxes of the source
    ms = to_multiscales(
        to_ngff_image(source), scale_factors=[2, 4], chunks=16, method=Methods.LOCAL_MEAN
    )
    assert all(im.data.chunksize == (16, 16, 16) or 16 in im.data.chunksize for im in ms.images)
    shards = 2 if version == "0.5" else None
    to_ngff_zarr(
        tmp_path / "s.zarr", ms, version=version, chunks_per_shard=shards, memory_target=2**20
    )
    assert counter.read == values.size  # every source voxel read exactly once
    back = from_ngff_zarr(tmp_path / "s.zarr")
    for ds, im in zip(back.metadata.datasets, ms.images, strict=True):
        stored = zarr.open_array(tmp_path / "s.zarr" / ds.path, mode="r")
        assert stored.chunks == tuple(min(16, n) for n in im.shape)
    np.testing.assert_array_equal(back.images[0].data.compute(), values)
    ref = whole_array_pyramid(values, [(2, 2, 2), (2, 2, 2)], Methods.LOCAL_MEAN, (True,) * 3)
    for im, expected in zip(back.images, ref, strict=True):
        np.testing.assert_array_equal(im.data.compute(), expected)


def test_orientation_is_written_per_axis_and_read_back(tmp_path) -> None:  # type: ignore[no-untyped-def]
    import json

    from ngff_zarr import LPS, AnatomicalOrientation

    image = to_ngff_image(np.zeros((8, 16, 16), np.uint8))
    ms = to_multiscales(image, scale_factors=[], orientation="LPS")
    assert ms.metadata.axes[2].orientation == AnatomicalOrientation("right-to-left")
    to_ngff_zarr(tmp_path / "o.zarr", ms)
    axes = json.loads((tmp_path / "o.zarr" / "zarr.json").read_text(encoding="utf-8"))[
        "attributes"
    ]["ome"]["multiscales"][0]["axes"]
    assert axes[0] == {
        "name": "z",
        "type": "space",
        "orientation": {"value": "inferior-to-superior", "type": "anatomical"},
    }
    assert from_ngff_zarr(tmp_path / "o.zarr").images[0].axes_orientations == LPS
    assert_valid_with_ome_zarr_models(tmp_path / "o.zarr", "0.5")
    with pytest.raises(NgffValueError, match=r"orientation: expected one of \['LPS', 'RAS'\]"):
        to_multiscales(image, orientation="XYZ")
    with pytest.raises(NgffValueError, match=r"axes_orientations\['c'\]: expected orientations"):
        to_multiscales(
            to_ngff_image(np.zeros((2, 8, 8)), dims="cyx"), orientation={"c": "left-to-right"}
        )


def test_single_channel_name_survives_without_a_c_axis(tmp_path) -> None:  # type: ignore[no-untyped-def]
    data = np.arange(32 * 32, dtype="uint16").reshape(32, 32)
    image = to_ngff_image(data, channel_names=["AF488"])
    ms = to_multiscales(image, scale_factors=[2])
    assert ms.images[1].channel_names == ["AF488"]
    to_ngff_zarr(tmp_path / "a.zarr", ms)
    omero = from_ngff_zarr(tmp_path / "a.zarr").metadata.omero
    assert omero is not None
    assert [c.label for c in omero.channels] == ["AF488"]
    assert omero.channels[0].window.max == 1023.0  # the data's, not the dtype's 65535
