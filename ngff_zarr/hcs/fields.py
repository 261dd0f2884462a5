"""Lazy field images: a plate lists its fields cheaply, and opens a field's arrays when used.

A well's field is returned as a :class:`LazyField`, a :class:`~ngff_zarr.Multiscales` whose
contents (levels, metadata, chunks, ...) are read from the store the first time any of them
is used. Listing every field of a 1536-well plate then reads one small document per field
(to know it is an image) and opens no array; the arrays of a field are opened when its
pixels or metadata are asked for.
"""

from __future__ import annotations

import dataclasses
import threading
from collections.abc import Callable
from typing import Any, Final

from ..multiscales import Multiscales

__all__ = ["LazyField"]

_FIELDS: Final = frozenset(f.name for f in dataclasses.fields(Multiscales))
_COMPARED: Final = tuple(f.name for f in dataclasses.fields(Multiscales) if f.compare)
_LOCKS_LOCK: Final = threading.Lock()  # guards making a field's lock


class LazyField(Multiscales):
    """A field image of a plate, read from its store on first use (thread-safe).

    It is a :class:`~ngff_zarr.Multiscales` in every respect: ``images``, ``metadata`` and
    the other fields read the field when first used (errors in its arrays are raised then);
    it compares as a :class:`~ngff_zarr.Multiscales` with the same fields, and copies and
    pickles as a plain :class:`~ngff_zarr.Multiscales`.

    Examples
    --------
    >>> import numpy as np, zarr
    >>> import ngff_zarr as nz
    >>> store = zarr.storage.MemoryStore()
    >>> plate = nz.Plate.from_names(["A"], ["1"])
    >>> nz.to_hcs_zarr(plate, store)
    >>> image = nz.to_multiscales(nz.to_ngff_image(np.ones((8, 8), "uint8")), [2])
    >>> nz.write_hcs_well_image(store, image, plate, "A", "1")
    >>> field = nz.from_hcs_zarr(store).get_well("A", "1").get_image(0)
    >>> field
    LazyField(path='A/1/0', not read)
    >>> field.images[0].shape, isinstance(field, nz.Multiscales)
    ((8, 8), True)
    """

    # set in __init__ through object.__setattr__; declared for the type checker
    _where: str
    _loader: Callable[[str], Multiscales] | None

    def __init__(self, where: str, loader: Callable[[str], Multiscales]) -> None:
        # no dataclass __init__: the fields are filled in by _resolve. ``loader(where)`` reads
        # the field. A plate lists thousands of fields: each is this one object (no lock, no
        # closure of its own until it is read), so that listing a plate stays cheap.
        object.__setattr__(self, "_where", where)
        object.__setattr__(self, "_loader", loader)

    def __getattribute__(self, name: str) -> Any:
        if name in _FIELDS and name not in object.__getattribute__(self, "__dict__"):
            object.__getattribute__(self, "_resolve")()
        return object.__getattribute__(self, name)

    def _resolve(self) -> None:
        """Read the field (once, also when several threads ask at once) and fill in every
        field of the Multiscales."""
        state = object.__getattribute__(self, "__dict__")
        if state["_loader"] is None:
            return
        with _LOCKS_LOCK:  # the field's own lock, made when the field is first read
            lock = state.setdefault("_lock", threading.Lock())
        with lock:
            loader = state["_loader"]
            if loader is None:
                return
            image = loader(state["_where"])
            for name in _FIELDS:
                state[name] = getattr(image, name)
            state["_loader"] = None

    @property
    def is_read(self) -> bool:
        """Whether the field has been read from the store."""
        return object.__getattribute__(self, "__dict__")["_loader"] is None

    def as_multiscales(self) -> Multiscales:
        """The field as a plain :class:`~ngff_zarr.Multiscales` (read now if not yet)."""
        return Multiscales(**{name: getattr(self, name) for name in _FIELDS})

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Multiscales):
            return NotImplemented
        # as the dataclass compares: the compared fields, as a tuple
        return tuple(getattr(self, n) for n in _COMPARED) == tuple(
            getattr(other, n) for n in _COMPARED
        )

    __hash__ = None  # type: ignore[assignment]  # as Multiscales: mutable, unhashable

    def __repr__(self) -> str:
        if not self.is_read:
            return f"LazyField(path={self._where!r}, not read)"
        return Multiscales.__repr__(self)

    def __reduce_ex__(self, protocol: Any) -> Any:
        return _plain, ({name: getattr(self, name) for name in _FIELDS},)


def _plain(fields: dict[str, Any]) -> Multiscales:
    """A plain Multiscales with ``fields`` (what a LazyField pickles and copies to)."""
    return Multiscales(**fields)
