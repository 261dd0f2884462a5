""":class:`HCSPlateWriter`: write a plate and many fields in one go, from threads, also zipped."""

from __future__ import annotations

import contextlib
from collections.abc import Mapping
from pathlib import Path
from types import TracebackType
from typing import Any

from .._io.store import StoreLike
from .._versions import layout
from ..errors import NgffValueError
from ..multiscales import Multiscales
from ..rfc9_zip import staged_ozx
from ..v04.plate import Plate
from ..v04.well import Well
from .bulk import FieldBatch, FieldKey
from .layout import HcsVersion, locate
from .write import _needs_zarr_v3, _write_plate, _zipped

__all__ = ["HCSPlateWriter"]


class HCSPlateWriter:
    """A context manager that writes a plate, then its fields, then (for ``.ozx``) the zip.

    Entering writes the plate's metadata and groups (as :func:`~ngff_zarr.to_hcs_zarr`);
    :meth:`write_well_image` writes one field (as :func:`~ngff_zarr.write_hcs_well_image`),
    safely from several threads at once, and :meth:`write_well_images` many fields on a
    thread pool. The wells' metadata is written once, when the block ends (fields written
    are then listed, also if the block raises); other writers of the same plate lose
    nothing. A zipped ``.ozx`` plate is built in a staging directory beside it and zipped
    once, on a clean exit; if the block raises, no zip is written and an existing one is
    kept.

    Parameters
    ----------
    store
        Where the plate goes: a directory path, an ``.ozx`` (OME-Zarr 0.5), a zarr store.
    plate_metadata
        The plate (rows, columns, wells, acquisitions).
    version
        ``"0.4"`` or ``"0.5"``; default the plate's ``version``.
    overwrite
        Replace an existing plate (a Zarr hierarchy) at ``store``.

    Examples
    --------
    >>> import numpy as np, os, tempfile, zipfile
    >>> import ngff_zarr as nz
    >>> path = os.path.join(tempfile.mkdtemp(), "screen.ozx")
    >>> plate = nz.Plate.from_names(["A"], ["1", "2"], version="0.5")
    >>> image = nz.to_multiscales(nz.to_ngff_image(np.ones((16, 16), "uint8")), [2])
    >>> with nz.HCSPlateWriter(path, plate) as writer:
    ...     for column in ("1", "2"):
    ...         writer.write_well_image(image, row_name="A", column_name=column)
    >>> zipfile.ZipFile(path).namelist()[:3]
    ['zarr.json', 'A/zarr.json', 'A/1/zarr.json']
    >>> len(nz.from_hcs_zarr(path).get_well("A", "2").images)
    1
    """

    def __init__(
        self,
        store: StoreLike,
        plate_metadata: Plate,
        version: HcsVersion | None = None,
        overwrite: bool = True,
    ) -> None:
        self.store = store
        self.plate_metadata = plate_metadata
        self.version = layout(version or plate_metadata.version).version
        self.overwrite = overwrite
        self._stack: contextlib.ExitStack | None = None
        self._batch: FieldBatch | None = None

    def __enter__(self) -> HCSPlateWriter:
        fmt = layout(self.version)
        stack = contextlib.ExitStack()
        target: StoreLike = self.store
        if _zipped(self.store):
            _needs_zarr_v3(fmt, self.store)
            staged = staged_ozx(self.store, version=self.version, overwrite=self.overwrite)
            target = stack.enter_context(staged)
        try:
            _write_plate(self.plate_metadata, target, fmt, overwrite=self.overwrite)
            zstore, root = locate(target, read_only=False)
        except BaseException:
            stack.__exit__(*_current())
            raise
        self._stack = stack
        self._batch = FieldBatch(zstore, root, self.plate_metadata, fmt)
        return self

    def write_well_image(
        self,
        multiscales: Multiscales,
        row_name: str,
        column_name: str,
        field_index: int = 0,
        acquisition_id: int | None = 0,
        well_metadata: Well | None = None,
        **kwargs: Any,
    ) -> None:
        """Write one field into well ``row_name``/``column_name`` (see
        :func:`~ngff_zarr.write_hcs_well_image`); thread-safe.

        Raises
        ------
        NgffValueError
            Outside the ``with`` block, or the well or acquisition is not the plate's.
        """
        self._open_batch().write(
            multiscales, row_name, column_name, field_index, acquisition_id, well_metadata, kwargs
        )

    def write_well_images(
        self,
        images: Mapping[FieldKey, Multiscales],
        acquisition_id: int | None = 0,
        *,
        max_workers: int | None = None,
        **kwargs: Any,
    ) -> None:
        """Write many fields at once, on a pool of threads.

        Parameters
        ----------
        images
            The fields: ``{(row_name, column_name, field_index): multiscales}``.
        acquisition_id
            The acquisition of every field (None: none).
        max_workers
            Fields written at once; default ``config.max_workers``.
        **kwargs
            As for :meth:`write_well_image` (``overwrite``, ``compressors``, ...).

        Raises
        ------
        NgffValueError
            Outside the ``with`` block, or a well or acquisition is not the plate's.
        StoreExistsError
            A field is already in its well and ``overwrite`` is not given.

        Examples
        --------
        >>> import numpy as np, zarr
        >>> import ngff_zarr as nz
        >>> plate = nz.Plate.from_names(["A", "B"], ["1"])
        >>> image = nz.to_multiscales(nz.to_ngff_image(np.ones((16, 16), "uint8")), [2])
        >>> store = zarr.storage.MemoryStore()
        >>> with nz.HCSPlateWriter(store, plate) as writer:
        ...     writer.write_well_images({(r, "1", f): image for r in "AB" for f in (0, 1)})
        >>> [len(well.images) for well in nz.from_hcs_zarr(store).load_wells()]
        [2, 2]
        """
        self._open_batch().write_many(images, acquisition_id, max_workers, kwargs)

    def _open_batch(self) -> FieldBatch:
        if self._batch is None:
            raise NgffValueError(
                "HCSPlateWriter: write fields inside the with block "
                "(with HCSPlateWriter(store, plate) as writer: writer.write_well_image(...))"
            )
        return self._batch

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        stack, self._stack = self._stack, None
        batch, self._batch = self._batch, None
        try:
            if batch is not None:  # the fields written are listed, also when the block raised
                batch.flush()
        except BaseException:
            if stack is not None:
                stack.__exit__(*_current())
            if exc is None:
                raise
            return  # the block's own error wins
        if stack is not None:
            stack.__exit__(exc_type, exc, traceback)

    def __repr__(self) -> str:
        where = self.store if isinstance(self.store, str | Path) else type(self.store).__name__
        return f"HCSPlateWriter({where!r}, version={self.version!r})"


def _current() -> tuple[Any, Any, Any]:
    import sys

    return sys.exc_info()
