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
