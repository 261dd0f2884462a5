"""Scenes on disk (write, read, list, open one image), points and boxes through chains, resampling.

Resampling is compared with :func:`scipy.ndimage.affine_transform` on the same small volume.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from scipy.ndimage import affine_transform

import ngff_zarr as nz
from ngff_zarr.errors import InvalidMetadataError, NgffValueError
from ngff_zarr.resample import resample
from ngff_zarr.scene import (
    NgffScene,
    from_ngff_scene,
    list_scene_images,
    open_scene_image,
    to_ngff_scene,
)
from ngff_zarr.v06.bounding_boxes import BoundingBox, transform_bounding_box
from ngff_zarr.v06.coordinate_systems import Axis, CoordinateSystem
from ngff_zarr.v06.coordinate_systems import CoordinateSystemIdentifier as Ref
from ngff_zarr.v06.elementary import Translation
from ngff_zarr.v06.fields import Displacements, Field
from ngff_zarr.v06.matrices import Affine, Rotation

WORLD = CoordinateSystem("world", [Axis("y", "space"), Axis("x", "space")])


def _tile(seed: int) -> nz.Multiscales:
    data = np.random.default_rng(seed).integers(0, 255, (32, 40), dtype=np.uint8)
    image = nz.to_ngff_image(data, dims=("y", "x"), scale={"y": 0.5, "x": 0.5})
    return nz.to_multiscales(image, scale_factors=[2], method=nz.Methods.LOCAL_MEAN)


def _scene() -> NgffScene:
    turn = Rotation(
        [[0.0, -1.0], [1.0, 0.0]],
        input=Ref(path="round2", name="physical"),
        output=Ref(name="world"),
    )
    place = Translation(
        [0.0, 20.0], input=Ref(path="tiles/right", name="physical"), output=Ref(name="world")
    )
    return NgffScene(
        {"tiles/right": _tile(1), "round2": _tile(2)}, [place, turn], coordinateSystems=[WORLD]
    )


def test_scene_write_read_list_open(tmp_path: Path) -> None:
    path = tmp_path / "scene.ome.zarr"
    scene = _scene()
    to_ngff_scene(path, scene)
    ome = json.loads((path / "zarr.json").read_text(encoding="utf-8"))["attributes"]["ome"]
    assert ome["version"] == "0.6"
    assert [t["type"] for t in ome["scene"]["coordinateTransformations"]] == [
        "translation",
        "rotation",
    ]
    assert nz.validate(path).errors == ()
    assert list_scene_images(path) == ["tiles/right", "round2"]
    one = open_scene_image(path, "round2")
    np.testing.assert_array_equal(
        one.images[0].data.compute(), np.asarray(scene.images["round2"].images[0].data)
    )
    with pytest.raises(NgffValueError, match=r"path: expected one of \['tiles/right', 'round2'\]"):
        open_scene_image(path, "round3")
    back = from_ngff_scene(path)
    assert back.image_paths == ["tiles/right", "round2"]
    assert [t.to_dict() for t in back.coordinateTransformations] == ome["scene"][
        "coordinateTransformations"
    ]
    assert back.coordinateSystems == [WORLD]


def test_scene_points_and_boxes_through_chains_with_inverses(tmp_path: Path) -> None:
    path = tmp_path / "scene.ome.zarr"
    to_ngff_scene(path, _scene())
    scene = from_ngff_scene(path)
    right0 = Ref(path="tiles/right/" + scene.images["tiles/right"].metadata.datasets[0].path)
    round2_1 = Ref(path="round2/" + scene.images["round2"].metadata.datasets[1].path)
    index = np.array([[2.0, 3.0]])
    # right tile level 0: index * 0.5 then + (0, 20)
    np.testing.assert_allclose(scene.find_chain(right0, "world").apply(index), [[1.0, 21.5]])
    # round2 level 1 -> world -> right tile level 0 (a rotation, then the inverse translation
    # and the inverse scale)
    chain = scene.find_chain(round2_1, right0)
    level1 = scene.images["round2"].images[1]
    physical = index * [level1.scale["y"], level1.scale["x"]] + [
        level1.translation["y"],
        level1.translation["x"],
    ]
    world = physical @ np.array([[0.0, -1.0], [1.0, 0.0]]).T
    np.testing.assert_allclose(chain.apply(index), (world - [0.0, 20.0]) / 0.5)
    np.testing.assert_allclose(scene.find_chain(right0, round2_1).apply(chain.apply(index)), index)
    box = transform_bounding_box(
        scene.find_chain(right0, "world"), BoundingBox(lower=(0.0, 0.0), upper=(31.0, 39.0))
    )
    assert box == BoundingBox(lower=(0.0, 20.0), upper=(15.5, 39.5))


def test_scene_refuses_unknown_images_and_systems_before_writing(tmp_path: Path) -> None:
    path = tmp_path / "bad.ome.zarr"
    stray = Translation(
        [0.0, 1.0], input=Ref(path="nowhere", name="physical"), output=Ref(name="world")
    )
    with pytest.raises(NgffValueError, match="nowhere"):
        to_ngff_scene(path, NgffScene({"a": _tile(0)}, [stray], [WORLD]))
    wrong = Translation([0.0, 1.0], input=Ref(path="a", name="lab"), output=Ref(name="world"))
    with pytest.raises(NgffValueError, match="lab"):
        to_ngff_scene(path, NgffScene({"a": _tile(0)}, [wrong], [WORLD]))
    assert not path.exists()
    nz.to_ngff_zarr(tmp_path / "image.ome.zarr", _tile(0), version="0.6")
    with pytest.raises(InvalidMetadataError, match=r"expected a 0\.6 scene"):
        list_scene_images(tmp_path / "image.ome.zarr")


def _volume() -> nz.NgffImage:
    z, y, x = np.mgrid[0:12, 0:20, 0:24].astype(np.float32)
    data = (np.sin(z / 2.0) + np.cos(y / 3.0) * x / 10.0).astype(np.float32)
    return nz.to_ngff_image(
        data,
        dims=("z", "y", "x"),
        scale={"z": 2.0, "y": 1.0, "x": 1.0},
        translation={"z": 1.0, "y": 0.0, "x": -2.0},
    )


@pytest.mark.parametrize("interpolator", ["nearest", "linear"])
def test_resample_through_a_rotation_matches_scipy(interpolator: str) -> None:
    moving = _volume()
    fixed = nz.to_ngff_image(
        nz.to_ngff_image(np.zeros((10, 18, 22), np.float32), dims=("z", "y", "x")).data.rechunk(
            (5, 7, 8)
        ),
        dims=("z", "y", "x"),
        scale={"z": 1.5, "y": 1.2, "x": 0.9},
        translation={"z": 3.0, "y": 1.0, "x": 0.0},
    )
    angle = np.deg2rad(12.0)
    c, s = np.cos(angle), np.sin(angle)
    linear = np.array([[1.0, 0.0, 0.0], [0.0, c, -s], [0.0, s, c]])
    offset = np.array([0.5, 2.0, -1.0])
    transform = Affine(np.hstack([linear, offset[:, None]]).tolist())  # fixed -> moving physical
    ours = resample(transform, fixed, moving, interpolator=interpolator, default_value=-1.0)
    assert type(ours.data).__name__ == "Array" and ours.data.chunks == fixed.data.chunks
    fs, ft = np.array([1.5, 1.2, 0.9]), np.array([3.0, 1.0, 0.0])
    ms, mt = np.array([2.0, 1.0, 1.0]), np.array([1.0, 0.0, -2.0])
    matrix = np.diag(1 / ms) @ linear @ np.diag(fs)
    shift = (linear @ ft + offset - mt) / ms
    expected = affine_transform(
        np.asarray(moving.data),
        matrix,
        shift,
        output_shape=(10, 18, 22),
        order=0 if interpolator == "nearest" else 1,
        cval=-1.0,
    )
    np.testing.assert_allclose(ours.data.compute(), expected, rtol=1e-5, atol=1e-5)
    assert ours.scale == fixed.scale and ours.translation == fixed.translation


def test_resample_through_a_displacement_field_samples_every_point() -> None:
    """A field is not linear: every grid point is mapped (the same as the equal translation)."""
    moving = _volume()
    fixed = nz.to_ngff_image(
        moving.data.rechunk((6, 10, 12)), dims=("z", "y", "x"), scale=dict(moving.scale)
    )
    offset = np.array([0.5, -1.25, 2.0])
    values = np.broadcast_to(offset, (3, 4, 5, 3)).copy()  # a constant field over the volume
    field = Field(values=values, scale=(12.0, 7.0, 8.0), translation=(1.0, 0.0, -2.0))
    shifted = resample(
        Displacements("field"), fixed, moving, arrays={"field": field}, default_value=-1.0
    )
    reference = resample(Translation(offset.tolist()), fixed, moving, default_value=-1.0)
    np.testing.assert_allclose(shifted.data.compute(), reference.data.compute(), atol=1e-5)


def test_resample_keeps_channels_and_integer_types() -> None:
    data = np.arange(2 * 6 * 8, dtype=np.uint16).reshape(2, 6, 8)
    image = nz.to_ngff_image(data, dims=("c", "y", "x"))
    shifted = resample(Translation([0.0, 2.0]), image, image, interpolator="linear")
    out = shifted.data.compute()
    assert out.dtype == np.uint16
    np.testing.assert_array_equal(out[:, :, :6], data[:, :, 2:])
    np.testing.assert_array_equal(out[:, :, 6:], 0)
    with pytest.raises(NgffValueError, match="interpolator: expected one of"):
        resample(Translation([0.0, 2.0]), image, image, interpolator="cubic")
    with pytest.raises(NgffValueError, match="expected 2 input and output dims"):
        resample(Translation([0.0, 0.0, 2.0]), image, image)
