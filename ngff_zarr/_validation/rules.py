"""Data-level checks of one metadata document: the rules a JSON Schema cannot express.

Every rule has a stable code listed in :data:`~ngff_zarr._validation.codes.CODES` (and in
``docs/validation.md``). The checks
are defensive: they skip values of the wrong type, which the schema reports already.
"""

from __future__ import annotations

import json
import math
import re
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any, Final

from ..rfc4 import AnatomicalOrientationValues
from ..vocab import AXIS_TYPES, SPACE_UNITS, SPATIAL_DIMS, TIME_UNITS, version_rank
from .codes import CODES, RULE_NAMES
from .report import Finding, Severity

__all__ = [
    "CHECKS",
    "CODES",
    "RULE_NAMES",
    "Sink",
    "axis_names",
    "check_well_acquisitions",
    "older_than",
]

_KNOWN_TYPES: Final[frozenset[str]] = frozenset(AXIS_TYPES)
_HEX_COLOR: Final = re.compile(r"[0-9A-Fa-f]{6}")
_ORIENTATION_VALUES: Final[frozenset[str]] = frozenset(v.value for v in AnatomicalOrientationValues)
_TYPE_RANK: Final[dict[str | None, int]] = {"time": 0, "space": 2}  # anything else: 1
_ORDER_03: Final[str] = "tczyx"


@dataclass(slots=True)
class Sink:
    """Collects the findings of one file (``path``); fields are prefixed with ``prefix``."""

    path: str
    prefix: str = ""
    findings: list[Finding] = field(default_factory=list)

    def _add(self, severity: Severity, code: str, message: str, fld: str | None) -> None:
        full = f"{self.prefix}{fld}" if fld else (self.prefix.rstrip(".") or None)
        self.findings.append(
            Finding(code=code, path=self.path, message=message, severity=severity, field=full)
        )

    def error(self, code: str, message: str, fld: str | None = None) -> None:
        self._add(Severity.ERROR, code, message, fld)

    def warn(self, code: str, message: str, fld: str | None = None) -> None:
        self._add(Severity.WARNING, code, message, fld)


def older_than(version: str, other: str) -> bool:
    """True when OME-NGFF ``version`` precedes ``other`` (both known versions)."""
    return version_rank(version) < version_rank(other)


def axis_names(multiscale: dict[str, Any], version: str) -> list[str] | None:
    """The axis names of a multiscale (0.1/0.2: the implied t, c, z, y, x), None if unusable."""
    if older_than(version, "0.3"):
        return list(_ORDER_03)
    axes = multiscale.get("axes")
    if not isinstance(axes, list):
        return None
    names = [
        a if isinstance(a, str) else a.get("name") if isinstance(a, dict) else None for a in axes
    ]
    return [str(n) for n in names] if all(isinstance(n, str) for n in names) else None


def _dicts(value: Any) -> Iterable[tuple[int, dict[str, Any]]]:
    if isinstance(value, list):
        yield from ((i, v) for i, v in enumerate(value) if isinstance(v, dict))


def _duplicates(values: Iterable[Any]) -> list[Any]:
    counts = Counter(v for v in values if isinstance(v, str | int | float))
    return [v for v, n in counts.items() if n > 1]


def _check_unique_multiscales(multiscales: Any, version: str, sink: Sink) -> None:
    """The same multiscale twice (0.4 on: the official schemas' ``uniqueItems``), in one pass."""
    if not isinstance(multiscales, list) or older_than(version, "0.4"):
        return
    seen: dict[str, int] = {}
    for i, ms in enumerate(multiscales):
        try:
            key = json.dumps(ms, sort_keys=True, default=repr)
        except (TypeError, ValueError):  # keys of mixed types: not a JSON document
            continue
        if key in seen:
            sink.error("NGFF113", f"the same multiscale as multiscales[{seen[key]}]",
                       f"multiscales[{i}]")  # fmt: skip
        seen.setdefault(key, i)


