"""The 0.6 data-level rules: each code on a document that breaks it, and none on a good one."""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

import pytest

from ngff_zarr.v06.rules import (
    CODES,
    RuleFinding,
    check_v06,
    check_v06_image,
    check_v06_label,
    check_v06_plate,
    check_v06_scene,
    check_v06_well,
)


def _axis(name: str, kind: str = "space", unit: str | None = "micrometer") -> dict[str, Any]:
    return {"name": name, "type": kind, **({"unit": unit} if unit else {})}


def _image() -> dict[str, Any]:
    """A valid 0.6 image with two levels, a world system and a rotated one."""
    zyx = [_axis("z"), _axis("y"), _axis("x")]
    return {
        "ome": {
            "version": "0.6",
            "multiscales": [
                {
                    "name": "img",
                    "type": "gaussian",
                    "metadata": {"method": "test"},
                    "coordinateSystems": [
                        {"name": "world", "axes": copy.deepcopy(zyx)},
                        {"name": "rotated", "axes": copy.deepcopy(zyx)},
                        {"name": "physical", "axes": [_axis("t", "time", "second"), *zyx]},
                    ],
                    "datasets": [
                        {
                            "path": "s0",
                            "coordinateTransformations": [
                                {
                                    "type": "scale",
                                    "scale": [1, 2, 0.5, 0.5],
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
                                        {"type": "scale", "scale": [1, 2, 1, 1]},
                                        {"type": "translation", "translation": [0, 0, 0.25, 0.25]},
                                    ],
                                }
                            ],
                        },
                    ],
                    "coordinateTransformations": [
                        {
                            "type": "projectAxis",
                            "droppedInputs": [0],
                            "input": {"name": "physical"},
                            "output": {"name": "world"},
                        },
                        {
                            "type": "rotation",
                            "rotation": [[1, 0, 0], [0, 0, -1], [0, 1, 0]],
                            "input": {"name": "world"},
                            "output": {"name": "rotated"},
                        },
                    ],
                }
            ],
        }
    }


def _ms(doc: dict[str, Any]) -> dict[str, Any]:
    ms: dict[str, Any] = doc["ome"]["multiscales"][0]
    return ms


def _extra(doc: dict[str, Any], transformation: dict[str, Any]) -> None:
    _ms(doc)["coordinateTransformations"].append(transformation)


def _codes(findings: list[RuleFinding]) -> set[str]:
    return {f.code for f in findings}


def test_a_good_image_has_no_finding() -> None:
    assert check_v06_image(_image()) == []
    shapes = {"s0": (2, 16, 64, 64), "s1": (2, 16, 32, 32)}
    assert check_v06_image(_image(), shapes=shapes) == []


def test_every_code_has_a_description() -> None:
    assert all(code.startswith("NGFF") and text for code, text in CODES.items())


Change = Callable[[dict[str, Any]], Any]
MS = "ome.multiscales[0]"
DS1 = f"{MS}.datasets[1].coordinateTransformations[0]"
EXTRA = f"{MS}.coordinateTransformations[2]"


