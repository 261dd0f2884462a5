"""Displacement and coordinate fields stored in the store, and resampling onto a bounding box.

Every store is a real directory: the image written by :func:`ngff_zarr.to_ngff_zarr`, the field
by :func:`ngff_zarr.to_field_array`, read back through :func:`ngff_zarr.open_transformation_arrays`
(zarr-python underneath). Resampling results are compared with the in-memory field and with
:func:`scipy.ndimage.affine_transform`.
"""

from __future__ import annotations

import json
import logging
import math
from pathlib import Path

import numpy as np
import pytest
import zarr
from scipy.ndimage import affine_transform

import ngff_zarr as nz
from ngff_zarr.errors import ArrayNotFoundError, InvalidMetadataError, NgffValueError
from ngff_zarr.v06.common import upgrade
from ngff_zarr.v06.coordinate_systems import Axis, CoordinateSystem
from ngff_zarr.v06.coordinate_systems import CoordinateSystemIdentifier as Ref
from ngff_zarr.v06.fields import Coordinates, Displacements, Field
from ngff_zarr.v06.matrices import Affine, Rotation

PHYSICAL = CoordinateSystem(
    "physical", [Axis("y", "space", unit="micrometer"), Axis("x", "space", unit="micrometer")]
)


def _field(shape: tuple[int, int] = (16, 20)) -> np.ndarray:
    y, x = np.meshgrid(np.arange(shape[0]), np.arange(shape[1]), indexing="ij")
    return np.stack([1.5 * np.sin(x / 3.0), 0.75 * np.cos(y / 4.0) + 0.5], axis=-1)


def _store(tmp_path: Path) -> Path:
    path = tmp_path / "image.ome.zarr"
    data = np.random.default_rng(3).integers(0, 4000, (32, 40), dtype=np.uint16)
    image = nz.to_ngff_image(data, dims=("y", "x"), scale={"y": 0.5, "x": 0.5})
    nz.to_ngff_zarr(path, nz.to_multiscales(image, scale_factors=[], chunks=16), version="0.6")
    return path


def test_stored_field_round_trips_with_its_metadata(tmp_path: Path) -> None:
    path = _store(tmp_path)
    values = _field()
    nz.to_field_array(
        path, "coordinateTransformations/dfield", values, input_system=PHYSICAL,
        scale=(2.0, 1.0), translation=(-1.0, 0.5), chunks=(2, 8, 8),
    )  # fmt: skip
    doc = json.loads((path / "coordinateTransformations/dfield/zarr.json").read_text("utf-8"))
    system = doc["attributes"]["ome"]["multiscales"][0]["coordinateSystems"][0]
    assert system["name"] == "physical"
    assert system["axes"][0] == {"name": "c", "type": "displacement", "discrete": True}
    array = zarr.open_array(path / "coordinateTransformations/dfield/s0", mode="r")
    assert array.shape == (2, 16, 20)  # vector axis first, as in the specification's example
    assert nz.validate(path / "coordinateTransformations/dfield").valid

    field = nz.open_transformation_arrays(path)["coordinateTransformations/dfield"]
    assert isinstance(field, Field)
    assert (field.scale, field.translation) == ((2.0, 1.0), (-1.0, 0.5))
    np.testing.assert_array_equal(field.array, values)


def test_stored_field_maps_points_as_the_in_memory_field(tmp_path: Path) -> None:
    path = _store(tmp_path)
    values = _field()
    nz.to_field_array(path, "fields/d", values, input_system=PHYSICAL, scale=(0.5, 0.5))
    stored = nz.open_transformation_arrays(path)
    memory = {"fields/d": Field(values=values, scale=(0.5, 0.5))}
    points = np.random.default_rng(0).uniform(-1, 11, (200, 2))
    for t in (Displacements("fields/d"), Displacements("fields/d", interpolation="nearest")):
        np.testing.assert_array_equal(
            t.apply(points, arrays=stored), t.apply(points, arrays=memory)
        )
    coords = np.concatenate([values, values[..., :1]], axis=-1)  # 2D -> 3D coordinates
    nz.to_field_array(path, "fields/c", coords, input_system=PHYSICAL, kind="coordinates")
    np.testing.assert_array_equal(
        Coordinates("fields/c").apply(points, arrays=nz.open_transformation_arrays(path)),
        Coordinates("fields/c").apply(points, arrays={"fields/c": coords}),
    )


