"""Plate and well metadata: the dataclasses against the official spec examples and test suites.

The rules a plate or well must follow are the validator's (one rule set for the validator,
the readers and the writers): the official suites are checked with :func:`ngff_zarr.validate`
on the documents themselves, with no check supplied by this test.
"""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from _reports import report_of
from hypothesis import given, settings
from hypothesis import strategies as st

from ngff_zarr import (
    InvalidMetadataError,
    Plate,
    PlateAcquisition,
    Well,
    WellImage,
)
from ngff_zarr.v04 import zarr_metadata as v04
from ngff_zarr.v05 import zarr_metadata as v05

MODULES = {"0.4": v04, "0.5": v05}

# Official cases whose expected outcome contradicts the specification's text (see the
# ngff-spec README, "Known upstream issues"): the 0.4 plate cases write well paths as
# <column>/<row>, which the spec forbids (a MUST; fixed in the 0.5 copies).
UPSTREAM_WRONG = {
    ("0.4", "plate", "plate/minimal_no_acquisitions"): "well path is <column>/<row>",
    ("0.4", "plate", "plate/minimal_acquisitions"): "well path is <column>/<row>",
    ("0.4", "plate", "plate/non_alphanumeric_row"): "well path is <column>/<row>",
    ("0.4", "strict_plate", "plate/strict_no_acquisitions"): "well path is <column>/<row>",
    ("0.4", "strict_plate", "plate/strict_acquisitions"): "well path is <column>/<row>",
}


def _examples(spec: Path, version: str, kind: str) -> list[Path]:
    folder = spec / version / "examples" / f"{kind}_strict"
    return sorted(p for p in folder.glob("*.json") if not p.name.startswith("."))


def _attributes(path: Path, version: str) -> dict[str, Any]:
    doc = json.loads(path.read_text(encoding="utf-8"))
    return doc["attributes"] if version == "0.5" else doc


@pytest.mark.parametrize("version", ["0.4", "0.5"])
def test_spec_plate_examples_round_trip(ngff_spec: Path, version: str) -> None:
    module = MODULES[version]
    paths = _examples(ngff_spec, version, "plate")
    assert paths
    for path in paths:
        attrs = _attributes(path, version)
        assert report_of(attrs, strict=True).valid, path.name
        plate = module.plate_from_attributes(attrs)
        written = module.plate_to_attributes(plate)
        expected = attrs["plate"] if version == "0.4" else attrs["ome"]["plate"]
        found = written["plate"] if version == "0.4" else written["ome"]["plate"]
        if version == "0.5":
            assert found.pop("version") == "0.5"
            assert written["ome"]["version"] == "0.5"
        assert found == expected
        assert module.plate_from_attributes(written) == plate


@pytest.mark.parametrize("version", ["0.4", "0.5"])
def test_spec_well_examples_round_trip(ngff_spec: Path, version: str) -> None:
    module = MODULES[version]
    paths = _examples(ngff_spec, version, "well")
    assert paths
    for path in paths:
        attrs = _attributes(path, version)
        assert report_of(attrs, strict=True).valid, path.name
        well = module.well_from_attributes(attrs)
        assert any(image.acquisition is not None for image in well.images)
        assert module.well_to_attributes(well) == attrs


def _suite_cases(spec: Path, version: str, name: str) -> list[tuple[str, dict[str, Any], bool]]:
    suite = json.loads(
        (spec / version / "tests" / f"{name}_suite.json").read_text(encoding="utf-8")
    )
    return [(case["formerly"], case["data"], case["valid"]) for case in suite["tests"]]


@pytest.mark.parametrize("version", ["0.4", "0.5"])
@pytest.mark.parametrize("kind", ["plate", "well", "strict_plate", "strict_well"])
def test_spec_suites(ngff_spec: Path, version: str, kind: str) -> None:
    """Every official plate and well case gets the official verdict from the library alone.

    The strict suites are validated with ``strict=True`` (their extra requirements are the
    spec's SHOULDs). A valid document also parses into the dataclasses and writes back.
    """
    module = MODULES[version]
    base = kind.removeprefix("strict_")
    cases = _suite_cases(ngff_spec, version, kind)
    assert cases
    overridden = 0
    for name, data, valid in cases:
        report = report_of(data, strict=kind.startswith("strict"))
        reason = UPSTREAM_WRONG.get((version, kind, name))
        if reason is not None:
            overridden += 1
            assert report.valid is not valid, f"{name} ({reason}): expected the spec's verdict"
            continue
        assert report.valid is valid, f"{name}: valid={valid}, report:\n{report}"
        if valid:
            parsed = getattr(module, f"{base}_from_attributes")(data)
            again = getattr(module, f"{base}_to_attributes")(parsed)
            assert report_of(again).valid, name
    assert overridden == sum(1 for v, k, _ in UPSTREAM_WRONG if (v, k) == (version, kind))