@pytest.mark.parametrize(
    ("change", "code", "field", "message"),
    [
        (
            lambda d: _ms(d)["coordinateSystems"][1].update(name="world"),
            "NGFF801",
            f"{MS}.coordinateSystems",
            "expected unique names, found 'world' more than once",
        ),
        (
            lambda d: _ms(d)["coordinateSystems"][0]["axes"][1].update(name="x"),
            "NGFF102",
            f"{MS}.coordinateSystems[0].axes",
            "found 'x' more than once",
        ),
        (
            lambda d: _ms(d)["coordinateSystems"][2]["axes"].reverse(),
            "NGFF103",
            f"{MS}.coordinateSystems[2].axes",
            "expected time, then channel/custom, then space",
        ),
        (
            lambda d: (
                _ms(d)["coordinateSystems"][2]["axes"][1].update(type="channel", unit=None)
                or _ms(d)["coordinateSystems"][2]["axes"][0].update(type="angle")
            ),
            "NGFF105",
            f"{MS}.coordinateSystems[2].axes",
            "at most one time axis and one channel/custom",
        ),
        (
            lambda d: d["ome"]["multiscales"][0]["datasets"][1].update(path="s0"),
            "NGFF305",
            f"{MS}.datasets",
            "expected unique paths, found 's0' twice",
        ),
        (
            lambda d: _ms(d)["datasets"][1]["coordinateTransformations"][0]["input"].update(
                path="s2"
            ),
            "NGFF803",
            f"{DS1}.input.path",
            "expected 's1' (the dataset path)",
        ),
        (
            lambda d: _ms(d)["datasets"][1]["coordinateTransformations"][0]["output"].update(
                name="elsewhere"
            ),
            "NGFF802",
            f"{DS1}.output.name",
            "a coordinate system of this document, one of ['physical', 'rotated', 'world']",
        ),
        (
            lambda d: _ms(d)["datasets"][1]["coordinateTransformations"][0]["output"].update(
                name="world"
            ),
            "NGFF804",
            f"{MS}.datasets",
            "found ['physical', 'world']",
        ),
        (
            lambda d: _ms(d)["datasets"][1]["coordinateTransformations"][0]["transformations"][
                1
            ].update(translation=[0.25, 0.25]),
            "NGFF805",
            f"{DS1}.transformations[1].translation",
            "expected 4 values (one per input axis), found 2",
        ),
        (
            lambda d: _ms(d)["coordinateTransformations"].pop(),
            "NGFF806",
            f"{MS}.coordinateSystems",
            "joined to the intrinsic system 'physical' by transformations, found none for "
            "['rotated']",
        ),
        (
            lambda d: _extra(
                d,
                {
                    "type": "sequence",
                    "transformations": [
                        {"type": "sequence", "transformations": [{"type": "identity"}]}
                    ],
                    "input": {"name": "world"},
                    "output": {"name": "rotated"},
                },
            ),
            "NGFF807",
            f"{EXTRA}.transformations[0].type",
            "expected no sequence inside a sequence",
        ),
        (
            lambda d: _extra(
                d,
                {
                    "type": "mapAxis",
                    "mapAxis": [0, 1, 3],
                    "input": {"name": "world"},
                    "output": {"name": "rotated"},
                },
            ),
            "NGFF809",
            f"{EXTRA}.mapAxis",
            "expected each input axis index 0..2 exactly once, found [0, 1, 3]",
        ),
        (
            lambda d: _extra(
                d,
                {
                    "type": "projectAxis",
                    "createdOutputs": [4],
                    "input": {"name": "world"},
                    "output": {"name": "physical"},
                },
            ),
            "NGFF809",
            f"{EXTRA}.createdOutputs",
            "indices of the 4 output axes (0..3), found [4]",
        ),
        (
            lambda d: _extra(
                d,
                {
                    "type": "projectAxis",
                    "createdOutputs": [0, 1],
                    "input": {"name": "world"},
                    "output": {"name": "physical"},
                },
            ),
            "NGFF805",
            EXTRA,
            "expected 4 output axes, found 5 (3 inputs - 0 dropped + 2 created)",
        ),
        (
            lambda d: _extra(
                d,
                {
                    "type": "byDimension",
                    "input": {"name": "world"},
                    "output": {"name": "rotated"},
                    "transformations": [
                        {
                            "transformation": {"type": "scale", "scale": [2, 2]},
                            "inputAxes": [0, 1],
                            "outputAxes": [0, 1],
                        },
                        {
                            "transformation": {"type": "identity"},
                            "inputAxes": [2],
                            "outputAxes": [1],
                        },
                    ],
                },
            ),
            "NGFF809",
            f"{EXTRA}.transformations",
            "found axes [1] from several",
        ),
        (
            lambda d: _extra(
                d,
                {
                    "type": "byDimension",
                    "input": {"name": "world"},
                    "output": {"name": "rotated"},
                    "transformations": [
                        {
                            "transformation": {"type": "scale", "scale": [2, 2]},
                            "inputAxes": [0, 1],
                            "outputAxes": [0, 1],
                        }
                    ],
                },
            ),
            "NGFF810",
            f"{EXTRA}.transformations",
            "found none for axes [2]",
        ),
        (
            lambda d: _ms(d)["coordinateTransformations"][1].update(
                rotation=[[1, 0, 0], [0, 1, 0], [0, 0, -1]]
            ),
            "NGFF811",
            f"{MS}.coordinateTransformations[1].rotation",
            "determinant -1",
        ),
        (
            lambda d: _ms(d)["coordinateTransformations"][1].update(
                rotation=[[1, 0, 0], [0, 1], [0, 0, 1]]
            ),
            "NGFF812",
            f"{MS}.coordinateTransformations[1].rotation",
            "found lengths [2, 3]",
        ),
        (
            lambda d: _extra(
                d,
                {
                    "type": "affine",
                    "affine": [[1, 0, 0, 0], [0, 1, 0, 0]],
                    "input": {"name": "world"},
                    "output": {"name": "rotated"},
                },
            ),
            "NGFF805",
            f"{EXTRA}.affine",
            "expected 3 rows (one per output axis), found 2",
        ),
        (
            lambda d: _extra(
                d,
                {
                    "type": "affine",
                    "affine": [[1, 0, 0], [0, 1, 0], [0, 0, 1]],
                    "input": {"name": "world"},
                    "output": {"name": "rotated"},
                },
            ),
            "NGFF805",
            f"{EXTRA}.affine",
            "expected 4 columns, found 3",
        ),
        (
            lambda d: _extra(
                d,
                {
                    "type": "bijection",
                    "forward": {"type": "identity"},
                    "inverse": {"type": "identity"},
                    "input": {"name": "world"},
                    "output": {"name": "physical"},
                },
            ),
            "NGFF815",
            EXTRA,
            "equal dimensionality for the bijection transformation",
        ),
        (
            lambda d: _extra(
                d,
                {
                    "type": "displacements",
                    "path": "f",
                    "input": {"name": "world"},
                    "output": {"name": "physical"},
                },
            ),
            "NGFF815",
            EXTRA,
            "found 3 and 4 axes",
        ),
        (
            lambda d: _extra(
                d,
                {
                    "type": "scale",
                    "scale": "2",
                    "input": {"name": "world"},
                    "output": {"name": "rotated"},
                },
            ),
            "NGFF816",
            f"{EXTRA}.scale",
            "cannot read the transformation: expected a list of numbers",
        ),
    ],
)
def test_image_rule(change: Change, code: str, field: str, message: str) -> None:
    doc = _image()
    change(doc)
    findings = [f for f in check_v06_image(doc) if f.code == code]
    assert findings, check_v06_image(doc)
    assert any(f.field == field and message in f.message for f in findings), findings
    assert code in CODES


