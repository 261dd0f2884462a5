"""The OME-Zarr 0.6 rules that a JSON Schema cannot express, as functions over raw attributes.

Each ``check_v06_*`` takes the ``attributes`` of one group's ``zarr.json`` (``{"ome": {...}}``) as
parsed JSON and returns :class:`RuleFinding` s: a stable ``code`` (:data:`CODES`), a message naming
what was expected and what was found, the dotted ``field`` and a severity. MUST violations are
errors, SHOULD deviations warnings. The checks are defensive: a member of the wrong JSON type is
skipped (the schema reports it), and a transformation that cannot be read is one NGFF816 error.

What the caller may add, when it has walked the store:

``shapes``
    ``{path: shape}`` of the arrays of the group (datasets, parameter and field arrays), relative
    to the group. With it, dataset arrays must exist and match the axes; stored matrices and
    fields must have the shapes their transformations need.
``group_systems``
    ``{path: [coordinate system objects]}`` of the groups that transformations refer to by
    ``{"path": ..., "name": ...}`` (a scene's images, an image's labels). With it, such
    references must name an existing system of that group (a path missing from the mapping is
    reported); without it they are not checked.

Codes shared with 0.4/0.5 keep their meaning (NGFF1xx axes, NGFF3xx datasets, NGFF4xx labels,
NGFF5xx plates); NGFF8xx are the coordinate-system and transformation rules of 0.6.

Examples
--------
>>> attrs = {"ome": {"version": "0.6", "multiscales": [{
...     "name": "img", "type": "gaussian", "metadata": {},
...     "coordinateSystems": [{"name": "physical", "axes": [
...         {"name": "y", "type": "space", "unit": "micrometer"},
...         {"name": "x", "type": "space", "unit": "micrometer"}]}],
...     "datasets": [{"path": "s0", "coordinateTransformations": [{"type": "scale",
...         "scale": [1, 1, 1], "input": {"path": "s1"}, "output": {"name": "physical"}}]}]}]}}
>>> for finding in check_v06_image(attrs):
...     print(finding)
error NGFF803 ome.multiscales[0].datasets[0].coordinateTransformations[0].input.path: expected \
's0' (the dataset path), found 's1'
error NGFF805 ome.multiscales[0].datasets[0].coordinateTransformations[0].scale: expected 2 \
values (one per input axis), found 3
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Final

from ._rules_systems import (
    GroupSystems,
    Scope,
    between,
    check_systems,
    dicts,
    duplicates,
    items,
    multiscale,
    ome_of,
)
from ._rules_transforms import Report, RuleFinding

__all__ = [
    "CODES",
    "RuleFinding",
    "check_v06",
    "check_v06_image",
    "check_v06_label",
    "check_v06_plate",
    "check_v06_scene",
    "check_v06_well",
]

Shapes = Mapping[str, Sequence[int]]

CODES: Final[dict[str, str]] = {
    "NGFF102": "duplicate axis names in a coordinate system",
    "NGFF103": "image axes in the wrong order (time, then channel or custom, then space)",
    "NGFF105": "more than one time axis, or more than one channel/custom axis, in an image",
    "NGFF106": "axis type is not one the specification names (SHOULD)",
    "NGFF107": "axis without a type (SHOULD have one)",
    "NGFF108": "axis unit is not one of the units named by the specification (SHOULD)",
    "NGFF110": "multiscale without a name (SHOULD have one)",
    "NGFF111": "multiscale without a downscaling type (SHOULD have one)",
    "NGFF112": "multiscale without downscaling metadata (SHOULD have it)",
    "NGFF301": "dataset path is not an array in the store",
    "NGFF302": "array dimensionality differs from the number of axes",
    "NGFF305": "duplicate dataset paths",
    "NGFF403": "duplicate label-value in colors or properties",
    "NGFF405": "image-label without colors (SHOULD have them)",
    "NGFF501": "well path is not '<row name>/<column name>'",
    "NGFF502": "well rowIndex/columnIndex outside the rows/columns lists",
    "NGFF505": "duplicate row, column, well or field names",
    "NGFF506": "plate without a name (SHOULD have one)",
    "NGFF507": "acquisition without name or maximumfieldcount (SHOULD have them)",
    "NGFF509": "duplicate acquisition ids",
    "NGFF801": "duplicate coordinate system names",
    "NGFF802": "transformation input/output names a coordinate system that does not exist",
    "NGFF803": "dataset transformation input.path differs from the dataset path",
    "NGFF804": "datasets transform into different coordinate systems (one intrinsic system)",
    "NGFF805": "transformation parameters do not fit the dimensionality of input/output",
    "NGFF806": "coordinate system not joined to the intrinsic system by transformations",
    "NGFF807": "sequence inside a sequence",
    "NGFF809": "axis index out of range or repeated (mapAxis, projectAxis, byDimension)",
    "NGFF810": "byDimension output axis that no member produces (SHOULD not happen)",
    "NGFF811": "rotation matrix not orthonormal with determinant 1",
    "NGFF812": "matrix rows of unequal length",
    "NGFF815": "input and output of unequal dimensionality (identity, rotation, bijection, ...)",
    "NGFF816": "transformation that cannot be read",
    "NGFF817": "stored parameter or field array of the wrong shape",
    "NGFF818": "stored parameter or field array missing, or a field without its vector axis",
}


def check_v06_image(
    attrs: Any, *, shapes: Shapes | None = None, group_systems: GroupSystems | None = None
) -> list[RuleFinding]:
    """The rule findings of an image group's attributes (``ome.multiscales``).

    Parameters
    ----------
    attrs
        The ``attributes`` of the group's ``zarr.json``.
    shapes, group_systems
        What the caller knows of the store (see the module documentation).

    Returns
    -------
    list[RuleFinding]
        Errors (MUST) and warnings (SHOULD), in document order.

    Examples
    --------
    >>> ms = {"name": "i", "type": "t", "metadata": {}, "datasets": [],
    ...       "coordinateSystems": [{"name": "a", "axes": [{"name": "x", "type": "space"},
    ...                                                    {"name": "x", "type": "space"}]}]}
    >>> [f.code for f in check_v06_image({"ome": {"version": "0.6", "multiscales": [ms]}})]
    ['NGFF102']
    """
    report = Report(shapes)
    ome = ome_of(attrs)
    for i, ms in dicts(ome.get("multiscales")):
        multiscale(ms, report, group_systems, f"ome.multiscales[{i}]")
    return report.findings


def check_v06_label(
    attrs: Any, *, shapes: Shapes | None = None, group_systems: GroupSystems | None = None
) -> list[RuleFinding]:
    """The rule findings of a label image group: its multiscales and its ``image-label``.

    >>> label = {"ome": {"version": "0.6", "image-label": {"properties": [{"label-value": 1}]}}}
    >>> [(f.code, f.severity) for f in check_v06_label(label)]
    [('NGFF405', 'warning')]
    """
    findings = check_v06_image(attrs, shapes=shapes, group_systems=group_systems)
    report = Report()
    label = ome_of(attrs).get("image-label")
    if isinstance(label, dict):
        if "colors" not in label:
            report.warn(
                "NGFF405", "expected a 'colors' field (SHOULD), found none", "ome.image-label"
            )
        for key in ("colors", "properties"):
            for value in duplicates(e.get("label-value") for _, e in dicts(label.get(key))):
                report.error(
                    "NGFF403",
                    f"expected each label-value once, found {value!r} more than once",
                    f"ome.image-label.{key}",
                )
    return findings + report.findings


def check_v06_scene(attrs: Any, *, group_systems: GroupSystems | None = None) -> list[RuleFinding]:
    """The rule findings of a scene group's attributes (``ome.scene``).

    ``group_systems`` gives the coordinate systems of the groups (images) the scene refers to.

    >>> scene = {"coordinateTransformations": [{"type": "translation", "translation": [1, 2],
    ...     "input": {"path": "tile", "name": "physical"}, "output": {"name": "world"}}]}
    >>> [f.message for f in check_v06_scene({"ome": {"version": "0.6", "scene": scene}})]
    ["expected a coordinate system of this document, one of [], found 'world'"]
    """
    report = Report()
    scene = ome_of(attrs).get("scene")
    if not isinstance(scene, dict):
        return report.findings
    fld = "ome.scene"
    named = check_systems(scene.get("coordinateSystems"), report, f"{fld}.coordinateSystems", False)
    scope = Scope(systems=named, arrays={}, groups=group_systems)
    for k, raw in items(scene.get("coordinateTransformations")):
        between(raw, scope, report, f"{fld}.coordinateTransformations[{k}]")
    return report.findings


def check_v06_plate(attrs: Any) -> list[RuleFinding]:
    """The rule findings of a plate group (the 0.5 plate rules: the object is unchanged).

    >>> plate = {"name": "p", "rows": [{"name": "A"}], "columns": [{"name": "1"}],
    ...          "wells": [{"path": "1/A", "rowIndex": 0, "columnIndex": 0}]}
    >>> [f.message for f in check_v06_plate({"ome": {"version": "0.6", "plate": plate}})]
    ["expected 'A/1' (row 0 then column 0), found '1/A'"]
    """
    report = Report()
    plate = ome_of(attrs).get("plate")
    if not isinstance(plate, dict):
        return report.findings
    if "name" not in plate:
        report.warn("NGFF506", "expected a 'name' field (SHOULD), found none", "ome.plate")
    rows = [r.get("name") for _, r in dicts(plate.get("rows"))]
    columns = [c.get("name") for _, c in dicts(plate.get("columns"))]
    for key, names in (("rows", rows), ("columns", columns)):
        for name in duplicates(names):
            report.error(
                "NGFF505", f"expected unique names, found {name!r} twice", f"ome.plate.{key}"
            )
    acquisitions = list(dicts(plate.get("acquisitions")))
    for ident in duplicates(a.get("id") for _, a in acquisitions):
        report.error(
            "NGFF509", f"expected unique ids, found {ident!r} twice", "ome.plate.acquisitions"
        )
    for j, acq in acquisitions:
        missing = [k for k in ("name", "maximumfieldcount") if k not in acq]
        if missing:
            report.warn(
                "NGFF507",
                f"expected {' and '.join(missing)} (SHOULD), found none",
                f"ome.plate.acquisitions[{j}]",
            )
    wells = list(dicts(plate.get("wells")))
    for path in duplicates(w.get("path") for _, w in wells):
        report.error(
            "NGFF505", f"expected unique well paths, found {path!r} twice", "ome.plate.wells"
        )
    for j, well in wells:
        _well_path(well, rows, columns, report, f"ome.plate.wells[{j}]")
    return report.findings


def check_v06_well(attrs: Any) -> list[RuleFinding]:
    """The rule findings of a well group (unique field paths).

    >>> check_v06_well({"ome": {"version": "0.6", "well": {"images": [{"path": "0"}]}}})
    []
    """
    report = Report()
    well = ome_of(attrs).get("well")
    if isinstance(well, dict):
        for path in duplicates(i.get("path") for _, i in dicts(well.get("images"))):
            report.error(
                "NGFF505", f"expected unique image paths, found {path!r} twice", "ome.well.images"
            )
    return report.findings


def check_v06(
    attrs: Any, *, shapes: Shapes | None = None, group_systems: GroupSystems | None = None
) -> list[RuleFinding]:
    """The rule findings of every kind of 0.6 metadata present in ``attrs``.

    >>> check_v06({"ome": {"version": "0.6", "well": {"images": [{"path": "0"}, {"path": "0"}]}}})
    [RuleFinding(code='NGFF505', message="expected unique image paths, found '0' twice", \
field='ome.well.images', severity='error')]
    """
    ome = ome_of(attrs)
    findings: list[RuleFinding] = []
    if "image-label" in ome:
        findings += check_v06_label(attrs, shapes=shapes, group_systems=group_systems)
    elif "multiscales" in ome:
        findings += check_v06_image(attrs, shapes=shapes, group_systems=group_systems)
    if "scene" in ome:
        findings += check_v06_scene(attrs, group_systems=group_systems)
    if "plate" in ome:
        findings += check_v06_plate(attrs)
    if "well" in ome:
        findings += check_v06_well(attrs)
    return findings


# --- plates -----------------------------------------------------------------------------


def _well_path(
    well: dict[str, Any], rows: list[Any], columns: list[Any], report: Report, fld: str
) -> None:
    ri, ci, path = well.get("rowIndex"), well.get("columnIndex"), well.get("path")
    if not (isinstance(ri, int) and isinstance(ci, int) and isinstance(path, str)):
        return
    if not (0 <= ri < len(rows) and 0 <= ci < len(columns)):
        report.error(
            "NGFF502",
            f"expected rowIndex below {len(rows)} and columnIndex below {len(columns)}, found "
            f"{ri} and {ci}",
            fld,
        )
    elif isinstance(rows[ri], str) and isinstance(columns[ci], str):
        expected = f"{rows[ri]}/{columns[ci]}"
        if path != expected:
            report.error(
                "NGFF501",
                f"expected {expected!r} (row {ri} then column {ci}), found {path!r}",
                f"{fld}.path",
            )