def test_from_names_indices_and_errors() -> None:
    plate = Plate.from_names(["A", "B"], ["1", "2", "3"], wells=[("B", "3"), "A/2"])
    assert [(w.path, w.rowIndex, w.columnIndex) for w in plate.wells] == [
        ("B/3", 1, 2),
        ("A/2", 0, 1),
    ]
    assert plate.well_at("B", "3") is plate.wells[0]
    assert plate.well_at("B", "1") is None
    with pytest.raises(InvalidMetadataError, match=r"well C/1 is outside the plate"):
        Plate.from_names(["A", "B"], ["1"], wells=["C/1"])
    with pytest.raises(InvalidMetadataError, match="expected '<row>/<column>'"):
        Plate.from_names(["A"], ["1"], wells=["A1"])


def test_findings_name_the_field() -> None:
    plate = Plate.from_names(["A", "A", "B-1"], ["1"], wells=["A/1"], field_count=0)
    plate.wells[0].columnIndex = 4
    plate.acquisitions = [PlateAcquisition(id=1), PlateAcquisition(id=1, maximumfieldcount=0)]
    report = report_of(v04.plate_to_attributes(plate))
    found = {(f.code, f.field) for f in report.errors}
    assert ("NGFF505", "plate.rows") in found  # duplicate row name
    assert ("NGFF010", "plate.rows[2].name") in found  # not alphanumeric
    assert ("NGFF502", "plate.wells[0]") in found  # columnIndex outside the columns
    assert ("NGFF010", "plate.field_count") in found
    assert ("NGFF509", "plate.acquisitions") in found
    assert ("NGFF010", "plate.acquisitions[1].maximumfieldcount") in found
    well = Well([WellImage("0", 2), WellImage("0"), WellImage("a_b")])
    report = report_of(v04.well_to_attributes(well))
    found = {(f.code, f.field) for f in report.errors}
    assert ("NGFF505", "well.images") in found  # duplicate path
    assert ("NGFF010", "well.images[2].path") in found


@pytest.mark.parametrize(
    ("attrs", "message"),
    [
        ({}, "plate: expected a plate object, found NoneType"),
        ({"plate": {"rows": [], "columns": []}}, "plate.wells: expected a list, found NoneType"),
        (
            {"plate": {"rows": [{"name": 1}], "columns": [], "wells": []}},
            "plate.rows[0].name: expected a string, found int 1",
        ),
        (
            {"plate": {"rows": [], "columns": [], "wells": [{"path": "A/1", "rowIndex": True}]}},
            "plate.wells[0].rowIndex: expected an integer, found bool True",
        ),
    ],
)
def test_malformed_plate_is_refused(attrs: dict[str, Any], message: str) -> None:
    with pytest.raises(InvalidMetadataError, match=message.replace("[", r"\[").replace("]", r"\]")):
        v04.plate_from_attributes(attrs, path="p/.zattrs")


def test_v05_needs_ome() -> None:
    with pytest.raises(InvalidMetadataError, match="ome: expected an object"):
        v05.plate_from_attributes({"plate": {}})
    with pytest.raises(InvalidMetadataError, match=r"ome\.well: expected a well object"):
        v05.well_from_attributes({"ome": {"version": "0.5"}})


_names = st.lists(
    st.text("ABCDEFGHabc0123456789", min_size=1, max_size=3), min_size=1, max_size=5, unique=True
)


@st.composite
def _plates(draw: st.DrawFn) -> Plate:
    rows, columns = draw(_names), draw(_names)
    pairs = [(r, c) for r in rows for c in columns]
    wells = draw(st.lists(st.sampled_from(pairs), min_size=1, unique=True))
    acquisitions = draw(
        st.none()
        | st.lists(
            st.builds(
                PlateAcquisition,
                id=st.integers(0, 10**6),
                name=st.none() | st.text(max_size=5),
                maximumfieldcount=st.none() | st.integers(1, 100),
                starttime=st.none() | st.integers(0, 2**40),
            ),
            max_size=3,
            unique_by=lambda a: a.id,
        )
    )
    return Plate.from_names(
        rows,
        columns,
        wells=wells,
        acquisitions=acquisitions,
        field_count=draw(st.none() | st.integers(1, 20)),
        name=draw(st.none() | st.text(max_size=8)),
    )


@settings(max_examples=40, deadline=None)
@given(plate=_plates(), version=st.sampled_from(["0.4", "0.5"]))
def test_plate_round_trip_property(plate: Plate, version: str) -> None:
    module = MODULES[version]
    attrs = json.loads(json.dumps(module.plate_to_attributes(plate)))
    assert report_of(attrs).valid
    # the version read back is the one the plate was written as
    assert module.plate_from_attributes(attrs) == replace(plate, version=version)
