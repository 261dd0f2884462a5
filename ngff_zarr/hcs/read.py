"""Lazy HCS plates: :class:`HCSPlate` and :class:`HCSWell`, with bounded LRU caches.

The plate's metadata is read when the plate is opened; a well's metadata when the well is
first asked about (or, for every well at once and concurrently, by
:meth:`HCSPlate.load_wells`); a field's :class:`Multiscales` when it is asked for. A plate keeps
at most ``well_cache_size`` wells and each well at most ``image_cache_size`` field images
(least recently used go first; ``config.hcs_well_cache_size``, ``config.hcs_image_cache_size``).
"""

from __future__ import annotations

import collections
import threading
import warnings
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

import zarr
from zarr.abc.store import Store
from zarr.storage import LocalStore, MemoryStore

from .._io.documents import (
    attributes_of,
    group_attributes,
    iter_documents,
    parse_document,
    read_documents,
    read_raw,
)
from .._io.store import StoreLike, describe, join, list_dir
from .._versions import Layout, layout, layout_for_zarr_format
from ..config import config
from ..errors import (
    InvalidMetadataError,
    MetadataNotFoundError,
    NgffValidationError,
    NgffValueError,
    NgffWarning,
)
from ..from_ngff_zarr import from_ngff_zarr
from ..labels import LabelMultiscales, read_labels
from ..multiscales import Multiscales
from ..v04.plate import Plate, PlateAcquisition, PlateColumn, PlateRow, PlateWell
from ..v04.well import Well, WellImage
from .cache import LRUCache, _size
from .fields import LazyField
from .layout import check_document, locate
from .mosaic import plate_mosaic

if TYPE_CHECKING:
    import dask.array as da

__all__ = ["HCSPlate", "HCSWell", "LRUCache"]

_UNREAD: Any = object()  # a field document not read yet
_PREFETCH = 4096  # field documents read in one batch when a whole plate is listed


