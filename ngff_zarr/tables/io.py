"""``read_table``, ``write_table``, ``list_tables``: tables of an image (or plate) group."""

from __future__ import annotations

import os
import posixpath
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from zarr.core.sync import sync

from .._io.documents import group_attributes, group_documents, read_documents, write_documents
from .._io.edit import add_to_consolidated, subtree_nodes
from .._io.locate import Located, locate_group
from .._io.locks import well_lock
from .._io.staging import Target
from .._io.store import StoreLike, join
from ..errors import (
    InvalidMetadataError,
    MetadataNotFoundError,
    NgffValueError,
    StoreExistsError,
    missing_dependency,
)
from .backends import get_backend
from .backends._anndata import ROOT_ENCODING
from .backends._location import TableLocation
from .spec import (
    DEFAULT_INDEX,
    REGION_TYPES,
    ROI_COLUMNS,
    ROI_TYPES,
    TableMetadata,
    check_table_attributes,
)

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["TABLES_GROUP", "list_tables", "read_table", "read_table_metadata", "write_table"]

TABLES_GROUP = "tables"


def list_tables(
    store: StoreLike,
    *,
    type: str | None = None,
    storage_options: Mapping[str, Any] | None = None,
) -> list[str]:
    """The tables of the image (or plate) in ``store``, as its ``tables`` group lists them.

    Parameters
    ----------
    store
        The image or plate: a path, URL, zarr store or group.
    type
        Only tables of this type (``"roi_table"``, ``"feature_table"``, ...); a table without a
        type is a ``"generic_table"``.
    storage_options
        Passed to fsspec for URLs.

    Examples
    --------
    >>> import numpy as np, pandas as pd, zarr
    >>> import ngff_zarr as nz
    >>> store = zarr.storage.MemoryStore()
    >>> nz.to_ngff_zarr(store, nz.to_multiscales(np.zeros((16, 16), "uint8"), [2]))
    >>> nz.write_table(store, "measurements", pd.DataFrame({"area": [1.5, 2.0]}))
    >>> nz.list_tables(store), nz.list_tables(store, type="roi_table")
    (['measurements'], [])
    """
    container = _container(store, storage_options=storage_options)
    names = _names(container)
    if type is None:
        return names
    keys = [join(container.path, TABLES_GROUP, n, container.layout.attributes_key) for n in names]
    docs = read_documents(container.store, keys)
    out = []
    for name, doc in zip(names, docs, strict=True):
        attrs = (doc or {}).get("attributes", {}) if container.zarr_format == 3 else (doc or {})
        if (attrs.get("type") or "generic_table") == type:
            out.append(name)
    return out


def read_table_metadata(
    store: StoreLike, name: str, *, storage_options: Mapping[str, Any] | None = None
) -> TableMetadata:
    """The metadata of table ``name`` (type, backend, index, region).

    Raises
    ------
    MetadataNotFoundError
        No table of that name.
    InvalidMetadataError
        Its attributes break the table specification.
    """
    container = _container(store, storage_options=storage_options)
    return _metadata(container, name)[1]


def read_table(
    store: StoreLike, name: str, *, storage_options: Mapping[str, Any] | None = None
) -> pd.DataFrame:
    """Table ``name`` of the image (or plate) in ``store``, as a :class:`pandas.DataFrame`.

    The frame is indexed as ngio indexes it: by ``index_key`` cast to ``index_type`` (a masking
    ROI table or a feature table by ``label``, an ROI table by ``FieldIndex``), by row number
    when the table names no index.

    Raises
    ------
    MetadataNotFoundError
        No table of that name.
    InvalidMetadataError
        The table's attributes break the table specification, its rows cannot be decoded, or
        an ROI table lacks the ROI columns.
    DependencyError
        pandas (or pyarrow, for parquet) is not installed: ``pip install 'ngff-zarr[tables]'``.

    Examples
    --------
    >>> import numpy as np, pandas as pd, zarr
    >>> import ngff_zarr as nz
    >>> store = zarr.storage.MemoryStore()
    >>> nz.to_ngff_zarr(store, nz.to_multiscales(np.zeros((16, 16), "uint8"), [2]))
    >>> table = pd.DataFrame({"area": [3.0, 4.5], "kind": ["a", "b"]}, index=[1, 2])
    >>> nz.write_table(store, "props", table.rename_axis("label"), backend="csv")
    >>> back = nz.read_table(store, "props")
    >>> back.index.name, back.index.tolist(), back.to_dict("list")
    ('label', [1, 2], {'area': [3.0, 4.5], 'kind': ['a', 'b']})
    """
    _pandas()
    container = _container(store, storage_options=storage_options)
    location, meta = _metadata(container, name)
    table = get_backend(meta.backend).read(location, meta)
    if meta.type in ROI_TYPES:
        missing = [c for c in ROI_COLUMNS if c not in table.columns]
        if missing:
            raise InvalidMetadataError(
                f"a {meta.type} has the columns {list(ROI_COLUMNS)}; missing {missing}",
                path=location.where(),
            )
    return table


