from __future__ import annotations

import dask.array as da
import numpy as np
import pytest
import zarr

from ngff_zarr import (
    InvalidDimsError,
    NgffImage,
    NgffValueError,
    to_multiscales,
    to_ngff_image,
)


def test_defaults_by_ndim() -> None:
    # ngff-zarr's defaults: 4-D and 5-D arrays are channel-last
    for ndim, dims in [(2, ("y", "x")), (3, ("z", "y", "x")), (4, ("z", "y", "x", "c")),
                       (5, ("t", "z", "y", "x", "c"))]:  # fmt: skip
        image = to_ngff_image(np.zeros((2,) * ndim, dtype="uint8"))
        assert image.dims == dims
        assert image.scale == dict.fromkeys(dims, 1.0)
        assert image.translation == dict.fromkeys(dims, 0.0)
        assert isinstance(image.data, da.Array)


def test_channel_last_is_kept_and_to_multiscales_puts_it_in_spec_order() -> None:
    rgb = np.arange(4 * 5 * 3, dtype="uint8").reshape(4, 5, 3)
    image = to_ngff_image(rgb, dims=("y", "x", "c"), scale=[0.5, 0.25, 1.0])
    assert image.dims == ("y", "x", "c") and image.shape == (4, 5, 3)  # as given (ngff-zarr)
    ms = to_multiscales(image, scale_factors=[], chunks=2)
    level0 = ms.images[0]
    assert level0.dims == ("c", "y", "x") and level0.shape == (3, 4, 5)
    assert level0.scale == {"c": 1.0, "y": 0.5, "x": 0.25}
    assert [a.name for a in ms.metadata.axes] == ["c", "y", "x"]
    np.testing.assert_array_equal(level0.data.compute(), np.moveaxis(rgb, -1, 0))
    kept = to_multiscales(image, scale_factors=[], axis_order="preserve").images[0]
    assert kept.dims == ("y", "x", "c")


def test_default_4d_is_channel_last_and_is_reordered() -> None:
    data = np.random.default_rng(0).integers(0, 9, (3, 4, 5, 2)).astype("uint16")
    image = to_ngff_image(data, translation={"z": 10.0})
    assert image.dims == ("z", "y", "x", "c")
    level0 = to_multiscales(image, scale_factors=[]).images[0]
    assert level0.dims == ("c", "z", "y", "x")
    np.testing.assert_array_equal(level0.data.compute(), np.moveaxis(data, -1, 0))
    assert level0.translation["z"] == 10.0


def test_zarr_and_dask_inputs_stay_lazy(tmp_path) -> None:  # type: ignore[no-untyped-def]
    z = zarr.create_array(tmp_path / "a.zarr", shape=(8, 10), chunks=(4, 5), dtype="int32")
    z[:] = np.arange(80).reshape(8, 10)
    image = to_ngff_image(z)
    assert image.data.chunks == ((4, 4), (5, 5))
    np.testing.assert_array_equal(image.data.compute(), np.arange(80).reshape(8, 10))
    lazy = da.ones((6, 7), chunks=3)
    assert to_ngff_image(lazy).data is lazy


def test_array_api_object() -> None:
    class ArrayAPI:
        """A minimal non-NumPy array-API object (the protocol, not a mock of our code)."""

        def __init__(self, values: np.ndarray) -> None:
            self._v = values
            self.shape = values.shape
            self.dtype = values.dtype

        def __array_namespace__(self, api_version=None):  # type: ignore[no-untyped-def]
            return np

        def __getitem__(self, key):  # type: ignore[no-untyped-def]
            return ArrayAPI(self._v[key])

        def __dlpack__(self, **kwargs):  # type: ignore[no-untyped-def]
            return self._v.__dlpack__(**kwargs)

        def __dlpack_device__(self):  # type: ignore[no-untyped-def]
            return self._v.__dlpack_device__()

    values = np.arange(30, dtype="float32").reshape(5, 6)
    image = to_ngff_image(ArrayAPI(values))
    assert image.dtype == np.float32
    np.testing.assert_array_equal(image.data[1:3, 2:5].compute(), values[1:3, 2:5])


def test_torch_tensor_if_installed() -> None:
    torch = pytest.importorskip("torch")
    tensor = torch.arange(24, dtype=torch.int16).reshape(4, 6)
    image = to_ngff_image(tensor)
    np.testing.assert_array_equal(image.data.compute(), np.arange(24, dtype="int16").reshape(4, 6))


def test_units_are_normalised_and_checked() -> None:
    image = to_ngff_image(
        np.zeros((2, 3, 4)), dims="tyx", axes_units={"t": "ms", "x": "µm", "y": "um"}
    )
    assert image.axes_units == {"t": "millisecond", "y": "micrometer", "x": "micrometer"}
    with pytest.raises(NgffValueError, match=r"axes_units\['x'\].*a space unit"):
        to_ngff_image(np.zeros((3, 4)), axes_units={"x": "second"})


@pytest.mark.parametrize(
    ("dims", "message"),
    [
        (("y", "q"), r"unknown \['q'\]"),
        (("x", "x"), r"\['x'\] repeated"),
        (("z", "y", "x"), r"one name per array dimension \(2\)"),
        (("c", "x"), r"2 or 3 spatial dims"),
    ],
)
def test_bad_dims(dims: tuple[str, ...], message: str) -> None:
    with pytest.raises(InvalidDimsError, match=message):
        to_ngff_image(np.zeros((3, 4)), dims=dims)


def test_bad_ndim_without_dims() -> None:
    with pytest.raises(InvalidDimsError, match="1-D"):
        to_ngff_image(np.zeros(5))
    with pytest.raises(InvalidDimsError, match="6-D"):
        to_ngff_image(np.zeros((1,) * 6))


def test_scale_for_missing_dim_and_bad_values() -> None:
    with pytest.raises(NgffValueError, match=r"scale: dims \['z'\] are not image dims"):
        to_ngff_image(np.zeros((3, 4)), scale={"z": 2.0})
    with pytest.raises(NgffValueError, match=r"scale: expected one value per dim"):
        to_ngff_image(np.zeros((3, 4)), scale=[1.0])
    with pytest.raises(NgffValueError, match=r"scale\['x'\]: expected a finite positive"):
        to_ngff_image(np.zeros((3, 4)), scale={"x": 0.0})
    with pytest.raises(NgffValueError, match=r"translation\['y'\]: expected a finite"):
        to_ngff_image(np.zeros((3, 4)), translation={"y": float("nan")})


def test_is_a_plain_dataclass() -> None:
    image = to_ngff_image(np.zeros((3, 4), dtype="uint8"), name="cells")
    assert isinstance(image, NgffImage)
    assert image.name == "cells"
    assert image.sizes == {"y": 3, "x": 4}
