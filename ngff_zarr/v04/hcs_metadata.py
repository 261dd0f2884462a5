"""Spec metadata of OME-NGFF 0.4 high-content screening: the ``plate`` and ``well`` objects.

The dataclasses mirror the JSON objects of the specification one for one (field names are the
spec's). 0.4 stores them at the top level of a Zarr v2 group's ``.zattrs``, each with its own
``version``; 0.5 reuses the same objects under ``ome`` (see :mod:`ngff_zarr.v05.hcs_metadata`).

:func:`plate_problems` and :func:`well_problems` list every way a document breaks the spec
(schema rules and the cross-references a schema cannot express); the writer refuses a plate
with problems and ``from_hcs_zarr(..., validate=True)`` reports them.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Final

from ..errors import InvalidMetadataError

__all__ = [
    "Plate",
    "PlateAcquisition",
    "PlateColumn",
    "PlateRow",
    "PlateWell",
    "Well",
    "WellImage",
    "plate_from_attributes",
    "plate_problems",
    "plate_to_attributes",
    "well_from_attributes",
    "well_problems",
    "well_to_attributes",
]

VERSION: Final = "0.4"
_ALNUM: Final = re.compile(r"^[A-Za-z0-9]+$")


@dataclass
class PlateRow:
    """One entry of ``plate.rows``: the row's name (alphanumeric, e.g. ``"B"``)."""

    name: str

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name}


@dataclass
class PlateColumn:
    """One entry of ``plate.columns``: the column's name (alphanumeric, e.g. ``"3"``)."""

    name: str

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name}


@dataclass
class PlateWell:
    """One entry of ``plate.wells``: the well group's ``path`` (``"row/column"``) and indices."""

    path: str
    rowIndex: int  # spec field name
    columnIndex: int  # spec field name

    def to_dict(self) -> dict[str, Any]:
        return {"path": self.path, "rowIndex": self.rowIndex, "columnIndex": self.columnIndex}


@dataclass
class PlateAcquisition:
    """One entry of ``plate.acquisitions``: an ``id`` unique in the plate, the rest optional.

    ``starttime`` and ``endtime`` are epoch timestamps.
    """

    id: int
    name: str | None = None
    maximumfieldcount: int | None = None
    description: str | None = None
    starttime: int | None = None
    endtime: int | None = None

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"id": self.id}
        for key in ("name", "maximumfieldcount", "description", "starttime", "endtime"):
            value = getattr(self, key)
            if value is not None:
                out[key] = value
        return out


@dataclass
class Plate:
    """The ``plate`` object: the row/column grid, the wells present, and the acquisitions.

    Examples
    --------
    >>> plate = Plate.from_names(["A", "B"], ["1", "2", "3"], wells=["A/1", "B/3"], name="p")
    >>> [(w.path, w.rowIndex, w.columnIndex) for w in plate.wells]
    [('A/1', 0, 0), ('B/3', 1, 2)]
    """

    rows: list[PlateRow]
    columns: list[PlateColumn]
    wells: list[PlateWell]
    acquisitions: list[PlateAcquisition] | None = None
    field_count: int | None = None
    name: str | None = None

    @classmethod
    def from_names(
        cls,
        rows: Iterable[str],
        columns: Iterable[str],
        *,
        wells: Iterable[str | tuple[str, str]] | None = None,
        acquisitions: Iterable[PlateAcquisition] | None = None,
        field_count: int | None = None,
        name: str | None = None,
    ) -> Plate:
        """A plate from row and column names; ``wells`` defaults to every row/column pair.

        Each well is given as ``"B/3"`` or ``("B", "3")``; its indices are looked up.
        """
        row_names = [str(r) for r in rows]
        column_names = [str(c) for c in columns]
        pairs: list[tuple[str, str]]
        if wells is None:
            pairs = [(r, c) for r in row_names for c in column_names]
        else:
            pairs = [_split_well(w) for w in wells]
        plate_wells = []
        for r, c in pairs:
            if r not in row_names or c not in column_names:
                raise InvalidMetadataError(
                    f"well {r}/{c} is outside the plate: expected a row in {row_names} "
                    f"and a column in {column_names}",
                    field="wells",
                )
            plate_wells.append(PlateWell(f"{r}/{c}", row_names.index(r), column_names.index(c)))
        return cls(
            rows=[PlateRow(r) for r in row_names],
            columns=[PlateColumn(c) for c in column_names],
            wells=plate_wells,
            acquisitions=None if acquisitions is None else list(acquisitions),
            field_count=field_count,
            name=name,
        )

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        if self.acquisitions is not None:
            out["acquisitions"] = [a.to_dict() for a in self.acquisitions]
        out["columns"] = [c.to_dict() for c in self.columns]
        if self.field_count is not None:
            out["field_count"] = self.field_count
        if self.name is not None:
            out["name"] = self.name
        out["rows"] = [r.to_dict() for r in self.rows]
        out["wells"] = [w.to_dict() for w in self.wells]
        return out

    @classmethod
    def from_dict(cls, doc: Mapping[str, Any], *, path: str | None = None) -> Plate:
        """Parse a ``plate`` JSON object (InvalidMetadataError names a missing/mistyped field)."""
        rows = [
            PlateRow(_get(r, "name", str, f"plate.rows[{i}]", path))
            for i, r in _items(doc, "rows", "plate", path)
        ]
        columns = [
            PlateColumn(_get(c, "name", str, f"plate.columns[{i}]", path))
            for i, c in _items(doc, "columns", "plate", path)
        ]
        wells = [
            PlateWell(
                _get(w, "path", str, f"plate.wells[{i}]", path),
                _get(w, "rowIndex", int, f"plate.wells[{i}]", path),
                _get(w, "columnIndex", int, f"plate.wells[{i}]", path),
            )
            for i, w in _items(doc, "wells", "plate", path)
        ]
        acquisitions = None
        if doc.get("acquisitions") is not None:
            acquisitions = [
                PlateAcquisition(
                    id=_get(a, "id", int, f"plate.acquisitions[{i}]", path),
                    **{
                        k: _get(a, k, t, f"plate.acquisitions[{i}]", path, required=False)
                        for k, t in _ACQUISITION_FIELDS.items()
                    },
                )
                for i, a in _items(doc, "acquisitions", "plate", path)
            ]
        return cls(
            rows=rows,
            columns=columns,
            wells=wells,
            acquisitions=acquisitions,
            field_count=_get(doc, "field_count", int, "plate", path, required=False),
            name=_get(doc, "name", str, "plate", path, required=False),
        )

    def well_at(self, row: str, column: str) -> PlateWell | None:
        """The well in ``row`` and ``column`` (names), or None when the plate does not list it."""
        wanted = f"{row}/{column}"
        return next((w for w in self.wells if w.path == wanted), None)