def _missing_version(obj: dict[str, Any], version: str, sink: Sink, fld: str) -> None:
    if not older_than("0.4", version) and "version" not in obj:
        sink.warn("NGFF004", f"no 'version' field; read as OME-NGFF {version}", fld)


# --- images -----------------------------------------------------------------------------


def check_image(content: dict[str, Any], version: str, sink: Sink) -> None:
    """Axes, transformations and SHOULD fields of every multiscale."""
    _check_unique_multiscales(content.get("multiscales"), version, sink)
    for i, ms in _dicts(content.get("multiscales")):
        fld = f"multiscales[{i}]"
        _missing_version(ms, version, sink, fld)
        if "name" not in ms:
            sink.warn("NGFF110", "no 'name' field", fld)
        if not older_than(version, "0.4"):
            if "type" not in ms:
                sink.warn("NGFF111", "no 'type' field naming the downscaling method", fld)
            if "metadata" not in ms:
                sink.warn("NGFF112", "no 'metadata' field describing the downscaling", fld)
        datasets = list(_dicts(ms.get("datasets")))
        for path in _duplicates(d.get("path") for _, d in datasets):
            sink.error("NGFF305", f"dataset path {path!r} listed more than once", f"{fld}.datasets")
        axes = ms.get("axes")
        if older_than(version, "0.3") or not isinstance(axes, list):
            continue
        if older_than(version, "0.4"):
            _check_axes_03(axes, sink, f"{fld}.axes")
            continue
        _check_axes(axes, sink, f"{fld}.axes")
        _check_orientations(axes, sink, f"{fld}.axes")
        names = axis_names(ms, version)
        for j, ds in datasets:
            _check_transforms(
                ds.get("coordinateTransformations"), names, sink, f"{fld}.datasets[{j}]"
            )
        _check_scale_order(datasets, axes, sink, f"{fld}.datasets")
        if "coordinateTransformations" in ms:
            _check_transforms(ms["coordinateTransformations"], names, sink, fld)
    _check_omero(content.get("omero"), sink)


def _check_axes(axes: list[Any], sink: Sink, fld: str) -> None:
    if not 2 <= len(axes) <= 5:
        sink.error("NGFF101", f"expected 2 to 5 axes, found {len(axes)}", fld)
    entries = [a for _, a in _dicts(axes)]
    for name in _duplicates(a.get("name") for a in entries):
        sink.error("NGFF102", f"axis name {name!r} used more than once", fld)
    types: list[str | None] = []
    for j, axis in _dicts(axes):
        kind = axis.get("type")
        types.append(kind if isinstance(kind, str) else None)
        if kind is None:
            sink.warn(
                "NGFF107", "axis has no 'type' (expected space, time or channel)", f"{fld}[{j}]"
            )
        elif not isinstance(kind, str) or kind not in _KNOWN_TYPES:
            sink.warn(
                "NGFF106", f"expected type space, time or channel, found {kind!r}", f"{fld}[{j}]"
            )
        unit = axis.get("unit")
        allowed = (
            {"space": SPACE_UNITS, "time": TIME_UNITS}.get(kind) if isinstance(kind, str) else None
        )
        if isinstance(unit, str) and allowed is not None and unit not in allowed:
            sink.warn(
                "NGFF108", f"unit {unit!r} is not a {kind} unit named by the specification",
                f"{fld}[{j}].unit",
            )  # fmt: skip
    space = types.count("space")
    if not 2 <= space <= 3:
        sink.error("NGFF104", f"expected 2 or 3 axes of type 'space', found {space}", fld)
    other = len(types) - space - types.count("time")
    if types.count("time") > 1 or other > 1:
        sink.error(
            "NGFF105",
            f"expected at most one time axis and one channel/custom axis, found types {types}",
            fld,
        )
    ranks = [_TYPE_RANK.get(t, 1) for t in types]
    if ranks != sorted(ranks):
        sink.error(
            "NGFF103",
            f"expected time, then channel/custom, then space axes; found types {types}",
            fld,
        )


