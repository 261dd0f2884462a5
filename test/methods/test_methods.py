"""Each block method against an independent reference computation."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.ndimage as ndi
import scipy.stats
from skimage.transform import downscale_local_mean

from ngff_zarr import NgffValueError
from ngff_zarr.methods import Methods, get_method

SPATIAL3 = (True, True, True)


def _boxes(a: np.ndarray, f: tuple[int, ...]) -> np.ndarray:
    """(n0, n1, n2, prod(f)) view of the f-boxes of ``a`` (cropped to multiples of f)."""
    n = [s // k for s, k in zip(a.shape, f, strict=True)]
    a = a[tuple(slice(0, m * k) for m, k in zip(n, f, strict=True))]
    shape: list[int] = []
    for m, k in zip(n, f, strict=True):
        shape += [m, k]
    nd = len(n)
    return (
        a.reshape(shape)
        .transpose([2 * i for i in range(nd)] + [2 * i + 1 for i in range(nd)])
        .reshape(*n, -1)
    )


@pytest.mark.parametrize("factors", [(2, 2, 2), (1, 3, 2), (3, 1, 4)])
@pytest.mark.parametrize("dtype", ["uint8", "uint16", "int16", "float32", "float64"])
def test_local_mean_matches_scikit_image(factors: tuple[int, ...], dtype: str) -> None:
    rng = np.random.default_rng(1)
    a = (rng.random((13, 17, 19)) * 200).astype(dtype)
    ours = get_method(Methods.LOCAL_MEAN).function(a, factors, spatial=SPATIAL3)
    cropped = a[tuple(slice(0, (s // f) * f) for s, f in zip(a.shape, factors, strict=True))]
    ref = downscale_local_mean(cropped.astype(np.float64), factors)
    if np.dtype(dtype).kind in "ui":
        ref = np.floor(ref + 0.5)
        np.testing.assert_array_equal(ours, ref.astype(dtype))
    else:
        np.testing.assert_allclose(ours, ref, rtol=1e-6)
    assert ours.dtype == np.dtype(dtype)


def _sums_axis_by_axis(a: np.ndarray, factors: tuple[int, ...], acc: str) -> np.ndarray:
    """Each box summed in ``acc``, one dim after the other, its values left to right."""
    out = a[tuple(slice(0, (s // f) * f) for s, f in zip(a.shape, factors, strict=True))]
    out = out.astype(acc)
    for axis, f in enumerate(factors):
        if f == 1:
            continue
        parts = [np.take(out, np.arange(k, out.shape[axis], f), axis=axis) for k in range(f)]
        total = parts[0]
        for part in parts[1:]:
            total = total + part
        out = total
    return out


@pytest.mark.parametrize(
    ("dtype", "acc", "high"),
    [
        ("bool", "uint32", 2),
        ("uint8", "uint32", 256),
        ("int8", "int32", 128),
        ("uint16", "uint32", 2**16),
        ("int16", "int32", 2**15),
        (">u2", "uint32", 2**16),
        ("uint32", "uint64", 2**32),
        ("int64", "int64", 2**40),
        ("float16", "float32", 2**15),
        ("float32", "float32", 2**16),
        ("float64", "float64", 2**16),
    ],
)
@pytest.mark.parametrize(
    ("shape", "factors"),
    [
        ((41, 131, 70), (2, 2, 2)),  # several slabs of the first dim, odd sizes cropped
        ((9, 64, 300), (1, 3, 4)),  # the first dim not downsampled
        ((5, 7, 2000), (1, 1, 5)),  # only the last dim: slabs along it
        ((3, 40, 6, 5), (1, 2, 3, 1)),
        ((0, 8, 8), (2, 2, 2)),
    ],
)
def test_local_mean_is_the_rounded_mean_of_exact_box_sums(
    dtype: str, acc: str, high: int, shape: tuple[int, ...], factors: tuple[int, ...]
) -> None:
    """Bit for bit what summing whole strided views in the accumulator type gives."""
    rng = np.random.default_rng(len(shape) + sum(factors))
    kind = np.dtype(dtype).kind
    if kind == "f":
        a = (rng.random(shape) * high).astype(dtype)
    else:
        low = -high if kind == "i" else 0
        a = rng.integers(low, high, shape, dtype=np.int64 if high < 2**63 else np.uint64)
        a = a.astype(dtype)
    ours = get_method(Methods.LOCAL_MEAN).function(a, factors, spatial=(True,) * len(shape))
    total = int(np.prod(factors))
    sums = _sums_axis_by_axis(a, factors, acc)
    if kind == "b":
        expected = sums * 2 >= total
    elif kind in "ui":
        expected = ((sums + total // 2) // total).astype(dtype)
    else:
        expected = (sums / np.asarray(total, dtype=acc)).astype(dtype)
    assert ours.dtype == expected.dtype
    assert ours.shape == expected.shape
    assert ours.tobytes() == expected.tobytes()
    if kind in "ui" and a.size:  # and the exact mean, from sums that cannot overflow
        boxes = _boxes(a.astype(object), factors).sum(axis=-1)
        np.testing.assert_array_equal(ours, ((boxes + total // 2) // total).astype(dtype))


@pytest.mark.parametrize("factors", [(2, 2, 2), (1, 3, 2), (4, 2, 1)])
def test_gaussian_matches_scipy_filter_then_box(factors: tuple[int, ...]) -> None:
    method = get_method(Methods.GAUSSIAN)
    a = np.random.default_rng(2).random((12, 18, 20))
    halo = method.halo(factors, SPATIAL3)
    ours = method.function(
        np.pad(a, [(h, h) for h in halo], mode="edge"), factors, spatial=SPATIAL3
    )
    sigma = [f / 3.0 if f > 1 else 0.0 for f in factors]
    smooth = ndi.gaussian_filter(a, sigma, mode="nearest", truncate=4.0)
    ref = _boxes(smooth, factors).mean(axis=-1)
    np.testing.assert_allclose(ours, ref, rtol=1e-10, atol=1e-12)


def test_mode_matches_scipy_stats_mode_smallest_on_ties() -> None:
    rng = np.random.default_rng(3)
    labels = rng.integers(0, 4, (16, 18, 20)).astype("uint32")
    for factors in [(2, 2, 2), (1, 2, 3), (4, 4, 4)]:
        ours = get_method(Methods.MODE).function(labels, factors, spatial=SPATIAL3)
        ref = scipy.stats.mode(_boxes(labels, factors), axis=-1).mode
        np.testing.assert_array_equal(ours, ref)


def test_mode_keeps_only_existing_labels_with_many_labels() -> None:
    labels = np.random.default_rng(4).integers(0, 10_000, (32, 32, 32)).astype("uint32")
    out = get_method(Methods.MODE).function(labels, (2, 2, 2), spatial=SPATIAL3)
    assert np.isin(out, labels).all()


def test_nearest_picks_the_centre_pixel() -> None:
    a = np.arange(6 * 9).reshape(6, 9)
    out = get_method(Methods.NEAREST).function(a, (2, 3), spatial=(True, True))
    np.testing.assert_array_equal(out, a[1::2, 1::3])


def test_itkwasm_bin_shrink_equals_local_mean_for_even_sums() -> None:
    a = (np.arange(8 * 10 * 12).reshape(8, 10, 12) % 97 * 4).astype("uint16")
    ours = get_method(Methods.ITKWASM_BIN_SHRINK).function(a, (2, 2, 2), spatial=SPATIAL3)
    ref = get_method(Methods.LOCAL_MEAN).function(a, (2, 2, 2), spatial=SPATIAL3)
    assert np.abs(ours.astype(int) - ref.astype(int)).max() <= 1


def test_unknown_method_lists_the_available_ones() -> None:
    with pytest.raises(
        NgffValueError,
        match=r"method: expected one of \['itkwasm_gaussian', .*'nearest'\], got 'cubic'",
    ):
        get_method("cubic")


def test_provenance_names_package_and_version() -> None:
    m = get_method(Methods.ITKWASM_GAUSSIAN)
    assert m.package == "itkwasm-downsample"
    assert m.package_version()[0].isdigit()


@pytest.mark.parametrize("shape", [(64, 96), (21, 40, 47)])
def test_itkwasm_methods_equal_itkwasm_downsample_called_directly(shape: tuple[int, ...]) -> None:
    """Streamed level by level (halo, edge padding, crop), the result is itkwasm's own."""
    import itkwasm
    import itkwasm_downsample as ds

    from ngff_zarr import to_multiscales, to_ngff_image

    rng = np.random.default_rng(5)
    image = (rng.random(shape) * 1000).astype("float32")
    labels = rng.integers(0, 6, shape).astype("uint16")
    shrink = [2] * len(shape)
    cases = [
        (Methods.ITKWASM_GAUSSIAN, image, ds.downsample),
        (Methods.ITKWASM_BIN_SHRINK, image, ds.downsample_bin_shrink),
        (Methods.ITKWASM_LABEL_IMAGE, labels, ds.downsample_label_image),
    ]
    for method, data, direct in cases:
        levels = to_multiscales(
            to_ngff_image(data), scale_factors=[2, 4], method=method, chunks=16
        ).images
        expected = data
        for level in levels[1:]:
            expected = np.asarray(
                direct(
                    itkwasm.image_from_array(np.ascontiguousarray(expected)), shrink_factors=shrink
                ).data
            )
            found = level.data.compute()
            if method is Methods.ITKWASM_LABEL_IMAGE and len(shape) == 3:
                # itkwasm's label voting breaks exact ties by floating-point rounding that
                # depends on the block's extent: a few voxels of odd-sized volumes differ
                # between a block and the whole volume (a known limit, see docs/pipeline.md)
                assert (found != expected).mean() < 0.01, method.value
                assert np.isin(found, data).all()
            elif method is Methods.ITKWASM_LABEL_IMAGE:
                np.testing.assert_array_equal(found, expected, err_msg=method.value)
            else:  # float32 sums in another order per region: equal to the last place
                np.testing.assert_allclose(found, expected, rtol=1e-6, err_msg=method.value)


