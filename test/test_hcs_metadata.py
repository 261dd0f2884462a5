"""Plate and well metadata: the dataclasses against the official spec examples and test suites."""

from __future__ import annotations

import doctest
import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ngff_zarr import (
    InvalidMetadataError,
    Plate,
    PlateAcquisition,
    Well,
    WellImage,
)
from ngff_zarr.v04 import hcs_metadata as v04
from ngff_zarr.v05 import hcs_metadata as v05

MODULES = {"0.4": v04, "0.5": v05}


def _examples(spec: Path, version: str, kind: str) -> list[Path]:
    folder = spec / version / "examples" / f"{kind}_strict"
    return sorted(p for p in folder.glob("*.json") if not p.name.startswith("."))


def _attributes(path: Path, version: str) -> dict[str, Any]:
    doc = json.loads(path.read_text())
    return doc["attributes"] if version == "0.5" else doc


@pytest.mark.parametrize("version", ["0.4", "0.5"])
def test_spec_plate_examples_round_trip(ngff_spec: Path, version: str) -> None:
    module = MODULES[version]
    paths = _examples(ngff_spec, version, "plate")
    assert paths
    for path in paths:
        attrs = _attributes(path, version)
        plate = module.plate_from_attributes(attrs)
        assert module.plate_problems(plate) == []
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
        well = module.well_from_attributes(attrs)
        assert module.well_problems(well) == []
        assert any(image.acquisition is not None for image in well.images)
        assert module.well_to_attributes(well) == attrs


def _suite_cases(spec: Path, version: str, name: str) -> list[tuple[str, dict[str, Any], bool]]:
    suite = json.loads((spec / version / "tests" / f"{name}_suite.json").read_text())
    return [(case["formerly"], case["data"], case["valid"]) for case in suite["tests"]]


@pytest.mark.parametrize("version", ["0.4", "0.5"])
@pytest.mark.parametrize("kind", ["plate", "well", "strict_plate", "strict_well"])
def test_spec_suites(ngff_spec: Path, version: str, kind: str) -> None:
    """Valid documents parse without problems; invalid ones fail to parse or list problems.

    The 0.4 suites write well paths as <column>/<row> (an upstream mistake fixed in 0.5), so
    the path-against-names check applies to 0.5 only. The strict suites require optional
    fields (plate name, acquisition name) that the non-strict model does not: their invalid
    cases are checked for those fields.
    """
    module = MODULES[version]
    base = kind.removeprefix("strict_")
    cases = _suite_cases(ngff_spec, version, kind)
    assert cases
    for name, data, valid in cases:
        try:
            parsed = getattr(module, f"{base}_from_attributes")(data)
        except InvalidMetadataError:
            assert not valid, f"{name}: valid document refused"
            continue
        if base == "plate":
            problems = module.plate_problems(parsed, check_paths=version == "0.5")
        else:
            problems = module.well_problems(parsed)
        if kind.startswith("strict") and not valid and not problems:
            doc = data.get("ome", data)[base]
            problems = _strict_problems(doc, base, version)
        if version == "0.4" and not valid and not problems:
            version_found = data[base].get("version")
            problems = [] if version_found in (None, "0.4") else ["version"]
        assert (not problems) == valid, f"{name}: valid={valid}, problems={problems}"


def _strict_problems(doc: dict[str, Any], kind: str, version: str) -> list[str]:
    if kind == "well":
        return [] if version == "0.5" or "version" in doc else ["well.version"]
    found = [] if "name" in doc else ["plate.name"]
    if version == "0.4" and "version" not in doc:
        found.append("plate.version")
    for acq in doc.get("acquisitions") or []:
        found += [f"acquisition.{k}" for k in ("name", "maximumfieldcount") if k not in acq]
    return found


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


def test_problems_name_the_field() -> None:
    plate = Plate.from_names(["A", "A", "B-1"], ["1"], wells=["A/1"], field_count=0)
    plate.wells[0].columnIndex = 4
    plate.acquisitions = [PlateAcquisition(id=1), PlateAcquisition(id=1, maximumfieldcount=0)]
    problems = v04.plate_problems(plate)
    assert "plate.rows: duplicate name 'A'" in problems
    assert "plate.rows[2].name: expected letters and digits only, found 'B-1'" in problems
    assert "plate.wells[0].columnIndex: expected 0..0, found 4" in problems
    assert "plate.field_count: expected an integer >= 1, found 0" in problems
    assert "plate.acquisitions: duplicate id 1" in problems
    assert "plate.acquisitions[1].maximumfieldcount: expected an integer >= 1, found 0" in problems
    well = Well([WellImage("0", 2), WellImage("0"), WellImage("a_b")])
    problems = v04.well_problems(well, acquisitions=[1])
    assert "well.images: duplicate path '0'" in problems
    assert "well.images[2].path: expected letters and digits only, found 'a_b'" in problems
    assert (
        "well.images[0].acquisition: expected one of the plate's acquisition ids [1], found 2"
        in problems
    )


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
    assert module.plate_problems(plate) == []
    attrs = json.loads(json.dumps(module.plate_to_attributes(plate)))
    assert module.plate_from_attributes(attrs) == plate


@pytest.mark.parametrize("module", [v04, v05])
def test_docstring_examples(module: Any) -> None:
    result = doctest.testmod(module, raise_on_error=False)
    assert result.failed == 0