def _check_orientations(axes: list[Any], sink: Sink, fld: str) -> None:
    """RFC-4 anatomical orientation: on space axes, of type anatomical, an RFC-4 value, one
    direction per anatomical axis."""
    seen: dict[frozenset[str], str] = {}
    for j, axis in _dicts(axes):
        if "orientation" not in axis:
            continue
        orientation = axis["orientation"]
        name = axis.get("name")
        where = f"{fld}[{j}].orientation"
        if orientation is None:
            sink.warn("NGFF125", f"axis {name!r} has an orientation of null", where)
            continue
        if not isinstance(orientation, dict):
            continue  # the schema reports the type
        if axis.get("type") != "space":
            sink.warn(
                "NGFF120",
                f"axis {name!r} of type {axis.get('type')!r} has an orientation; only space "
                "axes have one",
                where,
            )
        if orientation.get("type") != "anatomical":
            sink.warn(
                "NGFF121",
                f"expected orientation type 'anatomical', found {orientation.get('type')!r}",
                f"{where}.type",
            )
        if "value" not in orientation:
            sink.warn("NGFF123", f"axis {name!r}: the orientation has no 'value'", where)
            continue
        value = orientation["value"]
        if value not in _ORIENTATION_VALUES:
            sink.warn(
                "NGFF124",
                f"axis {name!r}: expected an RFC-4 orientation value, found {value!r}",
                f"{where}.value",
            )
            continue
        start, _, end = str(value).partition("-to-")
        key = frozenset((start, end))
        if key in seen:
            sink.warn(
                "NGFF122",
                f"Axes {seen[key]!r} and {name!r} describe the same anatomical axis; "
                "RFC 4 allows only one direction per axis.",
                fld,
            )
        else:
            seen[key] = str(name)


def _scales(dataset: dict[str, Any]) -> list[float] | None:
    for _, t in _dicts(dataset.get("coordinateTransformations")):
        values = t.get("scale") if t.get("type") == "scale" else None
        if isinstance(values, list) and all(isinstance(v, int | float) for v in values):
            return [float(v) for v in values]
    return None


def _check_scale_order(
    datasets: list[tuple[int, dict[str, Any]]], axes: list[Any], sink: Sink, fld: str
) -> None:
    """Levels go from the highest resolution to the lowest: no space scale may shrink."""
    space = [j for j, a in enumerate(axes) if isinstance(a, dict) and a.get("type") == "space"]
    previous: list[float] | None = None
    for j, ds in datasets:
        scale = _scales(ds)
        if scale is None or len(scale) != len(axes):
            previous = None
            continue
        if previous is not None and any(scale[k] < previous[k] for k in space):
            sink.error(
                "NGFF204",
                f"scale {scale} is smaller than the previous dataset's {previous}; datasets "
                "are ordered from the highest resolution to the lowest",
                f"{fld}[{j}]",
            )
        previous = scale


def _check_omero(omero: Any, sink: Sink) -> None:
    if not isinstance(omero, dict):
        return
    for j, channel in _dicts(omero.get("channels")):
        color = channel.get("color")
        if isinstance(color, str) and not _HEX_COLOR.fullmatch(color):
            sink.warn(
                "NGFF130",
                f"expected a 6-digit hexadecimal colour like 'FF0000' (no '#'), found {color!r}",
                f"omero.channels[{j}].color",
            )


