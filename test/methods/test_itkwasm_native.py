"""ITKWASM_GAUSSIAN's NumPy path against itkwasm-downsample itself, on real arrays."""

from __future__ import annotations

import numpy as np
import pytest

from ngff_zarr import config, to_multiscales, to_ngff_image
from ngff_zarr.methods import Methods, _itkwasm, _itkwasm_native, get_method

itkwasm = pytest.importorskip("itkwasm")
ds = pytest.importorskip("itkwasm_downsample")


def _itkwasm_downsample(
    padded: np.ndarray, factors: tuple[int, ...], dtype: np.dtype
) -> np.ndarray:
    """itkwasm-downsample's ``downsample`` of a padded block, cropped and cast as our path does."""
    spatial = (True,) * padded.ndim
    halo = _itkwasm_native.halo_for(factors, spatial)
    work = np.float32 if dtype == np.float32 or dtype.itemsize <= 2 else np.float64
    image = itkwasm.image_from_array(np.ascontiguousarray(padded, dtype=work))
    out = ds.downsample(image, shrink_factors=list(factors[::-1]), crop_radius=list(halo[::-1]))
    values = np.asarray(out.data)
    if dtype.kind in "ui":
        info = np.iinfo(dtype)
        return np.clip(np.rint(values), info.min, info.max).astype(dtype)
    return values.astype(dtype)


def _both(data: np.ndarray, factors: tuple[int, ...]) -> tuple[np.ndarray, np.ndarray]:
    spatial = (True,) * data.ndim
    halo = _itkwasm_native.halo_for(factors, spatial)
    padded = np.pad(data, [(h, h) for h in halo], mode="edge")
    ours = _itkwasm_native.downsample(padded, factors, spatial=spatial)
    return ours, _itkwasm_downsample(padded, factors, data.dtype)


def test_sigma_and_radius_are_itkwasm_downsamples() -> None:
    for f in range(1, _itkwasm_native.MAX_FACTOR + 2):
        sigma = ds.downsample_sigma([f])
        assert _itkwasm_native.sigma(f) == sigma[0], f
        assert _itkwasm_native.radius(f) == ds.gaussian_kernel_radius(size=[64], sigma=sigma)[0]
    factors, spatial = (1, 2, 3, 4, 8), (True,) * 5
    assert _itkwasm_native.halo_for(factors, spatial) == _itkwasm.halo_for(factors, spatial)


def test_the_kernel_is_itkwasms_impulse_response() -> None:
    """An impulse through an odd factor samples the smoothed image: the kernel itself."""
    for f in (3, 5, 7):
        impulse = np.zeros((3, 101), np.float32)
        impulse[:, 50] = 1.0
        out = np.asarray(
            ds.downsample(itkwasm.image_from_array(impulse), shrink_factors=[f, 1]).data
        )
        positions = (f - 1) // 2 + f * np.arange(101 // f)
        kernel = _itkwasm_native.kernel(f)
        r = (kernel.size - 1) // 2
        expected = np.zeros(101)
        expected[50 - r : 50 + r + 1] = kernel
        np.testing.assert_array_equal(out[1], expected[positions].astype(np.float32))


ODD = [(3, 3), (3, 5), (1, 3, 3), (3, 3, 3), (5, 1, 7)]
EVEN = [(2, 2), (4, 2), (2, 2, 2), (1, 2, 2), (1, 2, 4), (2, 3, 1)]


@pytest.mark.parametrize("factors", ODD)
@pytest.mark.parametrize("dtype", ["uint8", "uint16", "float32"])
def test_odd_factors_are_bit_identical(factors: tuple[int, ...], dtype: str) -> None:
    rng = np.random.default_rng(sum(factors))
    shape = (23, 40, 37)[-len(factors) :]
    data = (rng.random(shape) * np.iinfo("uint16").max * 0.99).astype(dtype)
    if dtype == "uint8":
        data = (rng.random(shape) * 255).astype(dtype)
    ours, theirs = _both(data, factors)
    np.testing.assert_array_equal(ours, theirs)


@pytest.mark.parametrize("factors", EVEN)
def test_even_factors_round_to_itkwasms_integers(factors: tuple[int, ...]) -> None:
    """Full-range 16-bit noise, the hardest case: float32's last bit decides some halves.

    Measured: 0.04-0.08% of such pixels differ by 1 (2-D and 3-D, factors 2 and 4).
    """
    rng = np.random.default_rng(len(factors))
    shape = (22, 90, 96) if len(factors) == 3 else (300, 310)
    for data in (
        rng.integers(0, 65536, shape).astype("uint16"),
        rng.integers(0, 4096, shape).astype("uint16"),  # 12-bit camera data
        rng.integers(0, 256, shape).astype("uint8"),
        rng.integers(-(2**30), 2**30, shape).astype("int32"),  # computed in float64
    ):
        ours, theirs = _both(data, factors)
        diff = np.abs(ours.astype(np.int64) - theirs)
        assert diff.max() <= 1, data.dtype
        limit = 2e-3 if data.dtype == np.uint16 and data.max() > 4096 else 2e-4
        assert (diff != 0).mean() <= limit, (data.dtype, (diff != 0).mean())