class HCSPlate:
    """A high-content-screening plate: its metadata, and lazy, cached access to its wells.

    :func:`~ngff_zarr.from_hcs_zarr` opens one from a store; ``HCSPlate(store, plate_metadata)``
    describes one to write with :func:`~ngff_zarr.to_hcs_zarr` (and read once written).
    Iterating yields the wells (:class:`HCSWell`) in the order of the metadata.

    Parameters
    ----------
    store
        Where the plate is (or will be): a path, URL, ``.ozx``, zarr store or group.
    plate_metadata
        The plate: rows, columns, wells, acquisitions, version.
    well_cache_size
        Wells kept with their metadata loaded; default ``config.hcs_well_cache_size``.
    image_cache_size
        Field images each well keeps loaded; default ``config.hcs_image_cache_size``.
    validate
        Check each well's and each field's metadata against the spec when read.

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
    >>> plate.get_well("B", "2") is None  # not one of the plate's wells
    True
    """

    def __init__(
        self,
        store: StoreLike,
        plate_metadata: Plate,
        well_cache_size: int | None = None,
        image_cache_size: int | None = None,
        validate: bool = False,
    ) -> None:
        if not isinstance(plate_metadata, Plate):
            raise NgffValueError(
                f"plate_metadata: expected a Plate, got {type(plate_metadata).__name__}"
            )
        self.store = store
        self.metadata = plate_metadata
        self.version = plate_metadata.version
        self._validate = validate
        self.well_cache_size = _size(well_cache_size, config.hcs_well_cache_size, "well_cache_size")
        self.image_cache_size = _size(
            image_cache_size, config.hcs_image_cache_size, "image_cache_size"
        )
        self._entries = {w.path: w for w in plate_metadata.wells}
        self._by_indices = {(w.rowIndex, w.columnIndex): w.path for w in plate_metadata.wells}
        self._wells = LRUCache(self.well_cache_size)
        self._image_documents = LRUCache(64)  # field document bytes -> holds an image
        self._listing: collections.deque[HCSWell] = collections.deque()  # see load_wells
        self._location: tuple[Store, str, Layout] | None = None
        self._lock = threading.Lock()
        self._field_loader = self._load_field  # one bound method shared by the lazy fields

    @classmethod
    def _opened(
        cls, store: Store, path: str, fmt: Layout, plate: Plate, **options: Any
    ) -> HCSPlate:
        """A plate read from ``path`` in ``store`` (its location and layout already known)."""
        opened = cls(store, plate, **options)
        opened._location = (store, path, fmt)
        return opened

    def _where(self) -> tuple[Store, str, Layout]:
        """The zarr store, the plate group's path and its layout (resolved on first use)."""
        if self._location is None:
            store, path = locate(self.store, read_only=True)
            try:
                fmt = layout_for_zarr_format(group_attributes(store, path)[0])
            except FileNotFoundError:
                fmt = layout(self.metadata.version)
            self._location = (store, path, fmt)
        return self._location

    @property
    def _store(self) -> Store:
        return self._where()[0]

    @property
    def _path(self) -> str:
        return self._where()[1]

    @property
    def _fmt(self) -> Layout:
        return self._where()[2]

    @property
    def name(self) -> str | None:
        return self.metadata.name

    @property
    def rows(self) -> list[PlateRow]:
        """The plate's rows, in order (``plate.rows[i].name``)."""
        return self.metadata.rows

    @property
    def columns(self) -> list[PlateColumn]:
        """The plate's columns, in order."""
        return self.metadata.columns

    @property
    def wells(self) -> list[PlateWell]:
        """The wells the plate lists (path and row/column indices)."""
        return self.metadata.wells

    @property
    def acquisitions(self) -> list[PlateAcquisition] | None:
        return self.metadata.acquisitions

    @property
    def field_count(self) -> int | None:
        return self.metadata.field_count

    def __len__(self) -> int:
        return len(self._entries)

    def __iter__(self) -> Iterator[HCSWell]:
        return (self._well(path) for path in self._entries)

    def __repr__(self) -> str:
        return (
            f"HCSPlate(name={self.name!r}, version={self.version!r}, rows={len(self.rows)}, "
            f"columns={len(self.columns)}, wells={len(self)})"
        )

    def _well(self, path: str) -> HCSWell:
        with self._lock:
            well: HCSWell | None = self._wells.get(path)
            if well is None:
                well = HCSWell._of_plate(self, self._entries[path])
                self._wells.set(path, well)
            return well

    def get_well(self, row_name: str, column_name: str) -> HCSWell | None:
        """The well in row ``row_name`` and column ``column_name`` (``get_well("B", "3")``).

        None when the plate lists no such well.
        """
        path = f"{row_name}/{column_name}"
        return self._well(path) if path in self._entries else None

    def get_well_by_indices(self, row_index: int, column_index: int) -> HCSWell | None:
        """The well at ``row_index`` and ``column_index`` of the rows and columns, or None."""
        path = self._by_indices.get((row_index, column_index))
        return None if path is None else self._well(path)

    def load_wells(self) -> list[HCSWell]:
        """Every well, with its metadata read now: all wells not yet read, concurrently.

        This is the fast way to list every field of a plate, locally and remotely.
        """
        wells = list(self)
        with self._lock:  # the fields of these wells are then read in batches (_prefetch_fields)
            self._listing = collections.deque(w for w in wells if not w._prefetched)
            for w in self._listing:
                w._queued = True
        todo = [w for w in wells if w._metadata is None]
        if todo:
            keys = [join(self._path, w.path, self._fmt.attributes_key) for w in todo]
            raw = read_raw(self._store, keys)  # every file first: a missing well raises now
            _check_wells_exist(self, [w for w, k in zip(todo, keys, strict=True) if raw[k] is None])
            # each document parsed and turned into its well in turn, never all held parsed
            documents = iter_documents(self._store, keys, raw)
            for well, doc in zip(todo, documents, strict=True):
                well._set_metadata(doc)
        return wells

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
        fields = {
            (w.row_index, w.column_index): [
                w.field_key(i)
                for i in w.images
                if acquisition is None or i.acquisition == acquisition
            ]
            for w in self.load_wells()
        }
        return plate_mosaic(
            fields,
            (len(self.rows), len(self.columns)),
            self._load_field,
            level,
            acquisition=acquisition,
            fill_value=fill_value,
            max_workers=max_workers,
        )

    def _prefetch_fields(self, well: HCSWell) -> None:
        """Read the documents of every field of ``well`` in one batch.

        After :meth:`load_wells` (every well wanted), the batch also holds the fields of the
        wells listed after it, up to ``_PREFETCH`` documents: a plate is listed in a few
        batches, read concurrently.
        """
        fmt = self._fmt
        with self._lock:
            wells = [well]
            count = len(well.images)
            queue = self._listing if well._queued else None
            while queue and count < _PREFETCH:
                nxt = queue.popleft()
                if nxt is not well and not nxt._prefetched and nxt._metadata is not None:
                    wells.append(nxt)
                    count += len(nxt._metadata.images)
            for w in wells:
                w._prefetched = True
        keyed = [
            (w, join(self._path, w.path, i.path, fmt.attributes_key))
            for w in wells
            for i in w.images
        ]
        fetched = read_raw(self._store, [key for _, key in keyed])
        with self._lock:
            for w, key in keyed:
                w._documents[key] = fetched[key]

    def _is_image_document(self, raw: bytes, key: str) -> bool:
        """Whether the group document ``raw`` (read from ``key``) holds image metadata.

        The fields of a plate often have byte-identical documents: each is parsed once.
        """
        known: bool | None = self._image_documents.get(raw)
        if known is None:
            fmt = self._fmt
            document = parse_document(raw, describe(self._store, key))
            known = fmt.has(attributes_of(document, fmt.zarr_format), "multiscales")
            self._image_documents.set(raw, known)
        return known

    def _load_field(self, key: str) -> Multiscales:
        """The field image at store path ``key`` (not cached here: wells cache their fields)."""
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
        return multiscales


