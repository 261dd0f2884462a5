"""ITK and ITK-Wasm images to and from NgffImage: pixels, spacing, origin, direction."""

from __future__ import annotations

import sys
from pathlib import Path

import itkwasm
import numpy as np
import pytest

import ngff_zarr as nz

itk = pytest.importorskip("itk", reason="the itk extra is not installed")
# ITK's SWIG wrappers warn on import (DeprecationWarning: builtin type ... no __module__)
pytestmark = pytest.mark.filterwarnings("ignore:builtin type .* has no __module__")

RNG = np.random.default_rng(7)


def _itk_volume(direction: np.ndarray | None = None) -> tuple[np.ndarray, object]:
    array = RNG.integers(0, 1000, (5, 6, 7), dtype=np.uint16)
    image = itk.image_from_array(array)
    image.SetSpacing([0.5, 0.75, 2.0])  # x, y, z
    image.SetOrigin([1.0, -2.0, 30.0])
    if direction is not None:
        image.SetDirection(itk.matrix_from_array(direction))
    return array, image


def test_itk_volume_round_trip() -> None:
    array, image = _itk_volume()
    ngff = nz.itk_image_to_ngff_image(image)
    assert ngff.dims == ("z", "y", "x")
    assert ngff.scale == {"z": 2.0, "y": 0.75, "x": 0.5}
    assert ngff.translation == {"z": 30.0, "y": -2.0, "x": 1.0}
    np.testing.assert_array_equal(ngff.data.compute(), array)
    assert {d: str(o.value) for d, o in ngff.axes_orientations.items()} == {
        "x": "right-to-left",
        "y": "anterior-to-posterior",
        "z": "inferior-to-superior",
    }
    assert (
        nz.itk_image_to_ngff_image(image, add_anatomical_orientation=False).axes_orientations
        is None
    )
    back = nz.ngff_image_to_itk_image(ngff, wasm=False)
    assert isinstance(back, itk.Image)
    np.testing.assert_array_equal(itk.array_from_image(back), array)
    assert tuple(back.GetSpacing()) == (0.5, 0.75, 2.0)
    assert tuple(back.GetOrigin()) == (1.0, -2.0, 30.0)
    np.testing.assert_array_equal(itk.array_from_matrix(back.GetDirection()), np.eye(3))


def test_flipped_axes_keep_their_direction() -> None:
    flip = np.diag([-1.0, 1.0, -1.0])  # x points right, z points down (RAI-like)
    _, image = _itk_volume(flip)
    ngff = nz.itk_image_to_ngff_image(image)
    assert str(ngff.axes_orientations["x"].value) == "left-to-right"
    assert str(ngff.axes_orientations["z"].value) == "superior-to-inferior"
    back = nz.ngff_image_to_itk_image(ngff, wasm=False)
    np.testing.assert_array_equal(itk.array_from_matrix(back.GetDirection()), flip)
    wasm = nz.ngff_image_to_itk_image(ngff)
    np.testing.assert_array_equal(np.asarray(wasm.direction), flip)


def test_oblique_direction_warns() -> None:
    angle = np.deg2rad(30)
    rotation = np.array(
        [[np.cos(angle), -np.sin(angle), 0], [np.sin(angle), np.cos(angle), 0], [0, 0, 1]]
    )
    _, image = _itk_volume(rotation)
    with pytest.warns(nz.NgffWarning, match="oblique"):
        ngff = nz.itk_image_to_ngff_image(image)
    assert str(ngff.axes_orientations["x"].value) == "right-to-left"  # dominant component


def test_vector_and_2d_images() -> None:
    rgb = RNG.integers(0, 255, (24, 32, 3), dtype=np.uint8)
    image = itk.image_from_array(rgb, is_vector=True)
    ngff = nz.itk_image_to_ngff_image(image)
    assert ngff.dims == ("c", "y", "x") and ngff.shape == (3, 24, 32)
    np.testing.assert_array_equal(ngff.data.compute(), np.moveaxis(rgb, -1, 0))
    assert set(ngff.axes_orientations) == {"x", "y"}
    back = nz.ngff_image_to_itk_image(ngff, wasm=False)
    assert back.GetNumberOfComponentsPerPixel() == 3
    np.testing.assert_array_equal(itk.array_from_image(back), rgb)
    green = nz.ngff_image_to_itk_image(ngff, c_index=1)
    np.testing.assert_array_equal(np.asarray(green.data), rgb[..., 1])


def test_itkwasm_images_and_time() -> None:
    data = RNG.random((3, 2, 4, 5)).astype(np.float32)  # t, z, y, x
    ngff = nz.to_ngff_image(data, dims=["t", "z", "y", "x"], scale={"t": 10.0, "x": 0.2})
    four = nz.ngff_image_to_itk_image(ngff)
    assert isinstance(four, itkwasm.Image)
    assert tuple(four.size) == (5, 4, 2, 3) and list(four.spacing) == [0.2, 1.0, 1.0, 10.0]
    one = nz.ngff_image_to_itk_image(ngff, t_index=2)
    assert tuple(one.size) == (5, 4, 2)
    again = nz.itk_image_to_ngff_image(one)
    np.testing.assert_array_equal(again.data.compute(), data[2])
    assert nz.itk_image_to_ngff_image(four).dims == ("t", "z", "y", "x")
    with pytest.raises(nz.NgffValueError, match=r"t_index: expected 0..2, got 3"):
        nz.ngff_image_to_itk_image(ngff, t_index=3)
    with pytest.raises(nz.NgffValueError, match="c_index: the image has no 'c' dim"):
        nz.ngff_image_to_itk_image(ngff, c_index=0)
    with pytest.raises(nz.NgffValueError, match=r"itk_image: expected an itk\.Image"):
        nz.itk_image_to_ngff_image(np.zeros((3, 3)))


def test_itk_form_needs_itk(monkeypatch: pytest.MonkeyPatch) -> None:
    ngff = nz.to_ngff_image(np.zeros((4, 4), np.uint8))
    monkeypatch.setitem(sys.modules, "itk", None)  # an environment without the itk extra
    with pytest.raises(nz.DependencyError, match=r"pip install 'ngff-zarr\[itk\]'"):
        nz.ngff_image_to_itk_image(ngff, wasm=False)
    assert isinstance(nz.ngff_image_to_itk_image(ngff), itkwasm.Image)  # no itk needed


def test_rfc4_itk_example(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """docs/rfc4.md: a medical image read with ITK keeps its orientation in the store."""
    _, image = _itk_volume()
    itk.imwrite(image, str(tmp_path / "image.nrrd"))
    monkeypatch.chdir(tmp_path)
    from itk import imread

    image = imread("image.nrrd")
    ngff_image = nz.itk_image_to_ngff_image(image, add_anatomical_orientation=True)
    multiscales = nz.to_multiscales(ngff_image)
    nz.to_ngff_zarr(store="output.ome.zarr", multiscales=multiscales)
    back = nz.from_ngff_zarr("output.ome.zarr")
    assert {d: str(o.value) for d, o in back.images[0].axes_orientations.items()} == {
        "z": "inferior-to-superior",
        "y": "anterior-to-posterior",
        "x": "right-to-left",
    }