# ---- ngff-zarr 0.50's methods: ITK, dask-image, dask ---------------------------------------


def _run(method: Methods, a: np.ndarray, factors: tuple[int, ...]) -> np.ndarray:
    """A method on ``a`` padded with its halo (as the engine gives it at the array's edges)."""
    m = get_method(method)
    spatial = (True,) * a.ndim
    halo = m.halo(factors, spatial)
    return m.function(np.pad(a, [(h, h) for h in halo], mode="edge"), factors, spatial=spatial)


def test_every_ngff_zarr_method_is_a_member() -> None:
    from ngff_zarr import methods

    assert methods.methods_values[:9] == [
        "itkwasm_gaussian", "itkwasm_bin_shrink", "itkwasm_label_image", "itk_gaussian",
        "itk_bin_shrink", "dask_image_gaussian", "dask_image_mode", "dask_image_nearest",
        "dask_bin_shrink",
    ]  # fmt: skip
    assert methods.methods[3] == ("ITK_GAUSSIAN", "itk_gaussian")


@pytest.mark.parametrize("method", [Methods.ITK_GAUSSIAN, Methods.DASK_IMAGE_GAUSSIAN])
@pytest.mark.parametrize("factors", [(2, 2), (3, 2), (4, 1)])
def test_optional_gaussians_sample_each_output_pixels_centre(
    method: Methods, factors: tuple[int, int]
) -> None:
    pytest.importorskip("itk" if method is Methods.ITK_GAUSSIAN else "dask_image")
    # a symmetric kernel keeps a linear ramp: the output is the ramp at each pixel's centre
    i, j = np.meshgrid(np.arange(48.0), np.arange(60.0), indexing="ij")
    ramp = 3.0 * i + 5.0 * j
    out = _run(method, ramp, factors)
    ci = np.arange(out.shape[0]) * factors[0] + (factors[0] - 1) / 2
    cj = np.arange(out.shape[1]) * factors[1] + (factors[1] - 1) / 2
    expected = 3.0 * ci[:, None] + 5.0 * cj[None, :]
    np.testing.assert_allclose(out[3:-3, 3:-3], expected[3:-3, 3:-3], rtol=1e-5)
    ones = _run(method, np.ones((32, 30), np.uint8), factors)
    assert ones.dtype == np.uint8 and (ones == 1).all()  # integers rounded, not truncated