_ACQUISITION_FIELDS: Final[dict[str, type]] = {
    "name": str,
    "maximumfieldcount": int,
    "description": str,
    "starttime": int,
    "endtime": int,
}


@dataclass
class WellImage:
    """One entry of ``well.images``: a field of view's group ``path`` and its acquisition id."""

    path: str
    acquisition: int | None = None

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        if self.acquisition is not None:
            out["acquisition"] = self.acquisition
        out["path"] = self.path
        return out


@dataclass
class Well:
    """The ``well`` object: the fields of view (images) of one well, in order.

    Examples
    --------
    >>> well_to_attributes(Well([WellImage("0", acquisition=1)]))
    {'well': {'images': [{'acquisition': 1, 'path': '0'}], 'version': '0.4'}}
    """

    images: list[WellImage]

    def to_dict(self) -> dict[str, Any]:
        return {"images": [i.to_dict() for i in self.images]}

    @classmethod
    def from_dict(cls, doc: Mapping[str, Any], *, path: str | None = None) -> Well:
        """Parse a ``well`` JSON object (InvalidMetadataError names a missing/mistyped field)."""
        return cls(
            images=[
                WellImage(
                    _get(img, "path", str, f"well.images[{i}]", path),
                    _get(img, "acquisition", int, f"well.images[{i}]", path, required=False),
                )
                for i, img in _items(doc, "images", "well", path)
            ]
        )


def plate_to_attributes(plate: Plate) -> dict[str, Any]:
    """The ``.zattrs`` content of a 0.4 plate group."""
    return {"plate": {**plate.to_dict(), "version": VERSION}}


def well_to_attributes(well: Well) -> dict[str, Any]:
    """The ``.zattrs`` content of a 0.4 well group."""
    return {"well": {**well.to_dict(), "version": VERSION}}


def plate_from_attributes(attrs: Mapping[str, Any], *, path: str | None = None) -> Plate:
    """The plate of a 0.4 (or older) plate group's attributes.

    Raises
    ------
    InvalidMetadataError
        When there is no ``plate`` object or one of its fields is missing or mistyped.
    """
    doc = attrs.get("plate")
    if not isinstance(doc, Mapping):
        raise InvalidMetadataError(
            f"expected a plate object, found {type(doc).__name__}", path=path, field="plate"
        )
    return Plate.from_dict(doc, path=path)


def well_from_attributes(attrs: Mapping[str, Any], *, path: str | None = None) -> Well:
    """The well of a 0.4 (or older) well group's attributes (see :func:`plate_from_attributes`)."""
    doc = attrs.get("well")
    if not isinstance(doc, Mapping):
        raise InvalidMetadataError(
            f"expected a well object, found {type(doc).__name__}", path=path, field="well"
        )
    return Well.from_dict(doc, path=path)