@pytest.mark.parametrize(
    ("change", "code", "field"),
    [
        (lambda d: _ms(d).pop("name"), "NGFF110", MS),
        (lambda d: _ms(d).pop("type"), "NGFF111", MS),
        (lambda d: _ms(d).pop("metadata"), "NGFF112", MS),
        (
            lambda d: _ms(d)["coordinateSystems"][0]["axes"][0].update(type="angle"),
            "NGFF106",
            f"{MS}.coordinateSystems[0].axes[0].type",
        ),
        (
            lambda d: _ms(d)["coordinateSystems"][0]["axes"][0].pop("type"),
            "NGFF107",
            f"{MS}.coordinateSystems[0].axes[0]",
        ),
        (
            lambda d: _ms(d)["coordinateSystems"][2]["axes"][0].update(unit="micrometer"),
            "NGFF108",
            f"{MS}.coordinateSystems[2].axes[0].unit",
        ),
    ],
)
def test_should_rules_are_warnings(change: Change, code: str, field: str) -> None:
    doc = _image()
    change(doc)
    (finding,) = check_v06_image(doc)
    assert (finding.code, finding.field, finding.severity) == (code, field, "warning")


def test_new_axis_types_are_known() -> None:
    doc = _image()
    axes = _ms(doc)["coordinateSystems"][0]["axes"]
    axes[0] = {"name": "d", "type": "displacement", "discrete": True}
    assert check_v06_image(doc) == []


