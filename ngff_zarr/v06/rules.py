"""The OME-Zarr 0.6 rules that a JSON Schema cannot express, as functions over raw attributes.

Each ``check_v06_*`` takes the ``attributes`` of one group's ``zarr.json`` (``{"ome": {...}}``) as
parsed JSON and returns :class:`RuleFinding` s: a stable ``code`` (:data:`CODES`), a message naming
what was expected and what was found, the dotted ``field`` and a severity. MUST violations are
errors, SHOULD deviations warnings. The checks are defensive: a member of the wrong JSON type is
skipped (the schema reports it), and a transformation that cannot be read is one NGFF716 error.

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
NGFF5xx plates); NGFF7xx are the coordinate-system and transformation rules of 0.6.

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
error NGFF703 ome.multiscales[0].datasets[0].coordinateTransformations[0].input.path: expected \
's0' (the dataset path), found 's1'
error NGFF705 ome.multiscales[0].datasets[0].coordinateTransformations[0].scale: expected 2 \
values (one per input axis), found 3
"""

from __future__ import annotations

from collections import Counter, deque
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Any, Final

from ..errors import InvalidMetadataError
from ..vocab import SPACE_UNITS, TIME_UNITS
from ._base import Transformation
from ._rules_transforms import Report, RuleFinding, check_transformation
from .coordinate_systems import AXIS_TYPES, CoordinateSystemIdentifier

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
GroupSystems = Mapping[str, Sequence[Any]]

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
    "NGFF701": "duplicate coordinate system names",
    "NGFF702": "transformation input/output names a coordinate system that does not exist",
    "NGFF703": "dataset transformation input.path differs from the dataset path",
    "NGFF704": "datasets transform into different coordinate systems (one intrinsic system)",
    "NGFF705": "transformation parameters do not fit the dimensionality of input/output",
    "NGFF706": "coordinate system not joined to the intrinsic system by transformations",
    "NGFF707": "sequence inside a sequence",
    "NGFF709": "axis index out of range or repeated (mapAxis, projectAxis, byDimension)",
    "NGFF710": "byDimension output axis that no member produces (SHOULD not happen)",
    "NGFF711": "rotation matrix not orthonormal with determinant 1",
    "NGFF712": "matrix rows of unequal length",
    "NGFF715": "input and output of unequal dimensionality (identity, rotation, bijection, ...)",
    "NGFF716": "transformation that cannot be read",
    "NGFF717": "stored parameter or field array of the wrong shape",
}

_RANK: Final[dict[str | None, int]] = {"time": 0, "space": 2, "array": 2}  # others: 1
_UNITS: Final[dict[str, frozenset[str]]] = {"space": SPACE_UNITS, "time": TIME_UNITS}


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
    """
    report = Report(shapes)
    ome = _ome(attrs)
    for i, ms in _dicts(ome.get("multiscales")):
        _multiscale(ms, report, group_systems, f"ome.multiscales[{i}]")
    return report.findings


def check_v06_label(
    attrs: Any, *, shapes: Shapes | None = None, group_systems: GroupSystems | None = None
) -> list[RuleFinding]:
    """The rule findings of a label image group: its multiscales and its ``image-label``."""
    findings = check_v06_image(attrs, shapes=shapes, group_systems=group_systems)
    report = Report()
    label = _ome(attrs).get("image-label")
    if isinstance(label, dict):
        if "colors" not in label:
            report.warn(
                "NGFF405", "expected a 'colors' field (SHOULD), found none", "ome.image-label"
            )
        for key in ("colors", "properties"):
            for value in _duplicates(e.get("label-value") for _, e in _dicts(label.get(key))):
                report.error(
                    "NGFF403",
                    f"expected each label-value once, found {value!r} more than once",
                    f"ome.image-label.{key}",
                )
    return findings + report.findings


def check_v06_scene(attrs: Any, *, group_systems: GroupSystems | None = None) -> list[RuleFinding]:
    """The rule findings of a scene group's attributes (``ome.scene``)."""
    report = Report()
    scene = _ome(attrs).get("scene")
    if not isinstance(scene, dict):
        return report.findings
    fld = "ome.scene"
    systems = _systems(scene.get("coordinateSystems"), report, f"{fld}.coordinateSystems", False)
    scope = _Scope(systems, {}, group_systems)
    for k, raw in _items(scene.get("coordinateTransformations")):
        _between(raw, scope, report, f"{fld}.coordinateTransformations[{k}]")
    return report.findings


