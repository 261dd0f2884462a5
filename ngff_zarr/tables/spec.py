"""Table metadata as ngio 1.x and Fractal's table specification (V1) define it.

A table is a group ``<image>/tables/<name>`` whose attributes say what it is (``type``:
``roi_table``, ``masking_roi_table``, ``feature_table``, ``condition_table``, or none for a
generic table; ``table_version`` ``"1"``), how it is stored (``backend``: ``anndata``,
``parquet``, ``csv`` or ``json``), which column indexes it (``index_key``, ``index_type``), and,
for tables about a label image, which one (``region.path``, relative to the table group, e.g.
``"../labels/nuclei"``) and the column holding the label value (``instance_key``). The
``tables`` group lists the tables in its ``tables`` attribute.

The rules of these documents live here, once: :func:`check_table_attributes` lists what is
wrong with a table's attributes, and the readers, the writers and :func:`ngff_zarr.validate`
all use it.

>>> meta = TableMetadata(type="masking_roi_table", backend="anndata", index_key="label",
...                      index_type="int", region="../labels/nuclei", instance_key="label")
>>> attrs = meta.to_attributes()
>>> attrs["type"], attrs["region"], attrs["table_version"]
('masking_roi_table', {'path': '../labels/nuclei'}, '1')
>>> TableMetadata.from_attributes(attrs) == meta
True
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Final, Literal

from ..errors import InvalidMetadataError

__all__ = [
    "BACKENDS",
    "REGION_TYPES",
    "ROI_COLUMNS",
    "TABLE_TYPES",
    "TABLE_VERSION",
    "Issue",
    "TableMetadata",
    "check_table_attributes",
]

TABLE_VERSION: Final = "1"
TABLE_TYPES: Final[tuple[str, ...]] = (
    "generic_table",
    "roi_table",
    "masking_roi_table",
    "feature_table",
    "condition_table",
    "generic_roi_table",
)
BACKENDS: Final[tuple[str, ...]] = ("anndata", "parquet", "csv", "json")
# table types about one label image: they name it in region.path
REGION_TYPES: Final[frozenset[str]] = frozenset({"masking_roi_table", "feature_table"})
ROI_TYPES: Final[frozenset[str]] = frozenset({"roi_table", "masking_roi_table"})
# the columns of every ROI table: the corner of the box and its size, in micrometers
ROI_COLUMNS: Final[tuple[str, ...]] = (
    "x_micrometer",
    "y_micrometer",
    "z_micrometer",
    "len_x_micrometer",
    "len_y_micrometer",
    "len_z_micrometer",
)
# the index each typed table gets when the writer is not told one
DEFAULT_INDEX: Final[dict[str, tuple[str, Literal["int", "str"]]]] = {
    "roi_table": ("FieldIndex", "str"),
    "generic_roi_table": ("FieldIndex", "str"),
    "masking_roi_table": ("label", "int"),
    "feature_table": ("label", "int"),
}
_KNOWN_KEYS: Final = frozenset(
    {
        "type",
        "table_version",
        "fractal_table_version",
        "backend",
        "index_key",
        "index_type",
        "region",
        "instance_key",
        "encoding-type",
        "encoding-version",
    }
)


@dataclass(frozen=True, slots=True, kw_only=True)
class Issue:
    """One problem of a table's attributes: a finding code, its severity and the field."""

    code: str
    error: bool
    field: str | None
    message: str


