"""Spec metadata of OME-NGFF 0.4 high-content screening: the ``plate`` object.

The dataclasses mirror the JSON object of the specification one for one (field names are the
spec's). 0.4 stores it at the top level of a Zarr v2 group's ``.zattrs`` with its own
``version``; 0.5 keeps the same object under ``ome`` (see :mod:`ngff_zarr.v05.plate`). The rules
a plate must follow are checked by :func:`ngff_zarr.validate`, on the JSON this module writes.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Final

from ..errors import InvalidMetadataError
from ._fields import get as _get
from ._fields import items as _items

__all__ = [
    "Plate",
    "PlateAcquisition",
    "PlateColumn",
    "PlateRow",
    "PlateWell",
    "plate_from_attributes",
    "plate_to_attributes",
]

VERSION: Final = "0.4"


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

    The fields are the spec's, in ngff-zarr's order; ``version`` is the OME-NGFF version the
    plate is written as (``"0.4"``: Zarr v2, ``"0.5"``: Zarr v3) or was read from.

    Examples
    --------
    >>> plate = Plate.from_names(["A", "B"], ["1", "2", "3"], wells=["A/1", "B/3"], name="p")
    >>> [(w.path, w.rowIndex, w.columnIndex) for w in plate.wells]
    [('A/1', 0, 0), ('B/3', 1, 2)]
    """

    columns: list[PlateColumn]
    rows: list[PlateRow]
    wells: list[PlateWell]
    version: str = VERSION
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
        version: str = VERSION,
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
            version=version,
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
    def from_dict(
        cls, doc: Mapping[str, Any], *, path: str | None = None, version: str | None = None
    ) -> Plate:
        """Parse a ``plate`` JSON object (InvalidMetadataError names a missing/mistyped field).

        ``version`` is the plate's version when its container states it (0.5: ``ome``);
        otherwise the object's own ``version`` (0.4 when it has none).
        """
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
            version=version or str(doc.get("version", VERSION)),
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


def plate_to_attributes(plate: Plate) -> dict[str, Any]:
    """The ``.zattrs`` content of a 0.4 plate group."""
    return {"plate": {**plate.to_dict(), "version": VERSION}}


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


def _split_well(well: str | tuple[str, str]) -> tuple[str, str]:
    if isinstance(well, tuple):
        return str(well[0]), str(well[1])
    parts = well.split("/")
    if len(parts) != 2:
        raise InvalidMetadataError(f"expected '<row>/<column>', found {well!r}", field="wells")
    return parts[0], parts[1]