def check_v06_plate(attrs: Any) -> list[RuleFinding]:
    """The rule findings of a plate group (the 0.5 plate rules: the object is unchanged)."""
    report = Report()
    plate = _ome(attrs).get("plate")
    if not isinstance(plate, dict):
        return report.findings
    if "name" not in plate:
        report.warn("NGFF506", "expected a 'name' field (SHOULD), found none", "ome.plate")
    rows = [r.get("name") for _, r in _dicts(plate.get("rows"))]
    columns = [c.get("name") for _, c in _dicts(plate.get("columns"))]
    for key, names in (("rows", rows), ("columns", columns)):
        for name in _duplicates(names):
            report.error(
                "NGFF505", f"expected unique names, found {name!r} twice", f"ome.plate.{key}"
            )
    acquisitions = list(_dicts(plate.get("acquisitions")))
    for ident in _duplicates(a.get("id") for _, a in acquisitions):
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
    wells = list(_dicts(plate.get("wells")))
    for path in _duplicates(w.get("path") for _, w in wells):
        report.error(
            "NGFF505", f"expected unique well paths, found {path!r} twice", "ome.plate.wells"
        )
    for j, well in wells:
        _well_path(well, rows, columns, report, f"ome.plate.wells[{j}]")
    return report.findings


def check_v06_well(attrs: Any) -> list[RuleFinding]:
    """The rule findings of a well group (unique field paths)."""
    report = Report()
    well = _ome(attrs).get("well")
    if isinstance(well, dict):
        for path in _duplicates(i.get("path") for _, i in _dicts(well.get("images"))):
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
    ome = _ome(attrs)
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


# --- images -------------------------------------------------------------------------------


class _Scope:
    """The coordinate systems references resolve against: this document's, the arrays', others'."""

    def __init__(
        self,
        systems: dict[str, int | None],
        arrays: dict[str, int | None],
        groups: GroupSystems | None,
    ) -> None:
        self.systems, self.arrays, self.groups = systems, arrays, groups

    def ndim(self, ref: CoordinateSystemIdentifier | None, report: Report, fld: str) -> int | None:
        """The dimensionality of ``ref``'s system (None: unknown); reports a missing system."""
        if ref is None:
            return None
        if ref.path is None:
            return self._named(self.systems, ref.name, "this document", report, fld)
        if ref.name is None:
            return self.arrays.get(ref.path)
        if self.groups is None:
            return None
        if ref.path not in self.groups:
            report.error(
                "NGFF702",
                f"expected a group with coordinate systems at {ref.path!r}, found none",
                f"{fld}.path",
            )
            return None
        found = {c.get("name"): _ndim(c) for c in self.groups[ref.path] if isinstance(c, dict)}
        return self._named(found, ref.name, f"the group {ref.path!r}", report, fld)

    @staticmethod
    def _named(
        systems: Mapping[Any, int | None], name: str | None, where: str, report: Report, fld: str
    ) -> int | None:
        if name in systems:
            return systems[name]
        report.error(
            "NGFF702",
            f"expected a coordinate system of {where}, one of {sorted(map(str, systems))}, "
            f"found {name!r}",
            f"{fld}.name",
        )
        return None


