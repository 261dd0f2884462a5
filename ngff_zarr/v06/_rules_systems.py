"""The 0.6 rules of images and coordinate systems (the body of ``rules.check_v06_image``).

Also the helpers the other 0.6 rules share: every function reads raw JSON defensively, skipping
values of the wrong JSON type (the schema reports those).
"""

from __future__ import annotations

from collections import Counter, deque
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Final

from ..errors import InvalidMetadataError
from ..vocab import SPACE_UNITS, TIME_UNITS
from ._base import Transformation
from ._rules_transforms import Report, check_transformation
from .coordinate_systems import AXIS_TYPES, CoordinateSystemIdentifier

__all__ = [
    "GroupSystems",
    "Scope",
    "between",
    "check_systems",
    "dicts",
    "duplicates",
    "items",
    "multiscale",
    "ome_of",
]

GroupSystems = Mapping[str, Sequence[Any]]

_RANK: Final[dict[str | None, int]] = {"time": 0, "space": 2, "array": 2}  # others: 1
_UNITS: Final[dict[str, frozenset[str]]] = {"space": SPACE_UNITS, "time": TIME_UNITS}

# --- images -------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True, kw_only=True)
class Scope:
    """What references resolve against: this document's systems, the arrays, other groups'."""

    systems: dict[str, int | None]
    arrays: dict[str, int | None]
    groups: GroupSystems | None

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
                "NGFF802",
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
            "NGFF802",
            f"expected a coordinate system of {where}, one of {sorted(map(str, systems))}, "
            f"found {name!r}",
            f"{fld}.name",
        )
        return None


def multiscale(ms: dict[str, Any], report: Report, groups: GroupSystems | None, fld: str) -> None:
    """Check one multiscale: SHOULD fields, coordinate systems, datasets, transformations, graph."""
    for key, code in (("name", "NGFF110"), ("type", "NGFF111"), ("metadata", "NGFF112")):
        if key not in ms:
            report.warn(code, f"expected a {key!r} field (SHOULD), found none", fld)
    systems = check_systems(ms.get("coordinateSystems"), report, f"{fld}.coordinateSystems", True)
    intrinsic, arrays = _datasets(ms, systems, report, fld)
    scope = Scope(systems=systems, arrays=arrays, groups=groups)
    edges: list[tuple[str, str]] = []
    for k, raw in items(ms.get("coordinateTransformations")):
        t = between(raw, scope, report, f"{fld}.coordinateTransformations[{k}]")
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
    for j, ds in dicts(ms.get("datasets")):
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
                "NGFF803",
                f"expected {path!r} (the dataset path), found {t.input.path!r}",
                f"{tfld}.input.path",
            )
        n_out = None
        if t.output.name is not None:
            outputs[t.output.name] = outputs.get(t.output.name, 0) + 1
            local = Scope(systems=systems, arrays={}, groups=None)
            n_out = local.ndim(t.output, report, f"{tfld}.output")
        n_in = _array_ndim(path, n_out, report, dfld)
        if isinstance(path, str):
            arrays[path] = n_in
        check_transformation(t, n_in, n_out, report, tfld)
    for path in duplicates(paths):
        report.error("NGFF305", f"expected unique paths, found {path!r} twice", f"{fld}.datasets")
    if len(outputs) > 1:
        report.error(
            "NGFF804",
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


def between(raw: Any, scope: Scope, report: Report, fld: str) -> Transformation | None:
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
            "NGFF806",
            f"expected every coordinate system to be joined to the intrinsic system {start!r} by "
            f"transformations, found none for {apart}",
            fld,
        )


# --- coordinate systems and axes --------------------------------------------------------


def check_systems(raw: Any, report: Report, fld: str, image: bool) -> dict[str, int | None]:
    """Check a list of coordinate systems; their dimensionalities by name."""
    out: dict[str, int | None] = {}
    names = []
    for j, cs in dicts(raw):
        name = cs.get("name")
        names.append(name)
        axes = cs.get("axes")
        if isinstance(axes, list):
            _axes(axes, report, f"{fld}[{j}].axes", image)
        if isinstance(name, str):
            out.setdefault(name, _ndim(cs))
    for name in duplicates(names):
        report.error("NGFF801", f"expected unique names, found {name!r} more than once", fld)
    return out


def _axes(axes: list[Any], report: Report, fld: str, image: bool) -> None:
    entries = list(dicts(axes))
    for name in duplicates(a.get("name") for _, a in entries):
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


# --- helpers ------------------------------------------------------------------------------


def ome_of(attrs: Any) -> dict[str, Any]:
    """The ``ome`` object of ``attrs`` (empty when there is none)."""
    ome = attrs.get("ome") if isinstance(attrs, dict) else None
    return ome if isinstance(ome, dict) else {}


def dicts(value: Any) -> Iterator[tuple[int, dict[str, Any]]]:
    """``(index, item)`` of the objects in a list (nothing when ``value`` is not a list)."""
    if isinstance(value, list):
        yield from ((i, v) for i, v in enumerate(value) if isinstance(v, dict))


def items(value: Any) -> Iterator[tuple[int, Any]]:
    """``(index, item)`` of a list (nothing when ``value`` is not a list)."""
    if isinstance(value, list):
        yield from enumerate(value)


def duplicates(values: Iterable[Any]) -> list[Any]:
    """The strings and numbers that occur more than once."""
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
        report.error("NGFF816", f"cannot read the transformation: {message}", exc.field)
        return None