class HCSWell:
    """One well of a plate: its fields of view, read lazily and cached (LRU).

    Usually obtained from :meth:`HCSPlate.get_well`; ``HCSWell(store, well_path,
    well_metadata, well_group_metadata)`` or :meth:`from_store` build one directly. Iterating
    yields the fields as :class:`Multiscales`, each read when reached. A well is always true
    (``if well:`` tests that it exists); ``len(well)`` is its number of fields.

    Examples
    --------
    >>> import zarr
    >>> from ngff_zarr import Plate, from_hcs_zarr, to_hcs_zarr
    >>> store = zarr.storage.MemoryStore()
    >>> to_hcs_zarr(Plate.from_names(["A"], ["1"]), store)
    >>> well = from_hcs_zarr(store).get_well("A", "1")
    >>> well
    HCSWell(path='A/1', not loaded)
    >>> len(well), well, well.get_image(0)  # a well without fields yet
    (0, HCSWell(path='A/1', 0 fields), None)
    """

    def __init__(
        self,
        store: StoreLike,
        well_path: str,
        well_metadata: PlateWell,
        well_group_metadata: Well | None = None,
        image_cache_size: int | None = None,
    ) -> None:
        self.plate = HCSPlate(store, Plate(columns=[], rows=[], wells=[well_metadata]))
        self._init(well_path, well_metadata, image_cache_size)
        self._metadata: Well | None = well_group_metadata

    def _init(self, path: str, entry: PlateWell, image_cache_size: int | None) -> None:
        self.store = self.plate.store
        self.path = path
        self.plate_metadata = entry
        self.row, _, self.column = path.partition("/")
        size = self.plate.image_cache_size if image_cache_size is None else image_cache_size
        self._images = LRUCache(_size(size, size, "image_cache_size"))
        self._metadata = None
        # field documents read with another field of the well, not yet used (key -> bytes)
        self._documents: dict[str, bytes | None] = {}
        self._prefetched = False
        self._queued = False  # listed by load_wells: its fields are read with the others'

    @classmethod
    def _of_plate(cls, plate: HCSPlate, entry: PlateWell) -> HCSWell:
        well = cls.__new__(cls)
        well.plate = plate
        well._init(entry.path, entry, None)
        return well

    @classmethod
    def from_store(
        cls,
        store: StoreLike,
        well_path: str,
        well_metadata: PlateWell,
        image_cache_size: int | None = None,
    ) -> HCSWell:
        """The well at ``well_path`` of the plate in ``store``, its metadata read now."""
        well = cls(store, well_path, well_metadata, None, image_cache_size)
        well.metadata  # noqa: B018 - read it now
        return well

    @property
    def row_index(self) -> int:
        return self.plate_metadata.rowIndex

    @property
    def column_index(self) -> int:
        return self.plate_metadata.columnIndex

    def __repr__(self) -> str:
        loaded = "not loaded" if self._metadata is None else f"{len(self._metadata.images)} fields"
        return f"HCSWell(path={self.path!r}, {loaded})"

    def __bool__(self) -> bool:
        return True

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
        for image in list(self.images):
            yield self._field(image)

    def get_image(self, field_index: int = 0) -> Multiscales | None:
        """The field at position ``field_index`` of the well's images, or None."""
        images = self.images
        if not 0 <= field_index < len(images):
            return None
        return self._field(images[field_index])

    def get_image_by_acquisition(
        self, acquisition_id: int, field_index: int = 0
    ) -> Multiscales | None:
        """The ``field_index``-th field of acquisition ``acquisition_id``, or None."""
        images = [i for i in self.images if i.acquisition == acquisition_id]
        if not 0 <= field_index < len(images):
            return None
        return self._field(images[field_index])

    def _field(self, image: WellImage) -> Multiscales:
        key = self.field_key(image)
        cached: Multiscales | None = self._images.get(key)
        if cached is None:
            cached = self._lazy_field(key)
            self._images.set(key, cached)
        return cached

    def _lazy_field(self, key: str) -> Multiscales:
        """The field at ``key``: its document read now, its arrays when first used.

        The documents of every field of the well are read at once, on the first field asked
        for (concurrently, for a remote store). A field whose document is missing or is not
        an image, and every field of a plate opened with ``validate``, is read in full now,
        so that its error is raised here.
        """
        plate = self.plate
        if plate._validate:
            return plate._load_field(key)
        fmt = plate._fmt
        doc_key = join(key, fmt.attributes_key)
        with plate._lock:
            raw = self._documents.pop(doc_key, _UNREAD)
        if raw is _UNREAD and not self._prefetched:
            plate._prefetch_fields(self)
            with plate._lock:
                raw = self._documents.pop(doc_key, _UNREAD)
        if raw is _UNREAD:
            raw = read_raw(plate._store, [doc_key])[doc_key]
        if not isinstance(raw, bytes) or not plate._is_image_document(raw, doc_key):
            # no document, or not an image: the error of reading it in full, raised now
            return plate._load_field(key)
        return LazyField(key, plate._field_loader)

    def get_labels(self, field_index: int = 0) -> dict[str, LabelMultiscales]:
        """The label images of the field at position ``field_index``, read lazily.

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
        plate = self.plate
        group = zarr.open_group(
            plate._store,
            path=self.field_key(images[field_index]),
            mode="r",
            zarr_format=plate._fmt.zarr_format,
        )
        return read_labels(group, validate=plate._validate)

    def field_key(self, image: WellImage) -> str:
        """The store path of a field's group."""
        return join(self.plate._path, self.path, image.path)

    def _where(self) -> str:
        return describe(self.plate._store, join(self.plate._path, self.path))

    def _fields_by_listing(self) -> Well:
        """A well group without ``well`` metadata: its child groups that hold an image.

        A well group that holds nothing yet (created, not written to) has no fields; one that
        holds fields but no metadata is read with an :class:`~ngff_zarr.NgffWarning`. Only
        local and in-memory stores are listed: a remote listing costs requests for every empty
        well of a plate being filled, and static HTTP servers cannot list at all.
        """
        plate = self.plate
        base = join(plate._path, self.path)
        empty = Well([], version=plate._fmt.version)
        if not isinstance(plate._store, LocalStore | MemoryStore):
            return empty
        try:
            children = [n for n in list_dir(plate._store, base) if "." not in n]
        except (OSError, NotImplementedError):  # a store that cannot list: nothing to add
            children = []
        if not children:
            return empty
        keys = [join(base, name, plate._fmt.attributes_key) for name in children]
        documents = read_documents(plate._store, keys)
        fields = [
            name
            for name, doc in zip(children, documents, strict=True)
            if plate._fmt.has(attributes_of(doc, plate._fmt.zarr_format), "multiscales")
        ]
        warnings.warn(
            f"{self._where()}: well {self.path!r} has no 'well' metadata; read "
            f"{len(fields)} field(s) {fields} found in its group",
            NgffWarning,
            stacklevel=5,
        )
        images = [WellImage(name) for name in sorted(fields, key=_field_order)]
        return Well(images, version=plate._fmt.version)

    def _set_metadata(self, document: dict[str, Any] | None) -> None:
        plate = self.plate
        attrs = attributes_of(document, plate._fmt.zarr_format)
        if plate._fmt.has(attrs, "well"):
            well = plate._fmt.well_from_attributes(attrs, path=self._where())
        elif plate._validate:
            raise NgffValidationError(f"{self._where()}: no well metadata", report=None)
        else:
            well = self._fields_by_listing()
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


def _field_order(name: str) -> tuple[int, str]:
    """Numeric field names in numeric order, others after them by name."""
    return (int(name), "") if name.isdigit() else (1 << 62, name)
