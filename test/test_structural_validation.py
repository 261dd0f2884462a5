"""validate_structural / validate_plate / validate_well: the one rule set, raising on a failure."""

from __future__ import annotations

import pytest

import ngff_zarr as nz
from ngff_zarr import (
    Axis,
    Dataset,
    Metadata,
    Plate,
    PlateAcquisition,
    PlateColumn,
    PlateRow,
    PlateWell,
    Scale,
    SpecRule,
    ValidateOptions,
    ValidationError,
    ValidationLevel,
    Well,
    WellImage,
)
from ngff_zarr._validation.codes import CODES, RULE_NAMES


def _metadata(**changes: object) -> Metadata:
    axes = [Axis("z", "space"), Axis("y", "space"), Axis("x", "space")]
    datasets = [Dataset(str(i), [Scale([s, s, s])]) for i, s in enumerate((1.0, 2.0))]
    metadata = Metadata(axes=axes, datasets=datasets)
    for key, value in changes.items():
        setattr(metadata, key, value)
    return metadata


def test_valid_metadata_passes_and_schema_only_skips() -> None:
    assert nz.validate_structural(_metadata()) is None
    bad = _metadata(axes=[Axis("y", "space"), Axis("y", "space"), Axis("x", "space")])
    assert nz.validate_structural(bad, ValidateOptions(level=ValidationLevel.SCHEMA_ONLY)) is None


@pytest.mark.parametrize(
    ("axes", "scales", "rule"),
    [
        (["x"], None, SpecRule.AXIS_COUNT),
        (["y", "y", "x"], None, SpecRule.AXIS_NAMES_UNIQUE),
        (["x", "t", "y"], None, SpecRule.AXIS_ORDER),
        (["z", "y", "x"], [[1.0, 1.0]], SpecRule.SCALE_LENGTH_MISMATCH),
        (["z", "y", "x"], [[2.0] * 3, [1.0] * 3], SpecRule.DATASET_ORDER_HIGHEST_TO_LOWEST),
    ],
)
def test_rules_name_the_failure(
    axes: list[str], scales: list[list[float]] | None, rule: SpecRule
) -> None:
    types = {"t": "time", "c": "channel"}
    metadata = _metadata(axes=[Axis(a, types.get(a, "space")) for a in axes])
    if scales is not None:
        metadata.datasets = [Dataset(str(i), [Scale(s)]) for i, s in enumerate(scales)]
    with pytest.raises(ValidationError) as info:
        nz.validate_structural(metadata)
    error = info.value
    assert error.rule is rule
    assert str(error) == f"Spec rule [{rule.value}] violated: {error.message}"
    assert error.args == (error.message,)
    assert error.location is not None and error.location.startswith("multiscales[0]")
    assert isinstance(error, nz.NgffZarrError)


def test_orientation_rules_only_without_a_version() -> None:
    """RFC-4 is not part of 0.4/0.5: the rules apply to an unversioned check, as ngff-zarr's."""

    def axis(name: str, value: str | None) -> dict[str, object]:
        out: dict[str, object] = {"name": name, "type": "space"}
        if value is not None:
            out["orientation"] = {"type": "anatomical", "value": value}
        return out

    scale = {"type": "scale", "scale": [1, 1, 1]}
    doc = {
        "name": "brain",
        "axes": [
            axis("z", "inferior-to-superior"),
            axis("y", "superior-to-inferior"),
            axis("x", None),
        ],
        "datasets": [{"path": "0", "coordinateTransformations": [scale]}],
    }
    with pytest.raises(ValidationError) as info:
        nz.validate_structural(doc)
    assert info.value.rule is SpecRule.AXIS_ORIENTATION_UNIQUE_AXIS
    assert info.value.message == (
        "Axes 'z' and 'y' describe the same anatomical axis; "
        "RFC 4 allows only one direction per axis."
    )
    assert info.value.location == "multiscales[0].axes"
    assert nz.validate_structural(doc, version="0.4") is None
    # the same finding is a warning of validate()
    report = nz.validate({"multiscales": [{**doc, "version": "0.4"}]})
    assert "NGFF122" in {f.code for f in report.warnings}
    doc["axes"][1]["orientation"] = {"type": "anatomical", "value": "anterior-to-posterior"}
    doc["axes"][0]["type"] = "channel"
    with pytest.raises(ValidationError) as info:
        nz.validate_structural(doc)
    assert info.value.rule is SpecRule.AXIS_ORIENTATION_ON_NON_SPACE


def test_omero_colour_format() -> None:
    metadata = _metadata(
        omero=nz.Omero([nz.OmeroChannel("red", nz.OmeroWindow(0, 255, 0, 255), label="a")])
    )
    with pytest.raises(ValidationError) as info:
        nz.validate_structural(metadata)
    assert info.value.rule is SpecRule.OMERO_CHANNEL_COLOR_FORMAT


def test_plate_and_well() -> None:
    plate = Plate(
        columns=[PlateColumn("1"), PlateColumn("2")],
        rows=[PlateRow("A")],
        wells=[PlateWell("A/2", rowIndex=0, columnIndex=1)],
        acquisitions=[PlateAcquisition(id=0), PlateAcquisition(id=1)],
    )
    assert nz.validate_plate(plate) is None
    assert nz.validate_well(plate, Well([WellImage("0", 1)])) is None
    plate.wells[0].rowIndex = 3
    with pytest.raises(ValidationError) as info:
        nz.validate_plate(plate)
    assert info.value.rule is SpecRule.PLATE_ROW_INDEX_CONSISTENCY
    with pytest.raises(ValidationError) as info:
        nz.validate_well(plate, Well([WellImage("0", 5)]))
    assert info.value.rule is SpecRule.WELL_ACQUISITION_MISSING
    assert "acquisition 5 is not among the plate's [0, 1]" in info.value.message


def test_every_code_has_a_rule() -> None:
    assert set(RULE_NAMES) == set(CODES)
    assert {SpecRule(name) for name in RULE_NAMES.values()} <= set(SpecRule)
