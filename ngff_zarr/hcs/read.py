"""Lazy HCS plates: :class:`HCSPlate` and :class:`HCSWell`.

The plate's metadata is read when the plate is opened; a well's metadata when the well is
first asked about (or, for every well at once and concurrently, by
:meth:`HCSPlate.load_wells`); a field's :class:`Multiscales` when it is asked for, kept in a
bounded least-recently-used cache shared by the plate's wells.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

import zarr
from zarr.abc.store import Store

from .._io.documents import attributes_of, group_attributes, read_documents
from .._io.store import describe, join
from .._versions import Layout
from ..errors import InvalidMetadataError, MetadataNotFoundError, NgffValidationError
from ..multiscales import Multiscales
from ..v04.plate import Plate, PlateWell
from ..v04.well import Well, WellImage
from .layout import check_document

if TYPE_CHECKING:
    import dask.array as da

__all__ = ["HCSPlate", "HCSWell"]


class _LRU:
    """A thread-safe least-recently-used cache of at most ``size`` entries (0 keeps none)."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._items: OrderedDict[str, Multiscales] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: str) -> Multiscales | None:
        with self._lock:
            value = self._items.get(key)
            if value is not None:
                self._items.move_to_end(key)
            return value

    def put(self, key: str, value: Multiscales) -> None:
        with self._lock:
            self._items[key] = value
            self._items.move_to_end(key)
            while len(self._items) > self.size:
                self._items.popitem(last=False)

    def __len__(self) -> int:
        return len(self._items)