def test_stored_field_reads_only_the_region_its_points_need(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    path = _store(tmp_path)
    nz.to_field_array(path, "fields/d", _field((64, 64)), input_system=PHYSICAL, chunks=(2, 8, 8))
    store = zarr.storage.LoggingStore(zarr.storage.LocalStore(path, read_only=True))
    arrays = nz.open_transformation_arrays(store)
    with caplog.at_level(logging.INFO):
        Displacements("fields/d").apply([[3.2, 4.7], [5.0, 9.9]], arrays=arrays)
    reads = {
        r.getMessage()
        for r in caplog.records
        if "Calling LocalStore.get(fields/d/s0/c/" in r.getMessage()
    }
    assert 0 < len(reads) <= 2, sorted(reads)  # of its 64 chunks: only those around the points


def test_resample_through_a_stored_field_equals_the_in_memory_result(tmp_path: Path) -> None:
    path = _store(tmp_path)
    values = _field((32, 40))
    nz.to_field_array(path, "coordinateTransformations/d", values, input_system=PHYSICAL,
                      scale=(0.5, 0.5))  # fmt: skip
    image = nz.from_ngff_zarr(path).images[0]
    t = Displacements("coordinateTransformations/d")
    stored = nz.resample(t, image, image, arrays=nz.open_transformation_arrays(path))
    memory = nz.resample(
        t, image, image,
        arrays={"coordinateTransformations/d": Field(values=values, scale=(0.5, 0.5))},
    )  # fmt: skip
    np.testing.assert_array_equal(stored.data.compute(), memory.data.compute())
    assert not np.array_equal(stored.data.compute(), image.data.compute())  # it moved


def test_scene_prefixes_the_array_paths_of_its_images(tmp_path: Path) -> None:
    tile = nz.to_multiscales(nz.to_ngff_image(np.ones((8, 8), "uint8")), scale_factors=[])
    md = upgrade(tile.metadata)
    warped = CoordinateSystem("warped", [Axis("y", "space"), Axis("x", "space")])
    md.coordinateSystems = [warped]
    md.transformations = [
        Displacements("coordinateTransformations/d", input=Ref(name="physical"),
                      output=Ref(name="warped"))
    ]  # fmt: skip
    tile = nz.Multiscales(images=tile.images, metadata=md, method=tile.method, chunks=tile.chunks)
    world = CoordinateSystem("world", [Axis("y", "space"), Axis("x", "space")])
    place = Affine([[1, 0, 0], [0, 1, 0]], input=Ref(path="a", name="warped"),
                   output=Ref(name="world"))  # fmt: skip
    path = tmp_path / "scene.ome.zarr"
    nz.to_ngff_scene(path, nz.NgffScene({"a": tile}, [place], [world]))
    values = np.zeros((8, 8, 2))
    values[..., 0] = 2.0
    nz.to_field_array(path, "a/coordinateTransformations/d", values,
                      input_system=md.coordinate_system("physical"))  # fmt: skip
    scene = nz.from_ngff_scene(path)
    chain = scene.find_chain(Ref(path="a", name="physical"), "world")
    moved = chain.apply([1.0, 1.0], arrays=nz.open_transformation_arrays(path))
    assert moved.tolist() == [3.0, 1.0]


def test_missing_field_array_raises_naming_its_path(tmp_path: Path) -> None:
    path = _store(tmp_path)
    arrays = nz.open_transformation_arrays(path)
    with pytest.raises(ArrayNotFoundError, match="'fields/nothing'"):
        Displacements("fields/nothing").apply([1.0, 1.0], arrays=arrays)


def test_field_group_without_a_displacement_axis_raises_naming_its_path(tmp_path: Path) -> None:
    path = _store(tmp_path)
    arrays = nz.open_transformation_arrays(tmp_path)
    with pytest.raises(InvalidMetadataError, match=r"'image.ome.zarr': .*'displacement' or"):
        arrays["image.ome.zarr"]  # an image, not a field: no vector axis
    nz.to_field_array(path, "fields/d", _field(), input_system=PHYSICAL)
    zarr.create_array(path / "fields/d/s0", shape=(2, 16), dtype="f8", overwrite=True)  # 2D
    with pytest.raises(InvalidMetadataError, match=r"'fields/d'.*3 dimensions"):
        nz.open_transformation_arrays(path)["fields/d"]


def test_to_field_array_checks_the_shape(tmp_path: Path) -> None:
    with pytest.raises(NgffValueError, match="expected 3 dimensions"):
        nz.to_field_array(tmp_path, "f", np.zeros((4, 2)), input_system=PHYSICAL)
    with pytest.raises(NgffValueError, match="expected 2 displacement components"):
        nz.to_field_array(tmp_path, "f", np.zeros((4, 4, 3)), input_system=PHYSICAL)


# --- resampling onto the bounding box --------------------------------------------------


def _rotation(degrees: float) -> np.ndarray:
    a = math.radians(degrees)
    return np.array([[math.cos(a), -math.sin(a)], [math.sin(a), math.cos(a)]])


def test_bounding_box_grid_covers_the_rotated_image_and_matches_scipy() -> None:
    data = np.random.default_rng(1).random((20, 30)).astype(np.float32)
    image = nz.to_ngff_image(data, dims=("y", "x"), scale={"y": 1.0, "x": 1.0})
    r = _rotation(30.0)
    out = nz.resample_onto_bounding_box(Rotation(r.tolist()), image, interpolator="linear")
    corners = np.array([[0, 0], [0, 29], [19, 0], [19, 29]], dtype=float) @ r.T
    lower, upper = corners.min(axis=0), corners.max(axis=0)
    assert [out.translation["y"], out.translation["x"]] == pytest.approx(lower.tolist())
    expected_shape = tuple(
        int(np.floor(u - lo + 1e-9)) + 1 for lo, u in zip(lower, upper, strict=True)
    )
    assert out.data.shape == expected_shape
    # scipy: output index o -> input index R^T (o + lower)
    expected = affine_transform(
        data.astype(np.float64), r.T, r.T @ lower, output_shape=expected_shape, order=1,
        mode="constant", cval=0.0,
    )  # fmt: skip
    np.testing.assert_allclose(out.data.compute(), expected, atol=1e-5)


def test_bounding_box_with_a_coarser_scale_and_a_stored_field(tmp_path: Path) -> None:
    path = _store(tmp_path)
    image = nz.from_ngff_zarr(path).images[0]
    rot90 = Rotation([[0.0, -1.0], [1.0, 0.0]])
    out = nz.resample_onto_bounding_box(rot90, image, interpolator="nearest")
    np.testing.assert_array_equal(out.data.compute(), np.rot90(image.data.compute()))
    coarse = nz.resample_onto_bounding_box(
        rot90, image, {"y": 1.0, "x": 1.0}, interpolator="nearest"
    )
    assert coarse.data.shape == (20, 16) and coarse.scale == {"y": 1.0, "x": 1.0}
    nz.to_field_array(path, "fields/zero", np.zeros((32, 40, 2)), input_system=PHYSICAL,
                      scale=(0.5, 0.5))  # fmt: skip
    arrays = nz.open_transformation_arrays(path)
    with pytest.raises(NgffValueError, match="inverse"):
        nz.resample_onto_bounding_box(Displacements("fields/zero"), image, arrays=arrays)
    same = nz.resample_onto_bounding_box(
        Displacements("fields/zero"), image, inverse=Displacements("fields/zero"),
        interpolator="nearest", arrays=arrays,
    )  # fmt: skip
    np.testing.assert_array_equal(same.data.compute(), image.data.compute())


def test_resample_tasks_stay_small_whatever_the_input_chunks() -> None:
    import dask.array as da

    from ngff_zarr.resample import TASK_VOXELS

    data = da.zeros((64, 512, 512), dtype="uint16", chunks=(64, 512, 512))  # one 16 Mi chunk
    image = nz.to_ngff_image(data, dims=("z", "y", "x"))
    out = nz.resample(Rotation(np.eye(3).tolist()), image, image)
    assert out.data.shape == data.shape
    assert int(np.prod(out.data.chunksize)) <= TASK_VOXELS
    assert out.data.npartitions >= data.size // TASK_VOXELS