def test_dask_image_gaussian_is_scipys_filter() -> None:
    pytest.importorskip("dask_image")
    from ngff_zarr.methods import _optional

    a = np.random.default_rng(5).random((30, 36))
    sigma = [_optional._sigma(2), _optional._sigma(3)]
    smooth = ndi.gaussian_filter(a, sigma, mode="nearest", truncate=4.0)
    ref = (smooth[0::2] + smooth[1::2])[:, 1::3] / 2.0  # centres: between rows, on columns
    np.testing.assert_allclose(_run(Methods.DASK_IMAGE_GAUSSIAN, a, (2, 3)), ref, rtol=1e-12)


def test_itk_bin_shrink_and_dask_bin_shrink_are_the_local_mean() -> None:
    pytest.importorskip("itk")
    a = (np.random.default_rng(6).random((13, 17, 19)) * 250).astype("uint8")
    ref = get_method(Methods.LOCAL_MEAN).function(a, (2, 3, 2), spatial=SPATIAL3)
    for method in (Methods.ITK_BIN_SHRINK, Methods.DASK_BIN_SHRINK):
        np.testing.assert_array_equal(_run(method, a, (2, 3, 2)), ref)
    half = np.zeros((8, 8), np.uint8)
    half[::2, :] = 1  # box means of 0.5 round half up
    assert set(np.unique(_run(Methods.ITK_BIN_SHRINK, half, (2, 2)))) == {1}


