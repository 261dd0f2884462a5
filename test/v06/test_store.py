"""OME-Zarr 0.6 stores through the public pipeline: write, read lazily, validate, convert, upgrade.

Every store is a real directory written by :func:`ngff_zarr.to_ngff_zarr`; the checks read what
is on disk (``zarr.json``, chunk files) and what :func:`ngff_zarr.from_ngff_zarr` gives back.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from _interop import assert_readable_by_ome_zarr_py

import ngff_zarr as nz
from ngff_zarr.errors import NgffValueError
from ngff_zarr.v06.common import Metadata as Metadata06
from ngff_zarr.v06.common import upgrade
from ngff_zarr.v06.coordinate_systems import Axis, CoordinateSystem
from ngff_zarr.v06.coordinate_systems import CoordinateSystemIdentifier as Ref
from ngff_zarr.v06.matrices import Affine
from ngff_zarr.v06.transformations import Transformation


def _attrs(path: Path, group: str = "") -> dict[str, Any]:
    document = json.loads((path / group / "zarr.json").read_text(encoding="utf-8"))
    attributes: dict[str, Any] = document["attributes"]
    return attributes


def _image(seed: int = 0) -> nz.NgffImage:
    data = np.random.default_rng(seed).integers(0, 4000, (8, 32, 48), dtype=np.uint16)
    return nz.to_ngff_image(
        data,
        dims=("z", "y", "x"),
        scale={"z": 2.0, "y": 0.5, "x": 0.5},
        translation={"z": 10.0, "y": -3.0, "x": 4.0},
        axes_units={"z": "micrometer", "y": "micrometer", "x": "micrometer"},
    )


def _pyramid(seed: int = 0) -> nz.Multiscales:
    return nz.to_multiscales(_image(seed), scale_factors=[2], method=nz.Methods.LOCAL_MEAN)


def _chunk_files(path: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(path)): p.read_bytes()
        for p in sorted(path.rglob("*"))
        if p.is_file() and p.name != "zarr.json" and not p.name.startswith(".z")
    }


def test_written_0_6_store_reads_back_lazily_with_its_transforms(tmp_path: Path) -> None:
    path = tmp_path / "image.ome.zarr"
    ms = _pyramid()
    nz.to_ngff_zarr(path, ms, version="0.6")
    ome = _attrs(path)["ome"]
    assert ome["version"] == "0.6"
    (multiscale,) = ome["multiscales"]
    assert [s["name"] for s in multiscale["coordinateSystems"]] == ["physical"]
    first = multiscale["datasets"][0]["coordinateTransformations"][0]
    assert first["input"] == {"path": multiscale["datasets"][0]["path"]}
    assert first["output"] == {"name": "physical"}
    assert nz.validate(path).errors == ()

    back = nz.from_ngff_zarr(path)
    assert isinstance(back.metadata, Metadata06) and back.metadata.version == "0.6"
    assert back.dims == ("z", "y", "x")
    for read, written in zip(back.images, ms.images, strict=True):
        assert type(read.data).__name__ == "Array"  # dask: lazy
        assert read.scale == pytest.approx(written.scale)
        assert read.translation == pytest.approx(written.translation)
        np.testing.assert_array_equal(read.data.compute(), np.asarray(written.data))
    assert back.metadata.intrinsic_coordinate_system.axis_names == ("z", "y", "x")
    level1 = back.metadata.level_transformation(1)
    index = np.array([[1.0, 2.0, 3.0]])
    expected = index * [back.images[1].scale[d] for d in back.dims] + [
        back.images[1].translation[d] for d in back.dims
    ]
    np.testing.assert_allclose(level1.apply(index), expected)
    chain = back.metadata.find_chain(Ref(path=back.metadata.datasets[1].path), "physical")
    np.testing.assert_allclose(chain.apply(index), expected)


def test_ome_zarr_py_reads_the_pixels_of_a_0_6_store(tmp_path: Path) -> None:
    """ome-zarr-py 0.18 has no 0.6 format; it finds the levels by their paths, reading as 0.5."""
    path = tmp_path / "image.ome.zarr"
    ms = _pyramid(4)
    nz.to_ngff_zarr(path, _with_world(ms), version="0.6")
    assert_readable_by_ome_zarr_py(path, [np.asarray(im.data) for im in ms.images])


def test_0_5_to_0_6_to_0_5_keeps_pixels_and_metadata(tmp_path: Path) -> None:
    first, middle, last = (tmp_path / f"{n}.ome.zarr" for n in ("a", "b", "c"))
    nz.to_ngff_zarr(first, _pyramid(1), version="0.5")
    nz.to_ngff_zarr(middle, nz.from_ngff_zarr(first), version="0.6")
    assert _attrs(middle)["ome"]["version"] == "0.6"
    assert nz.validate(middle).errors == ()
    nz.to_ngff_zarr(last, nz.from_ngff_zarr(middle), version="0.5")
    assert _attrs(last) == _attrs(first)
    a, c = nz.from_ngff_zarr(first), nz.from_ngff_zarr(last)
    for x, y in zip(a.images, c.images, strict=True):
        np.testing.assert_array_equal(x.data.compute(), y.data.compute())


def _with_world(ms: nz.Multiscales) -> nz.Multiscales:
    """``ms`` as 0.6 metadata with a world system reached by an affine (a tilt in y/x)."""
    md = upgrade(ms.metadata)
    world = CoordinateSystem(
        "world", [Axis("z", "space", unit="micrometer"), Axis("y", "space"), Axis("x", "space")]
    )
    affine = Affine(
        [[1.0, 0.0, 0.0, 5.0], [0.0, 0.8, -0.6, 0.0], [0.0, 0.6, 0.8, 0.0]],
        input=Ref(name="physical"),
        output=Ref(name="world"),
    )
    md.coordinateSystems = [world]
    md.transformations = [affine]
    return nz.Multiscales(images=ms.images, metadata=md, method=ms.method, chunks=ms.chunks)


def test_extra_coordinate_systems_round_trip_and_map_points(tmp_path: Path) -> None:
    path = tmp_path / "world.ome.zarr"
    nz.to_ngff_zarr(path, _with_world(_pyramid()))  # 0.6 metadata: written as 0.6
    multiscale = _attrs(path)["ome"]["multiscales"][0]
    assert [s["name"] for s in multiscale["coordinateSystems"]] == ["physical", "world"]
    assert multiscale["coordinateTransformations"][0]["type"] == "affine"
    assert nz.validate(path, strict=True).errors == ()

    md = nz.from_ngff_zarr(path).metadata
    assert isinstance(md, Metadata06)
    assert [t.to_dict() for t in md.transformations] == multiscale["coordinateTransformations"]
    point = np.array([[1.0, 2.0, 4.0]])  # an index of level 0
    to_world = md.find_chain(Ref(path=md.datasets[0].path), "world")
    physical = point * [2.0, 0.5, 0.5] + [10.0, -3.0, 4.0]
    z, y, x = physical[0]
    np.testing.assert_allclose(
        to_world.apply(point), [[z + 5.0, 0.8 * y - 0.6 * x, 0.6 * y + 0.8 * x]]
    )
    back = md.find_chain("world", Ref(path=md.datasets[0].path))  # through the inverse
    np.testing.assert_allclose(back.apply(to_world.apply(point)), point)


def test_0_6_metadata_that_0_5_cannot_express_is_refused_before_writing(tmp_path: Path) -> None:
    path = tmp_path / "refused.ome.zarr"
    with pytest.raises(
        NgffValueError,
        match=r"0\.5 cannot express the coordinate system 'world' and the affine "
        r"transformation physical -> world",
    ):
        nz.to_ngff_zarr(path, _with_world(_pyramid()), version="0.5")
    assert not path.exists()
    plain = tmp_path / "plain.ome.zarr"
    nz.to_ngff_zarr(plain, _pyramid(), version="0.6")
    nz.to_ngff_zarr(tmp_path / "down.ome.zarr", nz.from_ngff_zarr(plain), version="0.4")
    assert nz.from_ngff_zarr(tmp_path / "down.ome.zarr").metadata.version == "0.4"


@pytest.mark.parametrize("start", ["0.4", "0.5"])
def test_upgrade_in_place_to_0_6_rewrites_metadata_only(tmp_path: Path, start: str) -> None:
    path = tmp_path / "image.ome.zarr"
    nz.to_ngff_zarr(path, _pyramid(2), version=start)
    mask = np.zeros((8, 32, 48), np.uint8)
    mask[2:5, 4:20, 8:30] = 3
    nz.write_labels(path, "cells", mask)
    before = nz.from_ngff_zarr(path)
    chunks = _chunk_files(path)
    nz.upgrade_ome_zarr(path, version="0.6")
    assert _chunk_files(path) == chunks  # the chunk files are untouched
    assert _attrs(path)["ome"]["version"] == "0.6"
    assert _attrs(path, "labels")["ome"] == {"version": "0.6", "labels": ["cells"]}
    label = _attrs(path, "labels/cells")["ome"]
    assert label["version"] == "0.6" and "coordinateSystems" in label["multiscales"][0]
    report = nz.validate(path)
    assert report.errors == (), report
    after = nz.from_ngff_zarr(path)
    assert isinstance(after.metadata, Metadata06)
    for x, y in zip(before.images, after.images, strict=True):
        assert x.scale == y.scale and x.translation == y.translation
        np.testing.assert_array_equal(x.data.compute(), y.data.compute())
    np.testing.assert_array_equal(nz.read_labels(path)["cells"].images[0].data.compute(), mask)


def test_upgrade_back_to_0_5_and_refusal_names_what_is_lost(tmp_path: Path) -> None:
    path = tmp_path / "image.ome.zarr"
    nz.to_ngff_zarr(path, _pyramid(3), version="0.6")
    nz.upgrade_ome_zarr(path, version="0.5")
    assert _attrs(path)["ome"]["version"] == "0.5" and nz.validate(path).errors == ()
    world = tmp_path / "world.ome.zarr"
    nz.to_ngff_zarr(world, _with_world(_pyramid(3)), version="0.6")
    before = (world / "zarr.json").read_bytes()
    with pytest.raises(NgffValueError, match="coordinate system 'world'"):
        nz.upgrade_ome_zarr(world, version="0.5")
    assert (world / "zarr.json").read_bytes() == before


@pytest.mark.parametrize("stated", ["0.6rc0", "0.6.dev2"])
def test_release_candidate_and_development_versions_read(tmp_path: Path, stated: str) -> None:
    path = tmp_path / "image.ome.zarr"
    nz.to_ngff_zarr(path, _pyramid(), version="0.6")
    document = json.loads((path / "zarr.json").read_text(encoding="utf-8"))
    document["attributes"]["ome"]["version"] = stated
    (path / "zarr.json").write_text(json.dumps(document))
    if stated == "0.6rc0":
        assert nz.from_ngff_zarr(path).metadata.version == "0.6"
        assert nz.validate(path).errors == ()
    else:
        with pytest.warns(nz.NgffWarning, match="read as 0.6"):
            assert nz.from_ngff_zarr(path).metadata.version == "0.6"
        assert "NGFF003" in nz.validate(path).codes


def _official_registry(spec: Path) -> Any:
    from referencing import Registry, Resource

    resources = []
    for file in sorted((spec / "0.6" / "schemas").glob("*.schema")):
        schema = json.loads(file.read_text(encoding="utf-8"))
        resources.append((schema["$id"], Resource.from_contents(schema)))
    return Registry().with_resources(resources)


def test_written_stores_validate_with_the_official_schemas(ngff_spec: Path, tmp_path: Path) -> None:
    from jsonschema import Draft202012Validator

    registry = _official_registry(ngff_spec)
    schema = json.loads(
        (ngff_spec / "0.6" / "schemas" / "ome_zarr.schema").read_text(encoding="utf-8")
    )
    validator = Draft202012Validator(schema, registry=registry)
    for name, ms in (("plain", _pyramid()), ("world", _with_world(_pyramid()))):
        path = tmp_path / f"{name}.ome.zarr"
        nz.to_ngff_zarr(path, ms, version="0.6")
        attrs = _attrs(path)
        # the official 0.6rc0 schemas know the version "0.6rc0" only
        attrs["ome"]["version"] = "0.6rc0"
        errors = [e.message for e in validator.iter_errors(attrs)]
        assert errors == [], errors


def test_transformation_types_survive_a_store(tmp_path: Path) -> None:
    """Every 0.6 type that maps physical to world survives a write and a read unchanged."""
    docs: list[dict[str, Any]] = [
        {"type": "identity"},
        {"type": "mapAxis", "mapAxis": [0, 2, 1]},
        {"type": "translation", "translation": [1.0, 2.0, 3.0]},
        {"type": "scale", "scale": [1.0, 2.0, 3.0]},
        {"type": "rotation", "rotation": [[1, 0, 0], [0, 0, -1], [0, 1, 0]]},
        {"type": "sequence", "transformations": [
            {"type": "scale", "scale": [2, 2, 2]}, {"type": "translation", "translation": [1, 1, 1]}
        ]},
    ]  # fmt: skip
    for i, doc in enumerate(docs):
        ms = _with_world(_pyramid())
        t = Transformation.from_dict(
            {**doc, "input": {"name": "physical"}, "output": {"name": "world"}}
        )
        assert isinstance(ms.metadata, Metadata06)
        ms.metadata.transformations = [t]
        path = tmp_path / f"t{i}.ome.zarr"
        nz.to_ngff_zarr(path, ms, version="0.6")
        md = nz.from_ngff_zarr(path).metadata
        assert isinstance(md, Metadata06)
        assert [x.to_dict() for x in md.transformations] == [t.to_dict()]
        assert nz.validate(path).errors == (), doc["type"]


def test_a_0_6_plate_holds_0_6_wells_and_fields(tmp_path: Path) -> None:
    store = tmp_path / "plate.ome.zarr"
    plate = nz.Plate.from_names(["A"], ["1"], wells=["A/1"], name="screen", version="0.6")
    nz.to_hcs_zarr(plate, store)
    nz.write_hcs_well_image(store, _pyramid(5), row="A", column="1", field_index=0)
    for group in ("", "A/1", "A/1/0"):
        assert _attrs(store, group)["ome"]["version"] == "0.6", group
    assert "coordinateSystems" in _attrs(store, "A/1/0")["ome"]["multiscales"][0]
    report = nz.validate(store)
    assert report.errors == (), report
    field = nz.from_hcs_zarr(store).get_well("A", "1").get_image(0)
    assert isinstance(field.metadata, Metadata06)