@dataclass(frozen=True, slots=True, kw_only=True)
class TableMetadata:
    """The attributes of a table group.

    Parameters
    ----------
    type
        ``roi_table``, ``masking_roi_table``, ``feature_table``, ``condition_table``,
        ``generic_roi_table``, or None for a generic table (no ``type`` attribute).
    backend
        How the rows are stored: ``anndata``, ``parquet``, ``csv`` or ``json``.
    index_key, index_type
        The column that indexes the rows and its type (``"int"`` or ``"str"``); None for a
        table indexed by row number.
    region
        The label image the table is about, relative to the table group
        (``"../labels/<name>"``); masking ROI tables and feature tables need one.
    instance_key
        The column of label values (``"label"``).
    table_version
        ``"1"``.
    extra
        Other attributes, kept as they are (e.g. a feature table's ``measurement_columns``).
    """

    type: str | None
    backend: str = "anndata"
    index_key: str | None = None
    index_type: Literal["int", "str"] | None = None
    region: str | None = None
    instance_key: str | None = None
    table_version: str = TABLE_VERSION
    extra: Mapping[str, Any] = field(default_factory=dict)

    def to_attributes(self) -> dict[str, Any]:
        """The attributes of the table group, as ngio writes them."""
        out: dict[str, Any] = {"backend": self.backend}
        if self.index_key is not None:
            out["index_key"] = self.index_key
        if self.index_type is not None:
            out["index_type"] = self.index_type
        if self.type is not None:
            out["table_version"] = self.table_version
            out["fractal_table_version"] = self.table_version
            out["type"] = self.type
        if self.region is not None:
            out["region"] = {"path": self.region}
        if self.instance_key is not None:
            out["instance_key"] = self.instance_key
        out.update(self.extra)
        return out

    @classmethod
    def from_attributes(cls, attrs: Mapping[str, Any], *, path: str | None = None) -> TableMetadata:
        """Parse a table group's attributes.

        A Fractal table from before ngio (no ``backend``, ``fractal_table_version``) reads as
        an AnnData table.

        Raises
        ------
        InvalidMetadataError
            The attributes break a rule of the specification (see
            :func:`check_table_attributes`); the message names the field.
        """
        errors = [i for i in check_table_attributes(attrs) if i.error]
        if errors:
            first = errors[0]
            raise InvalidMetadataError(first.message, path=path, field=first.field)
        region = attrs.get("region")
        version = attrs.get("table_version", attrs.get("fractal_table_version", TABLE_VERSION))
        return cls(
            type=attrs.get("type"),
            backend=_backend(attrs) or "anndata",
            index_key=attrs.get("index_key"),
            index_type=attrs.get("index_type"),
            region=region.get("path") if isinstance(region, Mapping) else None,
            instance_key=attrs.get("instance_key"),
            table_version=str(version),
            extra={k: v for k, v in attrs.items() if k not in _KNOWN_KEYS},
        )


def _backend(attrs: Mapping[str, Any]) -> str | None:
    backend = attrs.get("backend")
    if backend is None and attrs.get("encoding-type") == "anndata":
        return "anndata"  # Fractal tables written before ngio name no backend
    return backend if isinstance(backend, str) else None


def check_table_attributes(attrs: Mapping[str, Any]) -> list[Issue]:
    """Every problem of a table group's attributes (errors break a rule, warnings a SHOULD).

    >>> attrs = {"type": "feature_table", "table_version": "1", "backend": "csv"}
    >>> [(i.code, i.field) for i in check_table_attributes(attrs)]
    [('NGFF703', 'region')]
    >>> check_table_attributes({"backend": "parquet", "index_key": "id", "index_type": "str"})
    []
    """
    issues: list[Issue] = []

    def error(code: str, fld: str | None, message: str) -> None:
        issues.append(Issue(code=code, error=True, field=fld, message=message))

    backend = _backend(attrs)
    if backend is None:
        error("NGFF703", "backend", f"expected one of {list(BACKENDS)}, found nothing")
    elif backend not in BACKENDS:
        issues.append(
            Issue(
                code="NGFF702",
                error=True,
                field="backend",
                message=f"expected one of {list(BACKENDS)}, found {backend!r}",
            )
        )
    kind = attrs.get("type")
    if kind is not None and not isinstance(kind, str):
        error("NGFF703", "type", f"expected a string, found {kind!r}")
        kind = None
    if kind is not None and kind not in TABLE_TYPES:
        issues.append(
            Issue(
                code="NGFF702",
                error=False,
                field="type",
                message=f"unknown table type {kind!r} (known: {list(TABLE_TYPES)}); read as "
                "a generic table",
            )
        )
    version = attrs.get("table_version", attrs.get("fractal_table_version"))
    if kind is not None and version is None:
        error("NGFF703", "table_version", f"expected {TABLE_VERSION!r}, found nothing")
    elif version is not None and str(version) != TABLE_VERSION:
        error("NGFF703", "table_version", f"expected {TABLE_VERSION!r}, found {version!r}")
    index_key, index_type = attrs.get("index_key"), attrs.get("index_type")
    if index_key is not None and (not isinstance(index_key, str) or not index_key):
        error("NGFF703", "index_key", f"expected a column name, found {index_key!r}")
    if index_type is not None and index_type not in ("int", "str"):
        error("NGFF703", "index_type", f"expected 'int' or 'str', found {index_type!r}")
    if (index_key is None) != (index_type is None) and backend != "anndata":
        missing = "index_type" if index_type is None else "index_key"
        error("NGFF703", missing, "index_key and index_type go together; found only one")
    region = attrs.get("region")
    if region is not None and (
        not isinstance(region, Mapping)
        or not isinstance(region.get("path"), str)
        or not region.get("path")
    ):
        error("NGFF703", "region", f"expected an object with a string 'path', found {region!r}")
    if kind in REGION_TYPES and region is None:
        error("NGFF703", "region", f"a {kind} names its label image in region.path; found nothing")
    instance_key = attrs.get("instance_key")
    if instance_key is not None and not isinstance(instance_key, str):
        error("NGFF703", "instance_key", f"expected a column name, found {instance_key!r}")
    return issues