def test_dask_image_nearest_and_mode() -> None:
    pytest.importorskip("dask_image")
    labels = np.random.default_rng(7).integers(0, 5, (20, 27)).astype("uint16")
    ref = ndi.affine_transform(
        labels, np.diag([2.0, 3.0]), offset=[0.5, 1.0], output_shape=(10, 9), order=0
    )
    np.testing.assert_array_equal(_run(Methods.DASK_IMAGE_NEAREST, labels, (2, 3)), ref)
    np.testing.assert_array_equal(
        _run(Methods.DASK_IMAGE_MODE, labels, (2, 3)), _run(Methods.MODE, labels, (2, 3))
    )


def test_uninstalled_method_names_its_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    from dataclasses import replace

    from ngff_zarr import methods
    from ngff_zarr.errors import DependencyError

    get_method(Methods.NEAREST)  # the registry is filled on first use
    entry = replace(methods._REGISTERED[Methods.ITK_GAUSSIAN], requires="no_such_module_ngff")
    monkeypatch.setitem(methods._REGISTERED, Methods.ITK_GAUSSIAN, entry)
    with pytest.raises(
        DependencyError,
        match=r"method ITK_GAUSSIAN needs itk-filtering: pip install 'ngff-zarr\[itk\]'",
    ):
        get_method("itk_gaussian")
    with pytest.raises(
        NgffValueError,
        match=r"got 'itk'; install itk_gaussian with pip install 'ngff-zarr\[itk\]'",
    ):
        get_method("itk")


def test_mode_never_sorts_its_input_in_place() -> None:
    """One box per block makes the reshape a view of the input: the sort must not reach it
    (regions share their input, so a sorted one gave other regions wrong values)."""
    from ngff_zarr.methods import _numpy

    block = np.random.default_rng(3).integers(0, 50, (1, 3, 3)).astype("uint16")
    before = block.copy()
    _numpy.mode(block, (1, 3, 3), spatial=(True, True, True))
    np.testing.assert_array_equal(block, before)
