"""Staging beside a target: its names, the writer's lock, and removing what dead writers left.

A write of ``<dir>/<name>`` stages in ``<dir>/.<name>.ngff-zarr-<token>`` and holds an exclusive
``flock`` on ``<dir>/.<name>.ngff-zarr-<token>.lock`` from before the staging directory exists
until after it is gone (renamed into place or removed). The kernel drops the lock when the
writer dies, however it dies (``kill -9`` included), so a staging directory whose lock can be
taken was left by a dead writer and may be removed; one whose lock is held belongs to a live
writer and is never touched. A replaced store moved aside during the swap
(``.<name>.ngff-zarr-old-<token>``) is put back in place when the writer died before the new
one arrived, and removed otherwise.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import os
import re
import shutil
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

from zarr.core.sync import sync

from ..errors import PathNotFoundError, WriteError

__all__ = [
    "StagingNames",
    "WriterLock",
    "clean_beside",
    "is_zarr_node",
    "remove_stale_staging",
    "remove_tree",
    "settle_pending_writes",
]

_LOG = logging.getLogger(__name__)
MARK: Final = ".ngff-zarr-"
_ENTRY: Final = re.compile(
    r"^\.(?P<target>.+)\.ngff-zarr-(?P<old>old-)?(?P<token>[0-9a-f]{12})(?P<lock>\.lock)?$"
)
# Zarr metadata documents: a directory holding one is a Zarr node.
_ARRAY_DOCS: Final = (".zarray",)
_GROUP_DOCS: Final = ("zarr.json", ".zgroup", ".zattrs")
_NODE_DOC_LIMIT: Final = 1 << 20


@dataclass(frozen=True, slots=True, kw_only=True)
class StagingNames:
    """The staging, backup and lock paths of one write of ``final``."""

    final: Path
    token: str

    @classmethod
    def new(cls, final: Path) -> StagingNames:
        return cls(final=final, token=uuid.uuid4().hex[:12])

    def _beside(self, suffix: str) -> Path:
        return self.final.parent / f".{self.final.name}{MARK}{suffix}"

    @property
    def staging(self) -> Path:
        return self._beside(self.token)

    @property
    def backup(self) -> Path:
        return self._beside(f"old-{self.token}")

    @property
    def lock(self) -> Path:
        return self._beside(f"{self.token}.lock")


class WriterLock:
    """The exclusive lock a live writer holds on its staging (``flock``, dropped on death)."""

    def __init__(self, path: Path, fd: int | None) -> None:
        self.path = path
        self._fd = fd

    @classmethod
    def acquire(cls, path: Path) -> WriterLock:
        """Create and lock ``path``; without flock (not POSIX) the lock is a plain file."""
        lock = cls(path, None)  # first: a Ctrl-C from here on finds the lock to release
        try:
            lock._fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_EXCL, 0o644)
            try:
                import fcntl
            except ImportError:  # pragma: no cover - not POSIX: stale staging is never removed
                return lock
            fcntl.flock(lock._fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BaseException as exc:
            lock.release()
            if isinstance(exc, OSError):
                raise WriteError(f"cannot write to {path.parent}: {exc.strerror or exc}") from exc
            raise
        return lock

    def release(self) -> None:
        """Remove the lock file, then drop the lock (a cleaner never sees it unlocked first)."""
        if self._fd is None:
            return
        with contextlib.suppress(OSError):
            os.unlink(self.path)
        os.close(self._fd)
        self._fd = None


@contextlib.contextmanager
def _dead_writer(lock_path: Path) -> Iterator[bool]:
    """Whether the writer of ``lock_path`` is dead; while True, its lock is held by us."""
    try:
        import fcntl
    except ImportError:  # pragma: no cover - cannot tell a dead writer from a live one
        yield False
        return
    try:
        fd = os.open(lock_path, os.O_RDWR)
    except FileNotFoundError:
        # A writer creates its lock before its staging and removes it after: no lock file
        # beside a staging directory means its writer is gone.
        yield True
        return
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            yield False  # held: a live writer
            return
        try:
            yield True
        finally:
            with contextlib.suppress(OSError):
                os.unlink(lock_path)
    finally:
        os.close(fd)


def settle_pending_writes(timeout: float = 10.0) -> None:
    """Wait for zarr's writes still in flight (a failed batch leaves its other writes running).

    zarr-python writes a batch of chunks as concurrent tasks on its event loop; when one fails
    the others go on, and would recreate files in a staging directory removed meanwhile.
    """

    async def drain() -> None:
        current = asyncio.current_task()
        pending = [
            task
            for task in asyncio.all_tasks()
            if task is not current and _ZARR_CODE in _code_file(task)
        ]
        if pending:
            await asyncio.wait(pending, timeout=timeout)

    sync(drain())


_ZARR_CODE: Final = f"{os.sep}zarr{os.sep}"


def _code_file(task: asyncio.Task[Any]) -> str:
    code = getattr(task.get_coro(), "cr_code", None)
    return str(getattr(code, "co_filename", ""))


def remove_tree(path: Path, *, quiet: float = 0.0, limit: float = 5.0) -> bool:
    """Remove the directory ``path``; True when it is gone.

    With ``quiet``, the path must stay gone that long: writes still in flight when a write
    failed (tensorstore's, zarr's; see :func:`settle_pending_writes`) may recreate files in a
    tree being removed, so it is removed again until it stays gone, for at most ``limit``
    seconds.
    """
    deadline = time.monotonic() + limit
    gone_since: float | None = None
    while True:
        shutil.rmtree(path, ignore_errors=True)
        now = time.monotonic()
        if os.path.lexists(path):
            gone_since = None
        elif gone_since is None:
            gone_since = now
        if gone_since is not None and now - gone_since >= quiet:
            return True
        if now > deadline:
            return not os.path.lexists(path)
        time.sleep(0.02)


def clean_beside(final: Path, *, dry_run: bool = False) -> list[Path]:
    """Settle what dead writers of ``final`` left beside it; the paths removed or restored."""
    return _clean_directory(final.parent, only=final.name, dry_run=dry_run)


def _clean_directory(directory: Path, *, only: str | None, dry_run: bool) -> list[Path]:
    try:
        names = [entry.name for entry in os.scandir(directory)]
    except OSError:
        return []
    tokens: dict[tuple[str, str], list[tuple[Path, bool]]] = {}
    for name in names:
        match = _ENTRY.match(name)
        if match is None or (only is not None and match["target"] != only):
            continue
        entries = tokens.setdefault((match["target"], match["token"]), [])
        if match["lock"] is None:
            entries.append((directory / name, match["old"] is not None))
    done: list[Path] = []
    for (target, token), entries in tokens.items():
        names_ = StagingNames(final=directory / target, token=token)
        with _dead_writer(names_.lock) as dead:
            if not dead:
                continue
            for path, is_backup in entries:
                done.extend(_settle(path, is_backup, names_.final, dry_run=dry_run))
            if not entries and not dry_run:
                done.append(names_.lock)
    return done


def _settle(path: Path, is_backup: bool, final: Path, *, dry_run: bool) -> list[Path]:
    """Remove a dead writer's staging; put a store it had moved aside back in place."""
    if is_backup and not os.path.lexists(final):
        _LOG.warning("%s: restoring the store a dead writer had moved aside to %s", final, path)
        if not dry_run:
            os.rename(path, final)
        return [path]
    _LOG.info("removing %s, left by a writer that died", path)
    if not dry_run and not remove_tree(path):
        _LOG.warning("could not remove %s completely", path)
    return [path]