def write_table(
    store: StoreLike,
    name: str,
    table: pd.DataFrame,
    *,
    type: str | None = None,
    backend: str = "anndata",
    region: str | None = None,
    index_key: str | None = None,
    index_type: str | None = None,
    metadata: Mapping[str, Any] | None = None,
    overwrite: bool = False,
    storage_options: Mapping[str, Any] | None = None,
) -> None:
    """Write ``table`` as table ``name`` of the image (or plate) in ``store``.

    The table goes to ``tables/<name>`` with the type metadata of ngio 1.x / Fractal's table
    specification V1 and is then listed in the ``tables`` group. A local table is written
    beside its place and moved there when complete.

    Parameters
    ----------
    store
        The image or plate: a path, URL, zarr store or group.
    name
        The table's name.
    table
        The rows. Its index is the table's index (its name the ``index_key``), unless
        ``index_key`` names one of its columns.
    type
        ``"roi_table"``, ``"masking_roi_table"``, ``"feature_table"``, ``"condition_table"``,
        ``"generic_roi_table"``, or None for a generic table.
    backend
        ``"anndata"`` (default, as Fractal), ``"parquet"``, ``"csv"`` or ``"json"``.
    region
        The label image a masking ROI table or a feature table is about: its name
        (``"nuclei"``) or its path from the table (``"../labels/nuclei"``).
    index_key, index_type
        The index column and its type (``"int"``, ``"str"``); by default the table's index
        name (``label`` for masking ROI and feature tables, ``FieldIndex`` for ROI tables) and
        ``int`` for an integer index, ``str`` otherwise.
    metadata
        Further attributes (e.g. a feature table's ``measurement_columns``).
    overwrite
        Replace a table of that name.

    Raises
    ------
    NgffValueError
        An unknown backend or type metadata that breaks the specification, a region that
        names no label image, an ROI table without the ROI columns, or columns the backend
        cannot store.
    StoreExistsError
        A table of that name exists and ``overwrite`` is false.
    """
    pd = _pandas()
    if not isinstance(name, str) or not name or "/" in name or name.startswith("."):
        raise NgffValueError(f"name: expected a table name without '/', got {name!r}")
    if not isinstance(table, pd.DataFrame):
        raise NgffValueError(f"table: expected a pandas DataFrame, got {table.__class__.__name__}")
    get_backend(backend)
    container = _container(store, writable=True, storage_options=storage_options)
    table, meta = _prepare(table, type, backend, region, index_key, index_type, metadata, container)
    path = join(container.path, TABLES_GROUP, name)
    if _exists(container, path) and not overwrite:
        raise StoreExistsError(
            f"{container.where(TABLES_GROUP, name)}: a table {name!r} exists; pass "
            "overwrite=True to replace it"
        )
    root = container.local_root
    fmt = container.zarr_format
    if root is not None:
        target = Target.open(
            os.path.join(root, *path.split("/")),
            overwrite=True,
            storage_options=None,
            zarr_format=fmt,
            keep_others=False,  # a table is replaced whole
        )
        group, location = (
            target.group,
            TableLocation(store=target.group.store, path="", zarr_format=fmt),
        )
    else:
        if _exists(container, path):
            sync(container.store.delete_dir(path))
        target = None
        group = container.open_group(TABLES_GROUP, name, mode="w")
        location = TableLocation(store=container.store, path=path, zarr_format=fmt)
    try:
        get_backend(meta.backend).write(location, table, meta)
        attrs = meta.to_attributes()
        if meta.backend == "anndata":
            attrs = {**ROOT_ENCODING, **attrs}
        group.attrs.put(attrs)
        if target is not None:
            target.commit()
    except BaseException:
        if target is not None:
            target.abort()
        raise
    _list_table(container, name)


def _pandas() -> Any:
    try:
        import pandas as pd
    except ImportError as exc:
        raise missing_dependency("tables", "pandas", "tables") from exc
    return pd