def _multiscale(ms: dict[str, Any], report: Report, groups: GroupSystems | None, fld: str) -> None:
    for key, code in (("name", "NGFF110"), ("type", "NGFF111"), ("metadata", "NGFF112")):
        if key not in ms:
            report.warn(code, f"expected a {key!r} field (SHOULD), found none", fld)
    systems = _systems(ms.get("coordinateSystems"), report, f"{fld}.coordinateSystems", True)
    intrinsic, arrays = _datasets(ms, systems, report, fld)
    scope = _Scope(systems, arrays, groups)
    edges: list[tuple[str, str]] = []
    for k, raw in _items(ms.get("coordinateTransformations")):
        t = _between(raw, scope, report, f"{fld}.coordinateTransformations[{k}]")
        edge = _local_edge(t)
        if edge is not None:
            edges.append(edge)
    if intrinsic in systems:
        _connected(list(systems), intrinsic, edges, report, f"{fld}.coordinateSystems")


def _datasets(
    ms: dict[str, Any], systems: dict[str, int | None], report: Report, fld: str
) -> tuple[str | None, dict[str, int | None]]:
    """Check the datasets; the intrinsic system's name (None if unclear) and array ndims."""
    outputs: dict[str, int] = {}
    arrays: dict[str, int | None] = {}
    paths = []
    for j, ds in _dicts(ms.get("datasets")):
        dfld = f"{fld}.datasets[{j}]"
        path, transforms = ds.get("path"), ds.get("coordinateTransformations")
        paths.append(path)
        if not isinstance(transforms, list) or len(transforms) != 1:
            continue  # the schema's finding
        tfld = f"{dfld}.coordinateTransformations[0]"
        t = _parse(transforms[0], report, tfld)
        if t is None or t.input is None or t.output is None:
            continue
        if isinstance(path, str) and t.input.path != path:
            report.error(
                "NGFF703",
                f"expected {path!r} (the dataset path), found {t.input.path!r}",
                f"{tfld}.input.path",
            )
        n_out = None
        if t.output.name is not None:
            outputs[t.output.name] = outputs.get(t.output.name, 0) + 1
            n_out = _Scope(systems, {}, None).ndim(t.output, report, f"{tfld}.output")
        n_in = _array_ndim(path, n_out, report, dfld)
        if isinstance(path, str):
            arrays[path] = n_in
        check_transformation(t, n_in, n_out, report, tfld)
    for path in _duplicates(paths):
        report.error("NGFF305", f"expected unique paths, found {path!r} twice", f"{fld}.datasets")
    if len(outputs) > 1:
        report.error(
            "NGFF704",
            f"expected every dataset to transform into one (intrinsic) coordinate system, found "
            f"{sorted(outputs)}",
            f"{fld}.datasets",
        )
    return (next(iter(outputs)) if len(outputs) == 1 else None), arrays


def _local_edge(t: Transformation | None) -> tuple[str, str] | None:
    """``(input name, output name)`` of a transformation between two systems of this document."""
    if t is None or t.input is None or t.output is None:
        return None
    if t.input.path is not None or t.output.path is not None:
        return None
    if t.input.name is None or t.output.name is None:
        return None
    return (t.input.name, t.output.name)


def _array_ndim(path: Any, n_axes: int | None, report: Report, fld: str) -> int | None:
    """The dimensionality of a dataset's array: its shape when known, else that of its axes."""
    if report.shapes is None or not isinstance(path, str):
        return n_axes
    if path not in report.shapes:
        report.error("NGFF301", f"expected an array at {path!r}, found none", f"{fld}.path")
        return n_axes
    ndim = len(report.shapes[path])
    if n_axes is not None and ndim != n_axes:
        report.error(
            "NGFF302",
            f"expected an array of {n_axes} dimensions (one per axis), found {ndim} at {path!r}",
            f"{fld}.path",
        )
    return ndim


def _between(raw: Any, scope: _Scope, report: Report, fld: str) -> Transformation | None:
    """Check a transformation between two coordinate systems; the parsed one."""
    t = _parse(raw, report, fld)
    if t is not None:
        n_in = scope.ndim(t.input, report, f"{fld}.input")
        n_out = scope.ndim(t.output, report, f"{fld}.output")
        check_transformation(t, n_in, n_out, report, fld)
    return t