class HCSPlate:
    """A high-content-screening plate opened lazily by :func:`~ngff_zarr.from_hcs_zarr`.

    Iterating yields the plate's wells (:class:`HCSWell`) in the order of its metadata; no
    well metadata is read until a well is asked about.

    Attributes
    ----------
    metadata
        The plate metadata (rows, columns, wells, acquisitions).
    version
        The NGFF version of the plate (``"0.4"`` or ``"0.5"``; older versions read as 0.4).

    Examples
    --------
    >>> import zarr
    >>> from ngff_zarr import Plate, from_hcs_zarr, to_hcs_zarr
    >>> store = zarr.storage.MemoryStore()
    >>> to_hcs_zarr(Plate.from_names(["A", "B"], ["1", "2"], wells=["A/2", "B/1"]), store)
    >>> plate = from_hcs_zarr(store)
    >>> plate
    HCSPlate(name=None, version='0.4', rows=2, columns=2, wells=2)
    >>> [(well.path, well.row_index, well.column_index) for well in plate]
    [('A/2', 0, 1), ('B/1', 1, 0)]
    """

    def __init__(
        self,
        *,
        store: Store,
        path: str,
        fmt: Layout,
        metadata: Plate,
        version: str,
        validate: bool,
        cache_size: int,
    ) -> None:
        self.metadata = metadata
        self.version = version
        self._store = store
        self._path = path
        self._fmt = fmt
        self._validate = validate
        self._cache = _LRU(cache_size)
        self._wells = {w.path: HCSWell(self, w) for w in metadata.wells}
        self._by_indices = {(w.rowIndex, w.columnIndex): w.path for w in metadata.wells}
        self._lock = threading.Lock()

    @property
    def rows(self) -> list[str]:
        """The row names, in order."""
        return [r.name for r in self.metadata.rows]

    @property
    def columns(self) -> list[str]:
        """The column names, in order."""
        return [c.name for c in self.metadata.columns]

    @property
    def name(self) -> str | None:
        return self.metadata.name

    @property
    def cache_size(self) -> int:
        """The most field images kept loaded at once."""
        return self._cache.size

    def __len__(self) -> int:
        return len(self._wells)

    def __iter__(self) -> Iterator[HCSWell]:
        return iter(self._wells.values())

    def __repr__(self) -> str:
        return (
            f"HCSPlate(name={self.name!r}, version={self.version!r}, rows={len(self.rows)}, "
            f"columns={len(self.columns)}, wells={len(self)})"
        )

    def get_well(self, row: str, column: str) -> HCSWell:
        """The well in row ``row`` and column ``column``, by name (``get_well("B", "3")``).

        Raises
        ------
        MetadataNotFoundError
            The plate lists no such well.
        """
        well = self._wells.get(f"{row}/{column}")
        if well is None:
            raise MetadataNotFoundError(
                f"{describe(self._store, self._path)}: no well {row}/{column} in the plate "
                f"(rows {self.rows}, columns {self.columns}, {len(self)} wells)"
            )
        return well

    def get_well_by_indices(self, row_index: int, column_index: int) -> HCSWell:
        """The well at ``row_index`` and ``column_index`` of the plate's rows and columns.

        Raises
        ------
        MetadataNotFoundError
            The plate lists no well at these indices.
        """
        path = self._by_indices.get((row_index, column_index))
        if path is None:
            raise MetadataNotFoundError(
                f"{describe(self._store, self._path)}: no well at rowIndex {row_index}, "
                f"columnIndex {column_index} (the plate has {len(self.rows)} rows, "
                f"{len(self.columns)} columns, {len(self)} wells)"
            )
        return self._wells[path]

    def load_wells(self) -> list[HCSWell]:
        """Every well, with its metadata read now: all wells not yet read, concurrently.

        This is the fast way to list every field of a plate, locally and remotely.
        """
        todo = [w for w in self if w._metadata is None]
        if todo:
            keys = [join(self._path, w.path, self._fmt.attributes_key) for w in todo]
            docs = read_documents(self._store, keys)
            _check_wells_exist(self, [w for w, d in zip(todo, docs, strict=True) if d is None])
            for well, doc in zip(todo, docs, strict=True):
                well._set_metadata(doc)
        return list(self)

    def mosaic(
        self,
        level: int = 0,
        *,
        acquisition: int | None = None,
        fill_value: Any = 0,
        max_workers: int = 8,
    ) -> da.Array:
        """The whole plate at one resolution level as a single lazy dask array.

        Wells sit on the plate's row/column grid; within a well the fields are tiled in a
        near-square grid (row-major, in the well's field order). Missing wells and fields
        are ``fill_value``. Leading dims (t, c, z) are kept; the last two are y and x.

        Parameters
        ----------
        level
            The resolution level of every field (0 is full resolution).
        acquisition
            Only the fields of this acquisition.
        fill_value
            The value of empty tiles and of padding around smaller fields.
        max_workers
            Threads reading field metadata.
        """
        from .mosaic import plate_mosaic

        return plate_mosaic(
            self, level, acquisition=acquisition, fill_value=fill_value, max_workers=max_workers
        )

    def _load_field(self, key: str, *, use_cache: bool = True) -> Multiscales:
        cached = self._cache.get(key)
        if cached is not None:
            return cached
        from ..from_ngff_zarr import from_ngff_zarr

        try:
            group_attributes(self._store, key)  # the one JSON reader: typed, bounded errors
        except MetadataNotFoundError as exc:
            raise MetadataNotFoundError(
                f"{describe(self._store, key)}: the well lists this field, but there is no "
                "image group here"
            ) from exc
        try:
            group = zarr.open_group(
                self._store, path=key, mode="r", zarr_format=self._fmt.zarr_format
            )
        except Exception as exc:  # zarr's own reading of a group it finds malformed
            raise InvalidMetadataError(
                f"cannot open the field's group: {exc}", path=describe(self._store, key)
            ) from exc
        multiscales: Multiscales = from_ngff_zarr(group, validate=self._validate)
        if use_cache:
            self._cache.put(key, multiscales)
        return multiscales


