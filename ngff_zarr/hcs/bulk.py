"""Many fields into one plate: written concurrently, each well's metadata written once.

:class:`HCSPlateWriter` writes its fields through a :class:`FieldBatch`: every field is
checked against the plate held in memory (the plate document is never read back), written
into its own group (by :func:`~ngff_zarr.to_ngff_zarr`, each field staged and moved into place
whole), and recorded; when the writer closes, each well's document is written once, merged
under the well's lock with what the store lists by then (so that other writers of the same
plate, threads or processes, lose nothing).
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Mapping
from concurrent.futures import FIRST_EXCEPTION, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from typing import Any

import zarr
from zarr.abc.store import Store

from .._io.documents import attributes_of, read_documents, write_documents
from .._io.locks import well_lock
from .._io.staging import is_write_failure, write_failure
from .._io.store import describe, join
from .._versions import Layout
from ..config import config
from ..errors import NgffValueError, StoreExistsError
from ..multiscales import Multiscales
from ..v04.plate import Plate
from ..v04.well import Well, WellImage
from .write import _add_group, _check_field, _field_order, _write_field

__all__ = ["FieldBatch", "FieldKey"]

#: A field of a plate: (row name, column name, field index).
FieldKey = tuple[str, str, int]


@dataclass(slots=True, kw_only=True)
class _WellState:
    """What the batch knows of one well: the fields the store listed, those written since."""

    stored: list[WellImage]
    attrs: dict[str, Any]
    written: dict[str, WellImage] = field(default_factory=dict)
    replaced: Well | None = None  # well_metadata given by the caller: written instead


class FieldBatch:
    """The fields written into one plate since the batch began, and their wells' metadata."""

    def __init__(self, store: Store, root: str, plate: Plate, fmt: Layout) -> None:
        self.store, self.root, self.plate, self.fmt = store, root, plate, fmt
        self._wells: dict[str, _WellState] = {}
        self._lock = threading.Lock()
        self._claimed: set[str] = set()  # field keys being written now

    def write(
        self,
        multiscales: Multiscales,
        row: str,
        column: str,
        field_index: int,
        acquisition: int | None,
        well_metadata: Well | None,
        kwargs: dict[str, Any],
    ) -> None:
        """Write one field and record it in its well (listed when the batch is flushed)."""
        options = dict(kwargs)
        overwrite = bool(options.pop("overwrite", False))
        well_path = _check_field(self.plate, row, column, field_index, acquisition)
        image = WellImage(str(field_index), acquisition)
        well_key = join(self.root, well_path)
        field_key = join(well_key, image.path)
        state = self._state(well_key)
        with self._lock:
            if well_metadata is not None:
                state.replaced = well_metadata
            listed = state.replaced.images if state.replaced is not None else state.stored
            taken = any(i.path == image.path for i in listed) or image.path in state.written
            if (taken or field_key in self._claimed) and not overwrite:
                raise StoreExistsError(
                    f"{describe(self.store, well_key)}: well {well_path} already has a field "
                    f"with path {image.path!r}; pass overwrite=True to replace it"
                )
            self._claimed.add(field_key)
        try:
            group = zarr.open_group(
                self.store, path=field_key, mode="a", zarr_format=self.fmt.zarr_format
            )
            _write_field(group, multiscales, self.fmt, overwrite=overwrite, **options)
        finally:
            with self._lock:
                self._claimed.discard(field_key)
        with self._lock:
            state.written[image.path] = image

    def write_many(
        self,
        images: Mapping[FieldKey, Multiscales],
        acquisition: int | None,
        max_workers: int | None,
        kwargs: dict[str, Any],
    ) -> None:
        """Write every field of ``images`` on a pool of at most ``max_workers`` threads."""
        workers = config.max_workers if max_workers is None else max_workers
        if isinstance(workers, bool) or not isinstance(workers, int) or workers < 1:
            raise NgffValueError(f"max_workers: expected an integer >= 1, got {max_workers!r}")
        items = list(images.items())
        if workers == 1 or len(items) < 2:
            for (row, column, index), multiscales in items:
                self.write(multiscales, row, column, index, acquisition, None, kwargs)
            return
        with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="ngff-zarr-hcs") as pool:
            futures = [
                pool.submit(self.write, ms, row, column, index, acquisition, None, kwargs)
                for (row, column, index), ms in items
            ]
            _, pending = wait(futures, return_when=FIRST_EXCEPTION)
            for future in pending:
                future.cancel()
            wait(pending)
        for future in futures:
            if not future.cancelled() and future.exception() is not None:
                raise future.exception()  # type: ignore[misc]

    def _state(self, well_key: str) -> _WellState:
        """The well's state; its document read from the store on first use."""
        with self._lock:
            state = self._wells.get(well_key)
        if state is not None:
            return state
        stored, attrs = self._stored(well_key)
        with self._lock:
            return self._wells.setdefault(well_key, _WellState(stored=stored, attrs=attrs))

    def _stored(self, well_key: str) -> tuple[list[WellImage], dict[str, Any]]:
        fmt = self.fmt
        document = read_documents(self.store, [join(well_key, fmt.attributes_key)])[0]
        attrs = attributes_of(document, fmt.zarr_format)
        images = fmt.well_from_attributes(attrs).images if fmt.has(attrs, "well") else []
        return list(images), attrs

    def flush(self) -> None:
        """Write the document of every well that received fields, once.

        The wells' locks are all taken (in one order, as every writer takes them), their
        documents read again in one batch (other writers may have added fields) and the
        merged documents written in one batch.
        """
        with self._lock:
            wells, self._wells = dict(self._wells), {}
        touched = sorted(k for k, s in wells.items() if s.written or s.replaced is not None)
        if not touched:
            return
        fmt = self.fmt
        with contextlib.ExitStack() as locks:
            for well_key in touched:
                locks.enter_context(well_lock(self.store, well_key))
            keys = [join(well_key, fmt.attributes_key) for well_key in touched]
            now = read_documents(self.store, keys)
            documents: dict[str, bytes] = {}
            for well_key, document in zip(touched, now, strict=True):
                state = wells[well_key]
                if state.replaced is not None:
                    base, attrs = list(state.replaced.images), state.attrs
                else:  # what the store lists now
                    attrs = attributes_of(document, fmt.zarr_format)
                    base = fmt.well_from_attributes(attrs).images if fmt.has(attrs, "well") else []
                kept = [i for i in base if i.path not in state.written]
                images = sorted([*kept, *state.written.values()], key=_field_order)
                well = Well(images, version=fmt.version)
                _add_group(documents, fmt, well_key, {**attrs, **fmt.well_to_attributes(well)})
            try:
                write_documents(self.store, documents)
            except Exception as exc:
                if is_write_failure(exc):
                    raise write_failure(
                        describe(self.store, self.root),
                        exc,
                        "the fields were written, but some wells may not list them",
                    ) from exc
                raise