def _connected(
    names: list[str], start: str, edges: list[tuple[str, str]], report: Report, fld: str
) -> None:
    neighbours: dict[str, set[str]] = {name: set() for name in names}
    for a, b in edges:
        if a in neighbours and b in neighbours:
            neighbours[a].add(b)
            neighbours[b].add(a)
    seen, queue = {start}, deque([start])
    while queue:
        for nxt in neighbours[queue.popleft()] - seen:
            seen.add(nxt)
            queue.append(nxt)
    apart = [name for name in names if name not in seen]
    if apart:
        report.error(
            "NGFF706",
            f"expected every coordinate system to be joined to the intrinsic system {start!r} by "
            f"transformations, found none for {apart}",
            fld,
        )


# --- coordinate systems and axes --------------------------------------------------------


def _systems(raw: Any, report: Report, fld: str, image: bool) -> dict[str, int | None]:
    """Check a list of coordinate systems; their dimensionalities by name."""
    out: dict[str, int | None] = {}
    names = []
    for j, cs in _dicts(raw):
        name = cs.get("name")
        names.append(name)
        axes = cs.get("axes")
        if isinstance(axes, list):
            _axes(axes, report, f"{fld}[{j}].axes", image)
        if isinstance(name, str):
            out.setdefault(name, _ndim(cs))
    for name in _duplicates(names):
        report.error("NGFF701", f"expected unique names, found {name!r} more than once", fld)
    return out


def _axes(axes: list[Any], report: Report, fld: str, image: bool) -> None:
    entries = list(_dicts(axes))
    for name in _duplicates(a.get("name") for _, a in entries):
        report.error("NGFF102", f"expected unique axis names, found {name!r} more than once", fld)
    types: list[str | None] = []
    for j, axis in entries:
        kind = axis.get("type")
        types.append(kind if isinstance(kind, str) else None)
        if kind is None:
            report.warn(
                "NGFF107", f"expected a type, one of {list(AXIS_TYPES)}, found none", f"{fld}[{j}]"
            )
        elif kind not in AXIS_TYPES:
            report.warn(
                "NGFF106", f"expected one of {list(AXIS_TYPES)}, found {kind!r}", f"{fld}[{j}].type"
            )
        unit, allowed = axis.get("unit"), _UNITS.get(kind) if isinstance(kind, str) else None
        if isinstance(unit, str) and allowed is not None and unit not in allowed:
            message = f"expected a {kind} unit named by the specification, found {unit!r}"
            report.warn("NGFF108", message, f"{fld}[{j}].unit")
    if not image:
        return
    other = [t for t in types if t not in ("time", "space", "array")]
    if types.count("time") > 1 or len(other) > 1:
        report.error(
            "NGFF105",
            f"expected at most one time axis and one channel/custom axis, found types {types}",
            fld,
        )
    ranks = [_RANK.get(t, 1) for t in types]
    if ranks != sorted(ranks):
        report.error(
            "NGFF103", f"expected time, then channel/custom, then space axes; found {types}", fld
        )


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


# --- helpers ------------------------------------------------------------------------------


def _ome(attrs: Any) -> dict[str, Any]:
    ome = attrs.get("ome") if isinstance(attrs, dict) else None
    return ome if isinstance(ome, dict) else {}


def _dicts(value: Any) -> Iterator[tuple[int, dict[str, Any]]]:
    if isinstance(value, list):
        yield from ((i, v) for i, v in enumerate(value) if isinstance(v, dict))


def _items(value: Any) -> Iterator[tuple[int, Any]]:
    if isinstance(value, list):
        yield from enumerate(value)


def _duplicates(values: Iterable[Any]) -> list[Any]:
    counts = Counter(v for v in values if isinstance(v, str | int | float))
    return [v for v, n in counts.items() if n > 1]


def _ndim(system: dict[str, Any]) -> int | None:
    axes = system.get("axes")
    return len(axes) if isinstance(axes, list) else None


def _parse(raw: Any, report: Report, fld: str) -> Transformation | None:
    try:
        return Transformation.from_dict(raw, field=fld)
    except InvalidMetadataError as exc:
        message = str(exc).removeprefix(f"{exc.field}: ")
        report.error("NGFF716", f"cannot read the transformation: {message}", exc.field)
        return None
