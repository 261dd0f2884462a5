"""Our JSON Schemas of 0.6: written for ngff_zarr (not copies), offline, and what they encode.

Agreement with every official case and example is in ``test_conformance.py``.
"""

from __future__ import annotations

import json
import os
from importlib import resources
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator

from ngff_zarr._validation.schema import available_schemas, schema_violations
from ngff_zarr.v06.coordinate_systems import Axis, CoordinateSystem
from ngff_zarr.v06.coordinate_systems import CoordinateSystemIdentifier as Ref
from ngff_zarr.v06.multiscales import Dataset, Image, Multiscale
from ngff_zarr.v06.scene import Scene
from ngff_zarr.v06.transformations import Affine, Scale, TransformSequence, Translation

_SHARED = Path(
    os.environ.get("NGFF_ZARR_SHARED", Path(__file__).resolve().parents[2].parent / "shared")
)
OFFICIAL = _SHARED / "ngff-spec" / "0.6" / "schemas"
OURS = resources.files("ngff_zarr").joinpath("schemas", "0.6")
KINDS = {
    "bf2raw",
    "coordinate_systems",
    "coordinate_transformations",
    "image",
    "label",
    "labels",
    "ome",
    "plate",
    "scene",
    "series",
    "well",
}


def _ours() -> dict[str, Any]:
    return {
        entry.name.removesuffix(".schema.json"): json.loads(entry.read_text(encoding="utf-8"))
        for entry in OURS.iterdir()
        if entry.name.endswith(".schema.json")
    }


def test_every_kind_has_a_schema_with_our_id() -> None:
    schemas = _ours()
    assert set(schemas) == KINDS
    assert {kind for version, kind in available_schemas() if version == "0.6"} == KINDS
    for kind, schema in schemas.items():
        Draft202012Validator.check_schema(schema)
        assert schema["$id"] == f"https://ngff-zarr.invalid/schemas/0.6/{kind}.schema.json"
        assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"


def test_schemas_never_reach_the_official_site() -> None:
    for kind, schema in _ours().items():
        assert "ngff.openmicroscopy.org" not in json.dumps(schema), kind


def test_no_schema_is_a_copy_of_an_official_one(ngff_spec: Path) -> None:
    official = [
        json.loads(p.read_text(encoding="utf-8")) for p in sorted(OFFICIAL.glob("*.schema"))
    ]
    assert len(official) == 19

    def strip(schema: Any) -> Any:  # compare without $id/$schema and descriptions
        if isinstance(schema, dict):
            return {
                k: strip(v)
                for k, v in schema.items()
                if k not in ("$id", "$schema", "title", "description", "$comment")
            }
        return [strip(v) for v in schema] if isinstance(schema, list) else schema

    ours = [strip(s) for s in _ours().values()]
    assert not any(strip(o) in ours for o in official)


def _version(version: str) -> list[tuple[str, str]]:
    return schema_violations(
        {"ome": {"version": version, "well": {"images": [{"path": "0"}]}}}, "0.6", "well"
    )


@pytest.mark.parametrize("version", ["0.6", "0.6rc0"])
def test_release_and_release_candidate_versions_validate(version: str) -> None:
    assert _version(version) == []


@pytest.mark.parametrize("version", ["0.6rc02", "0.5", "0.6.dev2", "0.6.0"])
def test_other_versions_do_not(version: str) -> None:
    ((field, message),) = _version(version)
    assert field == "ome.version" and "0.6rc0" in message


def _image(transformation: dict[str, Any], *axes: dict[str, Any]) -> dict[str, Any]:
    axes = axes or ({"name": "y", "type": "space"}, {"name": "x", "type": "space"})
    return {
        "ome": {
            "version": "0.6",
            "multiscales": [
                {
                    "coordinateSystems": [{"name": "physical", "axes": list(axes)}],
                    "datasets": [{"path": "s0", "coordinateTransformations": [transformation]}],
                }
            ],
        }
    }


IO = {"input": {"path": "s0"}, "output": {"name": "physical"}}
SCALE = {"type": "scale", "scale": [1, 1]}
SHIFT = {"type": "translation", "translation": [1, 1]}


@pytest.mark.parametrize(
    ("transformation", "valid"),
    [
        ({**SCALE, **IO}, True),
        ({"type": "identity", **IO}, True),
        ({"type": "sequence", "transformations": [SCALE, SHIFT], **IO}, True),
        ({"type": "sequence", "transformations": [SHIFT, SCALE], **IO}, True),
        ({"type": "sequence", "transformations": [SCALE, SCALE], **IO}, False),
        ({"type": "sequence", "transformations": [SCALE], **IO}, False),
        ({**SHIFT, **IO}, False),
        ({"type": "affine", "affine": [[1, 0, 0], [0, 1, 0]], **IO}, False),
        ({**SCALE, "input": {"name": "s0"}, "output": {"name": "physical"}}, False),
        ({**SCALE, "input": {"path": "s0"}, "output": {"path": "physical"}}, False),
        ({**SCALE, "input": {"path": "s0", "extra": 1}, "output": {"name": "physical"}}, False),
        ({"type": "scale", "scale": [0, 1], **IO}, False),
        ({"type": "scale", "scale": [1, 1]}, False),
    ],
)
def test_dataset_transformations(transformation: dict[str, Any], valid: bool) -> None:
    assert (schema_violations(_image(transformation), "0.6", "image") == []) is valid


