"""The being-edited marker: what an edit has promised to finish, in the image's attributes.

Before an edit writes any pixel it records itself under our own namespace of the image group's
attributes (``attributes["ngff_zarr"]["editing"]``, beside the OME metadata, which it never
changes), and it removes that record in the same document write that carries any OME metadata
change, last. An edit that stops half-way (an error, Ctrl-C, a killed process) leaves its record:
the image still reads, and says that it is being edited. The next edit of the image takes over
the records of edits whose process is gone and finishes them (it recomputes the lower levels of
the box each recorded); :func:`~ngff_zarr.finish_edits` does only that.

Records are read, changed and written under the image group's lock (a file lock for local
stores), so edits from several threads or processes never lose each other's records.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import time
import uuid
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from typing import Any, Final

from .._engine.geometry import Box
from .._io.edit import edit_attributes
from .._io.locks import well_lock
from .stored import StoredImage

__all__ = ["NAMESPACE", "Entry", "abandoned", "entry_box", "open_entry", "pending", "recording"]

logger = logging.getLogger(__name__)

NAMESPACE: Final = "ngff_zarr"  # our key in a group's attributes
EDITING: Final = "editing"

Entry = dict[str, Any]

_ACTIVE: Final[set[str]] = set()  # ids of the edits running in this process
_ACTIVE_LOCK: Final = threading.Lock()


def pending(attrs: Mapping[str, Any]) -> list[Entry]:
    """The edit records of a group's attributes (empty when it is not being edited)."""
    ours = attrs.get(NAMESPACE)
    records = ours.get(EDITING) if isinstance(ours, Mapping) else None
    return [dict(r) for r in records if isinstance(r, Mapping)] if isinstance(records, list) else []


def abandoned(attrs: Mapping[str, Any], force: bool = False) -> list[Entry]:
    """The records of edits that stopped before finishing (see :func:`recording`)."""
    return [r for r in pending(attrs) if _abandoned(r, force)]


def entry_box(entry: Mapping[str, Any]) -> Box:
    """The box an edit record names (in its level's pixels)."""
    return tuple((int(lo), int(hi)) for lo, hi in entry["box"])


def open_entry(op: str, level: int, box: Box, **extra: Any) -> Entry:
    """A new record for an edit of ``box`` of ``level`` by this process."""
    return {
        "id": uuid.uuid4().hex,
        "op": op,
        "level": level,
        "box": [[lo, hi] for lo, hi in box],
        "host": socket.gethostname(),
        "pid": os.getpid(),
        "started": _process_start(os.getpid()),
        "time": time.time(),
        **extra,
    }


def _process_start(pid: int) -> float | None:
    try:
        import psutil

        return float(psutil.Process(pid).create_time())
    except Exception:  # no psutil, or the process is gone: the pid alone is recorded
        return None


def _abandoned(entry: Mapping[str, Any], force: bool = False) -> bool:
    """Whether the edit that wrote ``entry`` has stopped (only known on the same machine)."""
    if entry.get("host") != socket.gethostname():
        return force  # another machine's edit: it may still be running
    pid = entry.get("pid")
    if not isinstance(pid, int):
        return True
    if pid == os.getpid():
        with _ACTIVE_LOCK:
            return entry.get("id") not in _ACTIVE  # an edit of ours that ended with an error
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False
    started = entry.get("started")
    now = _process_start(pid)
    return isinstance(started, float) and now is not None and abs(now - started) > 1.0


def _rewrite(image: StoredImage, change: Callable[[dict[str, Any]], dict[str, Any]]) -> None:
    """Read the image group's attributes afresh, change them, write them back, under its lock."""
    with well_lock(image.store, image.path):
        edit_attributes(image.store, image.path, change)


def _with_records(attrs: dict[str, Any], records: list[Entry]) -> dict[str, Any]:
    ours = dict(attrs.get(NAMESPACE) or {})
    if records:
        ours[EDITING] = records
    else:
        ours.pop(EDITING, None)
    out = {k: v for k, v in attrs.items() if k != NAMESPACE}
    if ours:
        out[NAMESPACE] = ours
    return out


@contextmanager
def recording(
    image: StoredImage, entry: Entry, *, take_over: bool = True, force: bool = False
) -> Iterator[tuple[list[Entry], Callable[[Callable[[dict[str, Any]], dict[str, Any]]], None]]]:
    """Record ``entry`` for the body's duration; yield abandoned records it takes over.

    With ``force``, records of other machines count as abandoned too.

    The body may call the yielded ``finish(update)`` to give the OME metadata change written
    with the record's removal. If the body raises, the records stay (the image is marked as
    being edited) and the error propagates.
    """
    taken: list[Entry] = []
    with _ACTIVE_LOCK:
        _ACTIVE.add(entry["id"])

    def add(attrs: dict[str, Any]) -> dict[str, Any]:
        records = pending(attrs)
        if take_over:
            taken[:] = [r for r in records if _abandoned(r, force)]
        return _with_records(attrs, [*records, entry])

    update: list[Callable[[dict[str, Any]], dict[str, Any]]] = []
    try:
        _rewrite(image, add)
        for record in taken:
            logger.warning(
                "%s: finishing an interrupted %s of box %s (level %s)",
                image.where(), record.get("op"), record.get("box"), record.get("level"),
            )  # fmt: skip
        yield taken, update.append
        done = {entry["id"], *(r["id"] for r in taken)}

        def remove(attrs: dict[str, Any]) -> dict[str, Any]:
            for change in update:
                attrs = change(attrs)
            return _with_records(attrs, [r for r in pending(attrs) if r.get("id") not in done])

        _rewrite(image, remove)
    finally:
        with _ACTIVE_LOCK:
            _ACTIVE.discard(entry["id"])