def test_array_shapes_from_the_store() -> None:
    doc = _image()
    shapes = {"s0": (2, 16, 64, 64), "s1": (16, 32, 32)}
    finding = check_v06_image(doc, shapes=shapes)[0]
    assert finding.code == "NGFF302" and finding.field == f"{MS}.datasets[1].path"
    assert "expected an array of 4 dimensions (one per axis), found 3 at 's1'" in finding.message
    findings = check_v06_image(doc, shapes={"s0": (2, 16, 64, 64)})
    assert [(f.code, f.field) for f in findings] == [("NGFF301", f"{MS}.datasets[1].path")]


def test_stored_parameter_shapes_from_the_store() -> None:
    doc = _image()
    _extra(
        doc,
        {"type": "affine", "path": "m", "input": {"name": "world"}, "output": {"name": "rotated"}},
    )
    _extra(
        doc,
        {
            "type": "coordinates",
            "path": "c",
            "input": {"name": "world"},
            "output": {"name": "rotated"},
        },
    )
    shapes = {"s0": (2, 16, 64, 64), "s1": (2, 16, 32, 32), "m": (3, 4), "c": (8, 8, 8, 3)}
    assert check_v06_image(doc, shapes=shapes) == []
    shapes.update(m=(3, 3), c=(8, 8, 3))
    found = {(f.code, f.field): f.message for f in check_v06_image(doc, shapes=shapes)}
    assert (
        found[("NGFF817", f"{EXTRA}.path")] == "expected the matrix at 'm' of shape 3x4, found 3x3"
    )
    assert (
        "expected the field at 'c' of shape NxNxNxN"
        in found[("NGFF817", f"{MS}.coordinateTransformations[3].path")]
    )


def test_references_into_other_groups() -> None:
    doc = _image()
    _extra(
        doc,
        {
            "type": "identity",
            "input": {"path": "labels/cells", "name": "physical"},
            "output": {"name": "physical"},
        },
    )
    assert check_v06_image(doc) == []  # not checked without the group's systems
    labels = {"labels/cells": [{"name": "physical", "axes": [{"name": "a"}] * 4}]}
    assert check_v06_image(doc, group_systems=labels) == []
    (finding,) = check_v06_image(doc, group_systems={"labels/cells": [{"name": "other"}]})
    assert (finding.code, finding.field) == ("NGFF802", f"{EXTRA}.input.name")
    assert "a coordinate system of the group 'labels/cells', one of ['other']" in finding.message
    (finding,) = check_v06_image(doc, group_systems={})
    assert (finding.code, finding.field) == ("NGFF802", f"{EXTRA}.input.path")


def test_findings_are_frozen_and_print_as_one_line() -> None:
    doc = _image()
    _ms(doc).pop("name")
    (finding,) = check_v06_image(doc)
    assert str(finding) == f"warning NGFF110 {MS}: expected a 'name' field (SHOULD), found none"
    with pytest.raises(AttributeError):
        finding.code = "x"  # type: ignore[misc]


def test_rules_skip_what_the_schema_reports() -> None:
    assert check_v06_image({"ome": {"multiscales": [{"datasets": "x", "axes": 1}]}}) == [
        RuleFinding(
            code="NGFF110",
            message="expected a 'name' field (SHOULD), found none",
            field=MS,
            severity="warning",
        ),
        RuleFinding(
            code="NGFF111",
            message="expected a 'type' field (SHOULD), found none",
            field=MS,
            severity="warning",
        ),
        RuleFinding(
            code="NGFF112",
            message="expected a 'metadata' field (SHOULD), found none",
            field=MS,
            severity="warning",
        ),
    ]
    assert check_v06_image(None) == check_v06_image({"ome": []}) == []


# --- scenes, labels, plates, wells --------------------------------------------------------


def _scene() -> dict[str, Any]:
    return {
        "ome": {
            "version": "0.6",
            "scene": {
                "coordinateSystems": [{"name": "world", "axes": [_axis("y"), _axis("x")]}],
                "coordinateTransformations": [
                    {
                        "type": "translation",
                        "translation": [0, 348],
                        "input": {"path": "tile_1", "name": "physical"},
                        "output": {"name": "world"},
                    },
                ],
            },
        }
    }