def remove_stale_staging(
    store: str | os.PathLike[str], *, recursive: bool = True, dry_run: bool = False
) -> list[Path]:
    """Remove the staging that interrupted writes of a local store left behind.

    Every write of a local store or of a plate's field stages its data in a hidden directory
    beside its target and renames it into place when complete. A writer killed before that
    (``kill -9``, power loss) leaves the staging directory behind; the next write to the same
    target removes it, and this function removes it on request, for the store and (with
    ``recursive``) every group inside it (the fields of a plate). Staging held by a live
    writer is never touched; a store that a writer had moved aside and not yet replaced is
    put back.

    Parameters
    ----------
    store
        The local store (a directory).
    recursive
        Also clean inside the store's groups (not inside arrays).
    dry_run
        Only report what would be removed.

    Returns
    -------
    list of Path
        The staging directories removed (or restored), in the order handled.

    Raises
    ------
    PathNotFoundError
        ``store`` does not exist.

    Examples
    --------
    >>> import os, tempfile
    >>> from ngff_zarr import remove_stale_staging
    >>> base = tempfile.mkdtemp()
    >>> os.makedirs(os.path.join(base, "image.zarr"))
    >>> os.makedirs(os.path.join(base, ".image.zarr.ngff-zarr-0123456789ab"))  # a dead write's
    >>> [p.name for p in remove_stale_staging(os.path.join(base, "image.zarr"))]
    ['.image.zarr.ngff-zarr-0123456789ab']
    >>> sorted(os.listdir(base))
    ['image.zarr']
    """
    root = Path(os.fspath(store)).expanduser().absolute()
    done = clean_beside(root, dry_run=dry_run)
    if not done and not root.exists():
        raise PathNotFoundError(f"{root}: no such file or directory")
    if recursive and root.is_dir():
        for group in _groups(root):
            done.extend(_clean_directory(group, only=None, dry_run=dry_run))
    return done


def _groups(root: Path) -> Iterator[Path]:
    """The directories of Zarr groups at and below ``root`` (arrays are not entered)."""
    pending = [root]
    while pending:
        directory = pending.pop()
        try:
            entries = [e for e in os.scandir(directory) if e.is_dir(follow_symlinks=False)]
        except OSError:
            continue
        yield directory
        for entry in entries:
            if entry.name.startswith(".") or _is_array(Path(entry.path)):
                continue
            pending.append(Path(entry.path))


def _is_array(directory: Path) -> bool:
    if any((directory / name).is_file() for name in _ARRAY_DOCS):
        return True
    try:
        with open(directory / "zarr.json", "rb") as handle:
            raw = handle.read(_NODE_DOC_LIMIT + 1)
    except OSError:
        return False
    if len(raw) > _NODE_DOC_LIMIT:
        return False  # a large document is a group's (consolidated metadata): look inside
    try:
        doc = json.loads(raw)
    except (ValueError, RecursionError):
        return False
    return isinstance(doc, dict) and doc.get("node_type") == "array"


def is_zarr_node(directory: Path) -> bool:
    """Whether ``directory`` holds Zarr metadata (a group or an array) at its top."""
    return any((directory / name).is_file() for name in (*_GROUP_DOCS, *_ARRAY_DOCS))