def _check_axes_03(axes: list[Any], sink: Sink, fld: str) -> None:
    names = [a for a in axes if isinstance(a, str)]
    if not 2 <= len(axes) <= 5:
        sink.error("NGFF101", f"expected 2 to 5 axes, found {len(axes)}", fld)
    for name in _duplicates(names):
        sink.error("NGFF102", f"axis name {name!r} used more than once", fld)
    known = [n for n in names if n in _ORDER_03]
    if [_ORDER_03.index(n) for n in known] != sorted(_ORDER_03.index(n) for n in known):
        sink.error("NGFF103", f"expected axes in t, c, z, y, x order, found {names}", fld)
    space = sum(n in SPATIAL_DIMS for n in known)
    if not 2 <= space <= 3:
        sink.error("NGFF104", f"expected 2 or 3 of the space axes z, y, x, found {space}", fld)


def _check_transforms(transforms: Any, names: list[str] | None, sink: Sink, fld: str) -> None:
    fld = f"{fld}.coordinateTransformations"
    if not isinstance(transforms, list):
        return
    kinds = [t.get("type") for _, t in _dicts(transforms)]
    if kinds.count("scale") != 1:
        sink.error(
            "NGFF201",
            f"expected exactly one scale transformation, found {kinds.count('scale')}",
            fld,
        )
    if (
        any(k not in ("scale", "translation") for k in kinds)
        or kinds.count("translation") > 1
        or (
            "translation" in kinds
            and "scale" in kinds
            and kinds.index("translation") < kinds.index("scale")
        )
    ):
        sink.error(
            "NGFF203",
            f"expected a scale optionally followed by one translation, found {kinds}",
            fld,
        )
    for j, transform in _dicts(transforms):
        _check_values(transform, sink, f"{fld}[{j}]")
    if names is None:
        return
    for j, transform in _dicts(transforms):
        for key in ("scale", "translation"):
            values = transform.get(key)
            if isinstance(values, list) and len(values) != len(names):
                sink.error(
                    "NGFF202",
                    f"expected {len(names)} values (one per axis {names}), found {len(values)}",
                    f"{fld}[{j}].{key}",
                )


def _check_values(transform: dict[str, Any], sink: Sink, fld: str) -> None:
    """Scales finite and positive, translations finite (the schema only asks for numbers)."""
    kind = transform.get("type")
    values = transform.get(kind) if kind in ("scale", "translation") else None
    if not isinstance(values, list):
        return
    numbers = [v for v in values if isinstance(v, int | float) and not isinstance(v, bool)]
    if kind == "scale":
        bad = [v for v in numbers if not (math.isfinite(v) and v > 0)]
        expected = "finite numbers > 0"
    else:
        bad = [v for v in numbers if not math.isfinite(v)]
        expected = "finite numbers"
    if bad:
        sink.error("NGFF205", f"expected {expected}, found {bad[:5]}", f"{fld}.{kind}")


# --- labels -------------------------------------------------------------------------------


def check_label(content: dict[str, Any], version: str, sink: Sink) -> None:
    """image-label: colors present, label values unique."""
    label = content.get("image-label")
    if not isinstance(label, dict):
        return
    _missing_version(label, version, sink, "image-label")
    if "colors" not in label:
        sink.warn("NGFF405", "no 'colors' field", "image-label")
    for key in ("colors", "properties"):
        values = [c.get("label-value") for _, c in _dicts(label.get(key))]
        for value in _duplicates(values):
            sink.error(
                "NGFF403", f"label-value {value!r} appears more than once", f"image-label.{key}"
            )


# --- plates and wells --------------------------------------------------------------------


def _names(entries: Any) -> list[Any]:
    return [e.get("name") for _, e in _dicts(entries)]