def test_scene_rules() -> None:
    assert check_v06_scene(_scene()) == []
    tiles = {"tile_1": [{"name": "physical", "axes": [_axis("y"), _axis("x")]}]}
    assert check_v06_scene(_scene(), group_systems=tiles) == []
    three = {"tile_1": [{"name": "physical", "axes": [_axis("z"), _axis("y"), _axis("x")]}]}
    (finding,) = check_v06_scene(_scene(), group_systems=three)
    assert finding.code == "NGFF805" and "expected 3 values (one per input axis)" in finding.message
    doc = _scene()
    doc["ome"]["scene"]["coordinateTransformations"][0]["output"] = {"name": "word"}
    (finding,) = check_v06_scene(doc)
    assert finding.code == "NGFF802" and "one of ['world'], found 'word'" in finding.message
    assert finding.field == "ome.scene.coordinateTransformations[0].output.name"
    doc["ome"]["scene"]["coordinateSystems"].append({"name": "world", "axes": [_axis("u")]})
    assert "NGFF801" in _codes(check_v06_scene(doc))


def test_scene_axes_need_no_image_order() -> None:
    doc = _scene()
    doc["ome"]["scene"]["coordinateSystems"][0]["axes"] = [_axis("x"), _axis("t", "time", "second")]
    assert check_v06_scene(doc) == []


def test_label_rules() -> None:
    label = {"ome": {"version": "0.6", "image-label": {"properties": [{"label-value": 1}]}}}
    (finding,) = check_v06_label(label)
    assert (finding.code, finding.severity) == ("NGFF405", "warning")
    label["ome"]["image-label"] = {
        "colors": [
            {"label-value": 1, "rgba": [0, 0, 0, 0]},
            {"label-value": 1, "rgba": [1, 1, 1, 1]},
        ]
    }
    (finding,) = check_v06_label(label)
    assert (finding.code, finding.field) == ("NGFF403", "ome.image-label.colors")
    image = _image()
    image["ome"]["image-label"] = {"colors": [{"label-value": 1}]}
    assert check_v06_label(image) == [] == check_v06(image)


def _plate() -> dict[str, Any]:
    return {
        "ome": {
            "version": "0.6",
            "plate": {
                "name": "p",
                "rows": [{"name": "A"}, {"name": "B"}],
                "columns": [{"name": "1"}, {"name": "2"}],
                "wells": [{"path": "B/2", "rowIndex": 1, "columnIndex": 1}],
                "acquisitions": [{"id": 0, "name": "a", "maximumfieldcount": 1}],
            },
        }
    }


@pytest.mark.parametrize(
    ("change", "code", "severity"),
    [
        (lambda p: p.pop("name"), "NGFF506", "warning"),
        (lambda p: p["acquisitions"][0].pop("name"), "NGFF507", "warning"),
        (lambda p: p["rows"].append({"name": "A"}), "NGFF505", "error"),
        (
            lambda p: p["acquisitions"].append({"id": 0, "name": "b", "maximumfieldcount": 1}),
            "NGFF509",
            "error",
        ),
        (lambda p: p["wells"][0].update(path="2/B"), "NGFF501", "error"),
        (lambda p: p["wells"][0].update(rowIndex=2), "NGFF502", "error"),
        (lambda p: p["wells"].append(dict(p["wells"][0])), "NGFF505", "error"),
    ],
)
def test_plate_rules(change: Change, code: str, severity: str) -> None:
    doc = _plate()
    assert check_v06_plate(doc) == []
    change(doc["ome"]["plate"])
    (finding,) = check_v06_plate(doc)
    assert (finding.code, finding.severity) == (code, severity)


def test_well_rules() -> None:
    well: dict[str, Any] = {"ome": {"version": "0.6", "well": {"images": [{"path": "0"}]}}}
    well["ome"]["well"]["images"].append({"path": "1"})
    assert check_v06_well(well) == [] == check_v06(well)
    well["ome"]["well"]["images"].append({"path": "1"})
    assert _codes(check_v06_well(well)) == {"NGFF505"}


def test_check_v06_runs_every_kind_present() -> None:
    doc = _image()
    doc["ome"].update(_plate()["ome"])
    _ms(doc).pop("name")
    doc["ome"]["plate"].pop("name")
    assert _codes(check_v06(doc)) == {"NGFF110", "NGFF506"}
    assert _codes(check_v06(_scene())) == set()