class HCSWell:
    """One well of an :class:`HCSPlate`; its metadata is read on first use.

    Iterating yields the well's fields of view as :class:`Multiscales`, each read when
    reached.

    Examples
    --------
    >>> import zarr
    >>> from ngff_zarr import Plate, from_hcs_zarr, to_hcs_zarr
    >>> store = zarr.storage.MemoryStore()
    >>> to_hcs_zarr(Plate.from_names(["A"], ["1"]), store)
    >>> well = from_hcs_zarr(store).get_well("A", "1")
    >>> well
    HCSWell(path='A/1', not loaded)
    >>> len(well), well  # a well without fields yet
    (0, HCSWell(path='A/1', 0 fields))
    """

    def __init__(self, plate: HCSPlate, entry: PlateWell) -> None:
        self.plate = plate
        self.path = entry.path
        self.row_index = entry.rowIndex
        self.column_index = entry.columnIndex
        self.row, self.column = entry.path.split("/", 1)
        self._metadata: Well | None = None

    def __repr__(self) -> str:
        loaded = "not loaded" if self._metadata is None else f"{len(self._metadata.images)} fields"
        return f"HCSWell(path={self.path!r}, {loaded})"

    @property
    def metadata(self) -> Well:
        """The well metadata (read from the store on first access).

        A well group without ``well`` metadata (created but not yet written to) has no images.
        """
        if self._metadata is None:
            store, fmt = self.plate._store, self.plate._fmt
            key = join(self.plate._path, self.path, fmt.attributes_key)
            document = read_documents(store, [key])[0]
            if document is None:
                _check_wells_exist(self.plate, [self])
            self._set_metadata(document)
        assert self._metadata is not None
        return self._metadata

    @property
    def images(self) -> list[WellImage]:
        """The well's fields of view (path and acquisition id), in the metadata's order."""
        return self.metadata.images

    def __len__(self) -> int:
        return len(self.images)

    def __iter__(self) -> Iterator[Multiscales]:
        for index in range(len(self)):
            yield self.get_image(index)

    def get_image(self, field_index: int = 0) -> Multiscales:
        """The field at position ``field_index`` of the well's images, read lazily.

        Raises
        ------
        MetadataNotFoundError
            The well has no such field.
        """
        images = self.images
        if not 0 <= field_index < len(images):
            raise MetadataNotFoundError(
                f"{self._where()}: no field {field_index}: the well has {len(images)} fields"
            )
        return self.plate._load_field(self.field_key(images[field_index]))

    def get_image_by_acquisition(self, acquisition_id: int, field_index: int = 0) -> Multiscales:
        """The ``field_index``-th field of acquisition ``acquisition_id`` in this well.

        Raises
        ------
        MetadataNotFoundError
            The well has fewer fields of that acquisition.
        """
        images = [i for i in self.images if i.acquisition == acquisition_id]
        if not 0 <= field_index < len(images):
            known = sorted({i.acquisition for i in self.images if i.acquisition is not None})
            raise MetadataNotFoundError(
                f"{self._where()}: no field {field_index} of acquisition {acquisition_id}: "
                f"the well has {len(images)} fields of it (acquisitions present: {known})"
            )
        return self.plate._load_field(self.field_key(images[field_index]))

    def field_key(self, image: WellImage) -> str:
        """The store path of a field's group."""
        return join(self.plate._path, self.path, image.path)

    def _where(self) -> str:
        return describe(self.plate._store, join(self.plate._path, self.path))

    def _set_metadata(self, document: dict[str, Any] | None) -> None:
        plate = self.plate
        attrs = attributes_of(document, plate._fmt.zarr_format)
        if plate._fmt.has(attrs, "well"):
            well = plate._fmt.well_from_attributes(attrs, path=self._where())
        elif plate._validate:
            raise NgffValidationError(f"{self._where()}: no well metadata", report=None)
        else:
            well = Well([])
        if plate._validate:
            ids = tuple(a.id for a in plate.metadata.acquisitions or [])
            check_document(attrs, self._where(), acquisitions=ids)
        with plate._lock:
            if self._metadata is None:
                self._metadata = well


def _check_wells_exist(plate: HCSPlate, wells: list[HCSWell]) -> None:
    """Raise when a well the plate lists has no group (a Zarr v2 well may have no .zattrs)."""
    if not wells:
        return
    keys = (
        [join(plate._path, w.path, ".zgroup") for w in wells] if plate._fmt.zarr_format == 2 else []
    )
    groups = read_documents(plate._store, keys) if keys else [None] * len(wells)
    for well, group in zip(wells, groups, strict=True):
        if group is None:
            raise MetadataNotFoundError(
                f"{well._where()}: the plate lists well {well.path}, but there is no well group"
            )
