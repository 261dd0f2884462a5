"""0.6 images, multiscales, datasets, coordinate systems and scenes: parse, serialise, query."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from ngff_zarr.errors import InvalidMetadataError, NgffValueError
from ngff_zarr.v04 import multiscales as v04_multiscales
from ngff_zarr.v06 import zarr_metadata
from ngff_zarr.v06.coordinate_systems import Axis, CoordinateSystem
from ngff_zarr.v06.coordinate_systems import CoordinateSystemIdentifier as Ref
from ngff_zarr.v06.multiscales import Dataset, Image, Multiscale
from ngff_zarr.v06.scene import Scene
from ngff_zarr.v06.transformations import Identity, Scale, TransformSequence, Translation


def _axes(*names: str) -> list[dict[str, Any]]:
    return [{"name": n, "type": "space", "unit": "micrometer"} for n in names]


def _attrs() -> dict[str, Any]:
    return {
        "ome": {
            "version": "0.6",
            "@id": "kept",
            "multiscales": [
                {
                    "name": "img",
                    "coordinateSystems": [
                        {"name": "world", "axes": _axes("y", "x")},
                        {"name": "physical", "axes": _axes("y", "x")},
                    ],
                    "datasets": [
                        {
                            "path": "s0",
                            "coordinateTransformations": [
                                {
                                    "type": "scale",
                                    "scale": [0.5, 0.5],
                                    "input": {"path": "s0"},
                                    "output": {"name": "physical"},
                                }
                            ],
                        },
                        {
                            "path": "s1",
                            "coordinateTransformations": [
                                {
                                    "type": "sequence",
                                    "input": {"path": "s1"},
                                    "output": {"name": "physical"},
                                    "transformations": [
                                        {"type": "translation", "translation": [1, 1]},
                                        {"type": "scale", "scale": [1, 1]},
                                    ],
                                }
                            ],
                        },
                    ],
                    "coordinateTransformations": [
                        {
                            "type": "translation",
                            "translation": [10, 20],
                            "input": {"name": "physical"},
                            "output": {"name": "world"},
                        }
                    ],
                    "type": "gaussian",
                    "metadata": {"method": "test"},
                }
            ],
            "omero": {
                "channels": [
                    {"color": "FF0000", "window": {"min": 0, "max": 1, "start": 0, "end": 1}}
                ]
            },
            "image-label": {"colors": [{"label-value": 1}]},
        }
    }


def test_image_round_trip_keeps_every_member() -> None:
    attrs = _attrs()
    image = Image.from_attributes(attrs)
    assert image.version == "0.6" and image.extra == {
        "@id": "kept",
        "image-label": attrs["ome"]["image-label"],
    }
    assert image.to_attributes() == attrs
    assert attrs == _attrs()  # the input is not changed


def test_multiscale_queries() -> None:
    ms = Image.from_attributes(_attrs()).multiscales[0]
    assert ms.intrinsic.name == "physical"
    assert ms.coordinate_system("world").axis_names == ("y", "x")
    assert [t.type for t in ms.transformations()] == ["scale", "sequence", "translation"]
    assert ms.find_chain(Ref(path="s1"), "world").apply([0.0, 0.0]).tolist() == [11.0, 21.0]
    with pytest.raises(NgffValueError, match=r"name: expected one of \['world', 'physical'\]"):
        ms.coordinate_system("nowhere")


def test_scale_and_translation_of_each_level() -> None:
    ms = Image.from_attributes(_attrs()).multiscales[0]
    assert ms.datasets[0].scale_and_translation() == ([0.5, 0.5], [0.0, 0.0])
    # translation then scale is the same as scale then translation * scale
    assert ms.datasets[1].scale_and_translation() == ([1.0, 1.0], [1.0, 1.0])
    identity = Dataset("s0", [Identity(input=Ref(path="s0"), output=Ref(name="physical"))])
    assert identity.scale_and_translation(3) == ([1.0, 1.0, 1.0], [0.0, 0.0, 0.0])
    with pytest.raises(NgffValueError, match="ndim: the identity transformation of 's0' needs"):
        identity.scale_and_translation()
    rotated = Dataset("s0", [Scale([1.0, 1.0]), Scale([2.0, 2.0])])
    with pytest.raises(InvalidMetadataError, match="expected exactly one transformation"):
        rotated.scale_and_translation()


def test_intrinsic_system_must_be_one_and_exist() -> None:
    ms = Multiscale(
        [CoordinateSystem("physical", [Axis("y", "space"), Axis("x", "space")])],
        [
            Dataset("s0", [Scale([1.0, 1.0], input=Ref(path="s0"), output=Ref(name="physical"))]),
            Dataset("s1", [Scale([2.0, 2.0], input=Ref(path="s1"), output=Ref(name="other"))]),
        ],
    )
    with pytest.raises(InvalidMetadataError, match=r"datasets: .* found \['other', 'physical'\]"):
        _ = ms.intrinsic
    ms.datasets.pop(0)
    with pytest.raises(InvalidMetadataError, match="coordinateSystems: name: expected one of"):
        _ = ms.intrinsic


def test_multiscale_built_in_code_serialises_like_the_specification() -> None:
    ms = Multiscale(
        coordinateSystems=[CoordinateSystem("physical", [Axis("y", "space"), Axis("x", "space")])],
        datasets=[
            Dataset(
                "s0",
                [
                    TransformSequence(
                        [Scale([2.0, 2.0]), Translation([0.5, 0.5])],
                        input=Ref(path="s0"),
                        output=Ref(name="physical"),
                    )
                ],
            )
        ],
        name="built",
    )
    doc = ms.to_dict()
    assert list(doc) == ["name", "coordinateSystems", "datasets"]
    assert doc["datasets"][0]["coordinateTransformations"][0]["input"] == {"path": "s0"}
    assert Multiscale.from_dict(doc) == ms


@pytest.mark.parametrize("version", ["0.6", "0.6rc0", "0.6.dev3"])
def test_reads_every_0_6_version(version: str) -> None:
    attrs = _attrs()
    attrs["ome"]["version"] = version
    assert Image.from_attributes(attrs).to_attributes()["ome"]["version"] == version


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        (lambda o: o.update(version="0.5"), "ome.version", "expected '0.6' (or '0.6rc0'"),
        (lambda o: o.pop("version"), "ome.version", "expected a string, it is missing"),
        (
            lambda o: o["multiscales"][0].pop("datasets"),
            "ome.multiscales[0].datasets",
            "expected a list of objects, it is missing",
        ),
        (
            lambda o: o["multiscales"][0]["datasets"][1].update(path=0),
            "ome.multiscales[0].datasets[1].path",
            "expected a string, found 0",
        ),
        (
            lambda o: o["multiscales"][0]["coordinateSystems"][0]["axes"][1].update(discrete="no"),
            "ome.multiscales[0].coordinateSystems[0].axes[1].discrete",
            "expected true or false",
        ),
        (
            lambda o: o["multiscales"][0]["coordinateSystems"][1].update(name=""),
            "ome.multiscales[0].coordinateSystems[1].name",
            "expected a non-empty string",
        ),
        (
            lambda o: o["multiscales"][0]["datasets"][1]["coordinateTransformations"][0][
                "transformations"
            ][0].update(translation="1"),
            "ome.multiscales[0].datasets[1].coordinateTransformations[0].transformations[0]"
            ".translation",
            "expected a list of numbers",
        ),
        (
            lambda o: o["multiscales"][0].update(metadata=[1]),
            "ome.multiscales[0].metadata",
            "expected an object",
        ),
    ],
)
def test_parse_errors_name_the_field(change: Any, field: str, message: str) -> None:
    attrs = copy.deepcopy(_attrs())
    change(attrs["ome"])
    with pytest.raises(InvalidMetadataError) as info:
        Image.from_attributes(attrs, path="img/zarr.json")
    assert info.value.field == field and info.value.path == "img/zarr.json"
    assert message in str(info.value)


def test_attributes_without_ome() -> None:
    with pytest.raises(InvalidMetadataError, match=r"attributes\.ome: expected an object, it is"):
        Image.from_attributes({"multiscales": []})


# --- scenes -------------------------------------------------------------------------------


def _scene() -> dict[str, Any]:
    return {
        "ome": {
            "version": "0.6rc0",
            "scene": {
                "coordinateTransformations": [
                    {
                        "type": "translation",
                        "translation": [0, 348],
                        "name": "tile_1 to world",
                        "input": {"path": "tile_1", "name": "physical"},
                        "output": {"name": "world"},
                    },
                    {
                        "type": "translation",
                        "translation": [276, 0],
                        "name": "tile_2 to world",
                        "input": {"path": "tile_2", "name": "physical"},
                        "output": {"name": "world"},
                    },
                ],
                "coordinateSystems": [{"name": "world", "axes": _axes("y", "x")}],
            },
        }
    }


def test_scene_round_trip_and_queries() -> None:
    scene = Scene.from_attributes(_scene())
    assert scene.to_dict() == _scene()["ome"]["scene"]
    assert scene.to_attributes(version="0.6rc0") == _scene()
    assert scene.to_attributes()["ome"]["version"] == "0.6"
    assert scene.images() == ["tile_1", "tile_2"]
    assert scene.coordinate_system("world").ndim == 2
    with pytest.raises(NgffValueError, match=r"name: expected one of \['world'\], got 'x'"):
        scene.coordinate_system("x")
    to_tile_2 = scene.find_chain(
        Ref(path="tile_1", name="physical"), Ref(path="tile_2", name="physical")
    )
    assert to_tile_2.apply([1.0, 1.0]).tolist() == [-275.0, 349.0]


def test_scene_errors_name_the_field() -> None:
    attrs = _scene()
    attrs["ome"]["scene"]["coordinateTransformations"][1]["output"] = "world"
    with pytest.raises(InvalidMetadataError) as info:
        Scene.from_attributes(attrs)
    assert info.value.field == "ome.scene.coordinateTransformations[1].output"
    with pytest.raises(InvalidMetadataError, match=r"ome\.scene: expected a scene object"):
        Scene.from_attributes({"ome": {"version": "0.6"}})
    with pytest.raises(InvalidMetadataError, match=r"ome\.version: expected '0\.6'"):
        Scene.from_attributes({"ome": {"version": "0.5", "scene": {}}})


def test_zarr_metadata_reexports_the_public_classes() -> None:
    assert zarr_metadata.Multiscale is Multiscale
    assert issubclass(zarr_metadata.Metadata, v04_multiscales.Metadata)
    assert zarr_metadata.BaseTransform.__name__ == "Transformation"
    for name in zarr_metadata.__all__:
        assert getattr(zarr_metadata, name) is not None