def _container(
    store: StoreLike,
    *,
    writable: bool = False,
    storage_options: Mapping[str, Any] | None = None,
) -> Located:
    found = locate_group(store, writable=writable, storage_options=storage_options)
    if "bioformats2raw.layout" in found.attrs and "multiscales" not in found.attrs:
        fmt, attrs = group_attributes(found.store, join(found.path, "0"))
        return Located(store=found.store, path=join(found.path, "0"), zarr_format=fmt, attrs=attrs)
    return found


def _names(container: Located) -> list[str]:
    try:
        _, attrs = group_attributes(container.store, join(container.path, TABLES_GROUP))
    except MetadataNotFoundError:
        return []
    names = attrs.get("tables", [])
    if not isinstance(names, list) or not all(isinstance(n, str) and n for n in names):
        raise InvalidMetadataError(
            f"expected a list of table names, found {names!r}",
            path=container.where(TABLES_GROUP),
            field="tables",
        )
    return list(names)


def _exists(container: Located, path: str) -> bool:
    try:
        group_attributes(container.store, path)
    except MetadataNotFoundError:
        return False
    return True


def _metadata(container: Located, name: str) -> tuple[TableLocation, TableMetadata]:
    path = join(container.path, TABLES_GROUP, name)
    try:
        fmt, attrs = group_attributes(container.store, path)
    except MetadataNotFoundError:
        raise MetadataNotFoundError(
            f"{container.where(TABLES_GROUP)}: no table {name!r} (tables: {_names(container)})"
        ) from None
    location = TableLocation(store=container.store, path=path, zarr_format=fmt)
    return location, TableMetadata.from_attributes(attrs, path=location.where())


def _prepare(
    table: pd.DataFrame,
    kind: str | None,
    backend: str,
    region: str | None,
    index_key: str | None,
    index_type: str | None,
    metadata: Mapping[str, Any] | None,
    container: Located,
) -> tuple[pd.DataFrame, TableMetadata]:
    """The table in normal form (indexed by its key) and its metadata, checked."""
    if kind == "generic_table":
        kind = None
    default_key, _ = DEFAULT_INDEX.get(kind or "", (None, None))
    if index_key is not None and index_key in table.columns:
        table = table.set_index(index_key)
    key = index_key or (str(table.index.name) if table.index.name is not None else default_key)
    if key is not None and table.index.name is None and default_key is None and index_key is None:
        key = None
    if key is not None:
        table = table.rename_axis(key)
        if index_type is None:
            index_type = "int" if table.index.dtype.kind in "iu" else "str"
    if region is not None and "/" not in region:
        region = f"../labels/{region}"
    if region is not None:
        _check_region(container, region)
    extra = dict(metadata or {})
    if kind == "feature_table":
        for columns in ("categorical_columns", "measurement_columns", "metadata_columns"):
            extra.setdefault(columns, [])
    meta = TableMetadata(
        type=kind,
        backend=backend,
        index_key=key,
        index_type=index_type,  # type: ignore[arg-type]
        region=region,
        instance_key=key if kind in REGION_TYPES else None,
        extra=extra,
    )
    problems = [i for i in check_table_attributes(meta.to_attributes()) if i.error]
    if problems:
        first = problems[0]
        raise NgffValueError(f"{first.field}: {first.message}")
    if kind in ROI_TYPES:
        missing = [c for c in ROI_COLUMNS if c not in table.columns]
        if missing:
            raise NgffValueError(
                f"table: a {kind} has the columns {list(ROI_COLUMNS)}; missing {missing}"
            )
    return table, meta


def _check_region(container: Located, region: str) -> None:
    """``region`` must name a group of this store (as ngio, from the ``tables`` group)."""
    resolved = posixpath.normpath(posixpath.join(container.path, TABLES_GROUP, region))
    if resolved.startswith("..") or not _exists(container, resolved.lstrip("./")):
        raise NgffValueError(
            f"region: {region!r} names no group of this image (resolved to {resolved!r}); "
            "write the label image first"
        )


def _list_table(container: Located, name: str) -> None:
    path = join(container.path, TABLES_GROUP)
    with well_lock(container.store, path):
        try:
            _, attrs = group_attributes(container.store, path)
        except MetadataNotFoundError:
            attrs = {}
        names = _names(container) if attrs else []
        if name not in names:
            names.append(name)
        write_documents(
            container.store,
            group_documents(container.zarr_format, path, {**attrs, "tables": names}),
        )
    # the container's consolidated metadata predates the table: enter the table's nodes into it
    nodes = [
        TABLES_GROUP,
        *subtree_nodes(container.store, container.path, join(TABLES_GROUP, name)),
    ]
    with well_lock(container.store, container.path):
        add_to_consolidated(container.store, container.path, nodes)