@pytest.mark.parametrize(
    ("axes", "valid"),
    [
        ([{"name": "y", "type": "space"}, {"name": "x", "type": "space"}], True),
        ([{"name": "i", "type": "array"}, {"name": "j", "type": "array"}], True),
        ([{"name": "c", "type": "channel"}, {"name": "x", "type": "space"}], False),
        ([{"name": n, "type": "space"} for n in "wzyx"], False),
        ([{"name": "c"}] + [{"name": n, "type": "space"} for n in "zyx"], True),
        ([{"name": n} for n in "tczyxq"], False),
        ([{"name": "x", "type": "space"}] * 2, False),
        ([{"name": "", "type": "space"}, {"name": "x", "type": "space"}], False),
    ],
)
def test_image_coordinate_systems(axes: list[dict[str, Any]], valid: bool) -> None:
    scale = {"type": "scale", "scale": [1] * len(axes), **IO}
    assert (schema_violations(_image(scale, *axes), "0.6", "image") == []) is valid


def _scene(*transformations: dict[str, Any]) -> dict[str, Any]:
    return {
        "ome": {"version": "0.6", "scene": {"coordinateTransformations": list(transformations)}}
    }


BETWEEN = {"input": {"name": "a"}, "output": {"path": "img", "name": "b"}}


@pytest.mark.parametrize(
    ("transformation", "valid"),
    [
        ({"type": "mapAxis", "mapAxis": [1, 0], **BETWEEN}, True),
        ({"type": "mapAxis", "mapAxis": [0, 0], **BETWEEN}, False),
        ({"type": "projectAxis", **BETWEEN}, False),
        ({"type": "projectAxis", "createdOutputs": [0], **BETWEEN}, True),
        ({"type": "affine", "path": "m", **BETWEEN}, True),
        ({"type": "affine", "path": "m", "affine": [[1, 0]], **BETWEEN}, False),
        ({"type": "rotation", **BETWEEN}, False),
        ({"type": "bijection", "forward": {"type": "identity"}, **BETWEEN}, False),
        (
            {
                "type": "byDimension",
                "transformations": [
                    {"transformation": {"type": "identity"}, "inputAxes": [0], "outputAxes": [0]}
                ],
                **BETWEEN,
            },
            True,
        ),
        (
            {
                "type": "byDimension",
                "transformations": [
                    {"transformation": {"type": "identity"}, "inputAxes": ["x"], "outputAxes": [0]}
                ],
                **BETWEEN,
            },
            False,
        ),
        ({"type": "displacements", "path": "f", "interpolation": "cubic", **BETWEEN}, True),
        ({"type": "coordinates", "path": "f", "interpolation": "spline", **BETWEEN}, False),
        ({"type": "sequence", "transformations": [{"type": "warp"}], **BETWEEN}, False),
        ({"type": "identity", "input": {"path": "img"}, "output": {"name": "b"}}, False),
        ({"type": "identity", "input": "a", "output": {"name": "b"}}, False),
    ],
)
def test_scene_transformations(transformation: dict[str, Any], valid: bool) -> None:
    assert (schema_violations(_scene(transformation), "0.6", "scene") == []) is valid


def test_what_the_model_writes_validates() -> None:
    physical = CoordinateSystem("physical", [Axis("y", "space"), Axis("x", "space")])
    world = CoordinateSystem("world", [Axis("y", "space"), Axis("x", "space")])
    level = TransformSequence(
        [Scale([2.0, 2.0]), Translation([0.5, 0.5])],
        input=Ref(path="s1"),
        output=Ref(name="physical"),
    )
    ms = Multiscale(
        [world, physical],
        [Dataset("s1", [level])],
        [
            Affine(
                [[1.0, 0.2, 3.0], [0.0, 1.0, 0.0]],
                input=Ref(name="physical"),
                output=Ref(name="world"),
            )
        ],
    )
    assert schema_violations(Image([ms]).to_attributes(), "0.6", "image") == []
    scene = Scene(
        [Translation([1.0, 2.0], input=Ref(path="img", name="physical"), output=Ref(name="world"))],
        [world],
    )
    assert schema_violations(scene.to_attributes(), "0.6", "scene") == []