@pytest.mark.parametrize("factors", EVEN + ODD)
def test_float_data_matches_to_the_last_places(factors: tuple[int, ...]) -> None:
    rng = np.random.default_rng(7)
    shape = (21, 34, 30)[-len(factors) :]
    for dtype, rtol in (("float32", 2e-7), ("float64", 1e-13)):
        data = (rng.standard_normal(shape) * 100 + 500).astype(dtype)
        ours, theirs = _both(data, factors)
        assert ours.dtype == theirs.dtype
        np.testing.assert_allclose(ours, theirs, rtol=rtol, atol=0, err_msg=dtype)


@pytest.mark.parametrize(
    ("shape", "factors"),
    [
        ((5, 9), (4, 4)),
        ((10, 3), (8, 2)),
        ((17, 70), (1, 16)),
        ((40, 67), (6, 32)),
        ((9, 8), (9, 8)),
    ],
)
def test_edges_small_images_and_large_factors(
    shape: tuple[int, ...], factors: tuple[int, ...]
) -> None:
    """Images smaller than the kernel: the edge value repeats, as in ITK."""
    rng = np.random.default_rng(3)
    edge = np.zeros(shape, np.float32)
    edge[:, shape[1] // 2 :] = 1000.0  # a step edge
    ramp = np.add.outer(np.arange(shape[0]), 3 * np.arange(shape[1])).astype(np.float32)
    for data in (edge, ramp, rng.random(shape).astype(np.float32)):
        ours, theirs = _both(data, factors)
        np.testing.assert_allclose(ours, theirs, rtol=2e-7, atol=1e-6)


def test_a_block_larger_than_one_tile_is_the_same() -> None:
    """The first pass runs a few output planes at a time; the planes join up exactly."""
    rng = np.random.default_rng(9)
    data = rng.integers(0, 4096, (9, 700, 710)).astype("uint16")
    assert _itkwasm_native._TILE < 700 * 710 * 3  # several tiles along the first dim
    ours, theirs = _both(data, (3, 3, 3))
    np.testing.assert_array_equal(ours, theirs)


def test_uncovered_blocks_run_itkwasm() -> None:
    assert not _itkwasm_native.covers(np.dtype("uint16"), (64, 64))
    data = np.random.default_rng(0).random((200, 200)).astype(np.float32)
    spatial = (True, True)
    halo = _itkwasm_native.halo_for((64, 64), spatial)
    padded = np.pad(data, [(h, h) for h in halo], mode="edge")
    np.testing.assert_array_equal(
        _itkwasm_native.gaussian(padded, (64, 64), spatial=spatial),
        _itkwasm.gaussian(padded, (64, 64), spatial=spatial),
    )


def test_the_webassembly_path_stays_reachable() -> None:
    assert get_method(Methods.ITKWASM_GAUSSIAN).function is _itkwasm_native.gaussian
    with config.set(itkwasm_native=0):
        assert get_method(Methods.ITKWASM_GAUSSIAN).function is _itkwasm.gaussian
    rng = np.random.default_rng(4)
    data = rng.integers(0, 60000, (30, 64, 72)).astype("uint16")
    image = to_ngff_image(data, dims=("z", "y", "x"))
    native = to_multiscales(image, scale_factors=[2, 4], chunks=16).images
    with config.set(itkwasm_native=0):
        wasm = to_multiscales(image, scale_factors=[2, 4], chunks=16).images
        found = [level.data.compute() for level in wasm]
    for ours, theirs in zip(native, found, strict=True):
        diff = np.abs(ours.data.compute().astype(np.int64) - theirs)
        assert diff.max() <= 1
        assert (diff != 0).mean() < 2e-3


@pytest.mark.parametrize("factors", [(2, 2), (3, 2), (2, 2, 2), (1, 3, 2), (3, 1, 4)])
def test_bin_shrink_is_itkwasms(factors: tuple[int, ...]) -> None:
    """The box mean, remainder dropped, integers half up, float32 summed in double."""
    rng = np.random.default_rng(6)
    shape = (41, 50) if len(factors) == 2 else (13, 30, 31)
    spatial = (True,) * len(factors)
    for dtype in (
        "bool",
        "uint8",
        "int8",
        "uint16",
        "int16",
        "uint32",
        "int32",
        "float32",
        "int64",
    ):
        data = (rng.standard_normal(shape) * 300).astype(dtype)
        if np.dtype(dtype).kind == "u":
            data = rng.integers(0, np.iinfo(dtype).max, shape, endpoint=True).astype(dtype)
        ours = _itkwasm_native.bin_shrink(data, factors, spatial=spatial)
        theirs = _itkwasm.bin_shrink(data, factors, spatial=spatial)  # itkwasm-downsample's
        assert ours.dtype == theirs.dtype, dtype
        np.testing.assert_array_equal(ours, theirs, err_msg=dtype)
    data = rng.standard_normal(shape) * 300
    np.testing.assert_allclose(
        _itkwasm_native.bin_shrink(data, factors, spatial=spatial),
        _itkwasm.bin_shrink(data, factors, spatial=spatial),
        rtol=0,
        atol=1e-12,
    )