def plate_problems(plate: Plate, *, check_paths: bool = True) -> list[str]:
    """Every way ``plate`` breaks the spec; empty when it is valid.

    ``check_paths`` also checks that each well's path is ``"<row name>/<column name>"`` of
    its indices (a rule the JSON schema cannot express).
    """
    problems: list[str] = []
    grid = {"rows": [r.name for r in plate.rows], "columns": [c.name for c in plate.columns]}
    for kind, names in grid.items():
        if not names:
            problems.append(f"plate.{kind}: expected at least one entry, found none")
        problems += [f"plate.{kind}: duplicate name {n!r}" for n in _duplicates(names)]
        problems += [
            f"plate.{kind}[{i}].name: expected letters and digits only, found {n!r}"
            for i, n in enumerate(names)
            if not _ALNUM.match(n)
        ]
    if not plate.wells:
        problems.append("plate.wells: expected at least one well, found none")
    paths = [w.path for w in plate.wells]
    problems += [f"plate.wells: duplicate path {p!r}" for p in _duplicates(paths)]
    for i, well in enumerate(plate.wells):
        where = f"plate.wells[{i}]"
        parts = well.path.split("/")
        if len(parts) != 2 or not all(_ALNUM.match(p) for p in parts):
            problems.append(f"{where}.path: expected '<row>/<column>', found {well.path!r}")
            continue
        if not 0 <= well.rowIndex < len(plate.rows):
            problems.append(
                f"{where}.rowIndex: expected 0..{len(plate.rows) - 1}, found {well.rowIndex}"
            )
        elif check_paths and parts[0] != plate.rows[well.rowIndex].name:
            problems.append(
                f"{where}.path: expected row {plate.rows[well.rowIndex].name!r} "
                f"(rowIndex {well.rowIndex}), found {well.path!r}"
            )
        if not 0 <= well.columnIndex < len(plate.columns):
            problems.append(
                f"{where}.columnIndex: expected 0..{len(plate.columns) - 1}, "
                f"found {well.columnIndex}"
            )
        elif check_paths and parts[1] != plate.columns[well.columnIndex].name:
            problems.append(
                f"{where}.path: expected column {plate.columns[well.columnIndex].name!r} "
                f"(columnIndex {well.columnIndex}), found {well.path!r}"
            )
    if plate.field_count is not None and plate.field_count < 1:
        problems.append(f"plate.field_count: expected an integer >= 1, found {plate.field_count}")
    problems += [
        f"plate.acquisitions: duplicate id {a}"
        for a in _duplicates([a.id for a in plate.acquisitions or []])
    ]
    for i, acq in enumerate(plate.acquisitions or []):
        limits = {"id": 0, "maximumfieldcount": 1, "starttime": 0, "endtime": 0}
        problems += [
            f"plate.acquisitions[{i}].{key}: expected an integer >= {low}, found {value}"
            for key, low in limits.items()
            if (value := getattr(acq, key)) is not None and value < low
        ]
    return problems


def well_problems(well: Well, *, acquisitions: Iterable[int] | None = None) -> list[str]:
    """Every way ``well`` breaks the spec; ``acquisitions`` are the plate's ids, when known."""
    problems: list[str] = []
    if not well.images:
        problems.append("well.images: expected at least one image, found none")
    paths = [i.path for i in well.images]
    problems += [f"well.images: duplicate path {p!r}" for p in _duplicates(paths)]
    known = None if acquisitions is None else set(acquisitions)
    for i, image in enumerate(well.images):
        if not _ALNUM.match(image.path):
            problems.append(
                f"well.images[{i}].path: expected letters and digits only, found {image.path!r}"
            )
        if known is not None and image.acquisition is not None and image.acquisition not in known:
            problems.append(
                f"well.images[{i}].acquisition: expected one of the plate's acquisition ids "
                f"{sorted(known)}, found {image.acquisition}"
            )
    return problems


def _split_well(well: str | tuple[str, str]) -> tuple[str, str]:
    if isinstance(well, tuple):
        return str(well[0]), str(well[1])
    parts = well.split("/")
    if len(parts) != 2:
        raise InvalidMetadataError(f"expected '<row>/<column>', found {well!r}", field="wells")
    return parts[0], parts[1]


def _duplicates(values: Iterable[Any]) -> list[Any]:
    seen: set[Any] = set()
    dup: list[Any] = []
    for v in values:
        if v in seen and v not in dup:
            dup.append(v)
        seen.add(v)
    return dup


def _items(
    doc: Mapping[str, Any], key: str, where: str, path: str | None
) -> list[tuple[int, Mapping[str, Any]]]:
    value = doc.get(key)
    if not isinstance(value, list):
        raise InvalidMetadataError(
            f"expected a list, found {type(value).__name__}", path=path, field=f"{where}.{key}"
        )
    for i, item in enumerate(value):
        if not isinstance(item, Mapping):
            raise InvalidMetadataError(
                f"expected an object, found {type(item).__name__}",
                path=path,
                field=f"{where}.{key}[{i}]",
            )
    return list(enumerate(value))


def _get(
    doc: Mapping[str, Any],
    key: str,
    kind: type,
    where: str,
    path: str | None,
    *,
    required: bool = True,
) -> Any:
    value = doc.get(key)
    if value is None and not required:
        return None
    # bool is an int in Python but not a JSON integer
    if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
        found = "nothing" if value is None else f"{type(value).__name__} {value!r}"
        raise InvalidMetadataError(
            f"expected {'an integer' if kind is int else 'a string'}, found {found}",
            path=path,
            field=f"{where}.{key}",
        )
    return value