def check_plate(content: dict[str, Any], version: str, sink: Sink) -> None:
    """Plate layout: unique names, well paths '<row>/<column>', acquisitions."""
    plate = content.get("plate")
    if not isinstance(plate, dict):
        return
    _missing_version(plate, version, sink, "plate")
    if "name" not in plate:
        sink.warn("NGFF506", "no 'name' field", "plate")
    rows, columns = _names(plate.get("rows")), _names(plate.get("columns"))
    for key, names in (("rows", rows), ("columns", columns)):
        for name in _duplicates(names):
            sink.error("NGFF505", f"name {name!r} appears more than once", f"plate.{key}")
    acquisitions = list(_dicts(plate.get("acquisitions")))
    for ident in _duplicates(a.get("id") for _, a in acquisitions):
        sink.error(
            "NGFF509", f"acquisition id {ident!r} appears more than once", "plate.acquisitions"
        )
    for j, acq in acquisitions:
        missing = [k for k in ("name", "maximumfieldcount") if k not in acq]
        if missing:
            sink.warn("NGFF507", f"no {' or '.join(missing)} field", f"plate.acquisitions[{j}]")
    wells = list(_dicts(plate.get("wells")))
    for path in _duplicates(w.get("path") for _, w in wells):
        sink.error("NGFF505", f"well path {path!r} appears more than once", "plate.wells")
    for j, well in wells:
        if isinstance(well.get("path"), str):
            _check_well_path(well, rows, columns, version, sink, f"plate.wells[{j}]")


def _check_well_path(
    well: dict[str, Any], rows: list[Any], columns: list[Any], version: str, sink: Sink, fld: str
) -> None:
    path: str = well["path"]
    if older_than(version, "0.4"):
        parts = path.split("/")
        if len(parts) != 2 or parts[0] not in rows or parts[1] not in columns:
            sink.error(
                "NGFF501",
                f"expected '<row>/<column>' with names from rows/columns, found {path!r}",
                f"{fld}.path",
            )
        return
    ri, ci = well.get("rowIndex"), well.get("columnIndex")
    if not (isinstance(ri, int) and isinstance(ci, int)):
        return
    if not (0 <= ri < len(rows) and 0 <= ci < len(columns)):
        sink.error(
            "NGFF502",
            f"rowIndex {ri} / columnIndex {ci} outside {len(rows)} rows x {len(columns)} columns",
            fld,
        )
        return
    if not (isinstance(rows[ri], str) and isinstance(columns[ci], str)):
        return  # a nameless row or column: the schema reports it
    expected = f"{rows[ri]}/{columns[ci]}"
    if path != expected:
        sink.error(
            "NGFF501",
            f"expected {expected!r} (row {rows[ri]!r} at rowIndex {ri}, then column "
            f"{columns[ci]!r} at columnIndex {ci}), found {path!r}",
            f"{fld}.path",
        )


def check_well(content: dict[str, Any], version: str, sink: Sink) -> None:
    """Well: unique image paths."""
    well = content.get("well")
    if not isinstance(well, dict):
        return
    _missing_version(well, version, sink, "well")
    for path in _duplicates(i.get("path") for _, i in _dicts(well.get("images"))):
        sink.error("NGFF505", f"image path {path!r} appears more than once", "well.images")


def check_well_acquisitions(content: dict[str, Any], ids: tuple[int, ...], sink: Sink) -> None:
    """The acquisitions of a well's images against the ids its plate defines."""
    well = content.get("well")
    for j, image in _dicts(well.get("images") if isinstance(well, dict) else None):
        acq = image.get("acquisition")
        if isinstance(acq, int) and ids and acq not in ids:
            sink.error(
                "NGFF508",
                f"acquisition {acq} is not among the plate's {list(ids)}",
                f"well.images[{j}].acquisition",
            )
        if acq is None and len(ids) > 1:
            sink.error(
                "NGFF510",
                f"the plate has {len(ids)} acquisitions; expected an 'acquisition'",
                f"well.images[{j}]",
            )


def _check_nothing(content: dict[str, Any], version: str, sink: Sink) -> None:
    """Kinds whose rules the schema covers completely."""


CHECKS: Final[dict[str, Callable[[dict[str, Any], str, Sink], None]]] = {
    "image": check_image,
    "label": check_label,
    "labels": _check_nothing,
    "plate": check_plate,
    "well": check_well,
    "bf2raw": _check_nothing,
    "series": _check_nothing,
}
