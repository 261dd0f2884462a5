"""NgffImage: the one checked constructor every producer uses."""

from __future__ import annotations

from dataclasses import replace

import dask.array as da
import numpy as np
import pytest
import zarr

from ngff_zarr import InvalidDimsError, NgffImage, NgffValueError, to_multiscales


def test_numpy_data_is_wrapped_without_copying() -> None:
    data = np.arange(12, dtype="uint8").reshape(3, 4)
    image = NgffImage(data, ("y", "x"), {}, {})
    assert isinstance(image.data, da.Array)
    data[0, 0] = 99  # the user's array is sliced on demand, not copied up front
    assert int(image.data[0, 0].compute()) == 99
    assert image.sizes == {"y": 3, "x": 4} and image.dtype == np.uint8
    # an image built directly works through the whole pipeline
    assert [im.shape for im in to_multiscales(image, scale_factors=[2]).images] == [(3, 4), (1, 2)]


def test_other_array_kinds() -> None:
    group = zarr.open_group(zarr.storage.MemoryStore(), mode="w")
    stored = group.create_array("a", shape=(4, 6), chunks=(2, 3), dtype="int16")
    stored[...] = 5
    image = NgffImage(stored, ("y", "x"), {}, {})
    assert image.data.chunks == ((2, 2), (3, 3)) and int(image.data.sum().compute()) == 120

    class Sliceable:  # any object with shape, dtype and __getitem__
        shape = (2, 3)
        ndim = 2
        dtype = np.dtype("float32")

        def __getitem__(self, key: object) -> np.ndarray:
            return np.ones(self.shape, self.dtype)[key]  # type: ignore[index]

    assert NgffImage(Sliceable(), ("y", "x"), {}, {}).data.compute().sum() == 6
    nested = NgffImage([[1, 2], [3, 4]], ("y", "x"), {}, {})  # type: ignore[arg-type]
    assert nested.shape == (2, 2)
    with pytest.raises(NgffValueError, match="expected a numeric array"):
        NgffImage(np.array([[object()]]), ("y", "x"), {}, {})


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        ({"dims": ("y", "y")}, InvalidDimsError, r"\['y'\] repeated"),
        ({"dims": ("y",)}, InvalidDimsError, "one name per array dimension"),
        ({"dims": ("q", "x")}, InvalidDimsError, r"a custom dim needs its type in axes_types"),
        ({"dims": ("", "x")}, InvalidDimsError, "non-empty names"),
        ({"scale": [1, 2]}, NgffValueError, "scale: expected a mapping"),
        ({"scale": {"y": "wide"}}, NgffValueError, r"scale\['y'\]: expected a number"),
        ({"scale": {"y": -1}}, NgffValueError, r"scale\['y'\]: expected a finite positive"),
        ({"translation": {"x": float("inf")}}, NgffValueError, r"translation\['x'\]: expected"),
        ({"axes_units": {"z": "micrometer"}}, NgffValueError, r"axes_units: dims \['z'\]"),
        ({"axes_types": {"z": "space"}}, NgffValueError, r"axes_types: dims \['z'\]"),
        ({"channel_names": "DAPI"}, NgffValueError, "one entry per channel"),
        ({"channel_names": ["a", "b"]}, NgffValueError, r"expected 1 entries .*, got 2"),
        ({"channel_colors": ["FF0000", "00FF00"]}, NgffValueError, "channel_colors"),
    ],
)  # fmt: skip
def test_refusals_name_the_field(
    kwargs: dict[str, object], error: type[Exception], message: str
) -> None:
    base: dict[str, object] = {
        "data": np.zeros((2, 3)),
        "dims": ("y", "x"),
        "scale": {},
        "translation": {},
    }
    with pytest.raises(error, match=message):
        NgffImage(**{**base, **kwargs})  # type: ignore[arg-type]


def test_custom_dims_and_units() -> None:
    image = NgffImage(
        np.zeros((4, 2, 3)),
        ("angle", "y", "x"),
        {"angle": 15.0},
        {},
        axes_units={"angle": "degree", "y": "um"},
        axes_types={"angle": "custom"},
    )
    assert image.axes_units == {"angle": "degree", "y": "micrometer"}  # custom: kept as given
    assert image.axis_type("angle") == "custom" and image.axis_type("x") == "space"
    # a type equal to the spec's is not recorded; replace() re-checks
    again = replace(image, axes_types={"angle": "custom", "y": "space"})
    assert again.axes_types == {"angle": "custom"}
