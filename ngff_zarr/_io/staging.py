"""Where a write goes, and how a finished or failed write is settled.

A local directory (a path, a ``LocalStore``, or a group of one, such as a plate's field) is
written in a hidden sibling directory and swapped into place only when complete, in one
``rename`` (an atomic exchange where the system has one): an interrupted or failed write never
leaves a store that looks complete nor damages an existing one, and a reader opening the
target finds either the old tree or the new one. A rewrite keeps what the replaced image did
not own (``labels/``, ``tables/``, other groups and files, custom attributes), linked into the
new tree, or refuses before writing anything when keeping them is impossible. A directory that
is not a Zarr hierarchy is never replaced. An ``.ozx`` target is staged the same way and
zipped into place (RFC-9; the zip is written beside the file and renamed over it).

Other stores (memory, fsspec URLs, zip) cannot rename a tree: they are written in place, the
replaced image's arrays deleted first, and a write that reads its data from the very arrays it
would delete is refused.
"""

from __future__ import annotations

import errno
import logging
import os
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

import zarr
from zarr.abc.store import Store
from zarr.core.sync import sync

from ..errors import (
    NgffValueError,
    NgffZarrError,
    StoreExistsError,
    UnsupportedVersionError,
    WriteError,
)
from ..rfc9_zip import is_ozx_path, is_zarr_zip, write_store_to_zip
from .documents import group_documents, write_documents
from .replace_plan import (
    Plan,
    carried_attributes,
    existing_node,
    merge_attributes,
    plan_local,
    plan_replace,
    top_name,
)
from .snapshot import Location, location_of
from .stale import (
    StagingNames,
    WriterLock,
    clean_beside,
    remove_tree,
    settle_pending_writes,
)
from .store import StoreLike, as_store, describe, join, list_dir
from .swap import link_tree, swap_into_place

__all__ = ["Target", "is_write_failure", "write_failure"]

_LOG = logging.getLogger(__name__)


class Target:
    """Where the image goes, and how a finished (or failed) write is settled."""

    def __init__(
        self,
        group: zarr.Group,
        *,
        where: str,
        plan: Plan,
        zarr_format: int,
        final: Path | None = None,
        names: StagingNames | None = None,
        lock: WriterLock | None = None,
        local_root: Path | None = None,
        group_path: str = "",
        zipped: bool = False,
    ) -> None:
        self.group = group
        self.where = where
        self.plan = plan
        self.zarr_format = zarr_format
        self.final = final
        self.names = names
        self.lock = lock
        self.local_root = local_root
        self.group_path = group_path
        self.staging = names.staging if names is not None else None
        self.zipped = zipped  # final is an .ozx: the staging directory is zipped into it

    @classmethod
    def open(
        cls,
        store: StoreLike,
        *,
        overwrite: bool,
        storage_options: Mapping[str, Any] | None,
        zarr_format: int,
        paths: Sequence[str] = (),
        sources: Sequence[Location] = (),
        keep_others: bool = True,
    ) -> Target:
        """Prepare the write of an image with level ``paths``, read from ``sources``.

        ``keep_others=False`` replaces the whole group (a table, say): nothing of the old one
        is kept beside the new.
        """
        if isinstance(store, zarr.Group):
            _check_group(store, zarr_format, overwrite)
        if isinstance(store, str | os.PathLike) and is_ozx_path(store):
            return cls._open_zip(Path(os.fspath(store)), overwrite, zarr_format)
        directory = _local_directory(store)
        if directory is not None:
            return cls._open_local(directory, overwrite, zarr_format, paths, keep_others)
        if isinstance(store, zarr.Group):
            zstore, path = store.store, store.path
        else:
            zstore = as_store(store, read_only=False, storage_options=storage_options)
            path = ""
        return cls._open_in_place(zstore, path, overwrite, zarr_format, paths, sources, keep_others)

    @classmethod
    def _open_local(
        cls,
        final: Path,
        overwrite: bool,
        zarr_format: int,
        paths: Sequence[str],
        keep_others: bool = True,
    ) -> Target:
        if final.is_symlink():  # replace the directory it names, not the link
            final = Path(os.path.realpath(final))
        if os.path.lexists(final) and not final.is_dir():
            raise StoreExistsError(f"{final} exists and is not a directory")
        plan = plan_local(final, overwrite=overwrite, zarr_format=zarr_format, paths=paths,
                           keep_others=keep_others)  # fmt: skip
        try:
            final.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise WriteError(f"cannot write to {final.parent}: {exc.strerror or exc}") from exc
        clean_beside(final)  # what writers that died here left behind
        names = StagingNames.new(final)
        lock = WriterLock.acquire(names.lock)
        try:  # from here on every exit (Ctrl-C included) removes the staging or returns it
            names.staging.mkdir()
            group = zarr.open_group(
                zarr.storage.LocalStore(names.staging),
                mode="w",
                zarr_format=zarr_format,  # type: ignore[arg-type]
            )
            return cls(
                group,
                where=str(final),
                plan=plan,
                zarr_format=zarr_format,
                final=final,
                names=names,
                lock=lock,
                local_root=names.staging,
            )
        except BaseException as exc:
            # a Ctrl-C inside zarr's synchronous wrapper leaves its write running: let it end
            settle_pending_writes()
            remove_tree(names.staging, quiet=0.2)
            lock.release()
            if isinstance(exc, OSError):
                raise WriteError(f"cannot write to {final.parent}: {exc.strerror or exc}") from exc
            raise

    @classmethod
    def _open_zip(cls, path: Path, overwrite: bool, zarr_format: int) -> Target:
        """An ``.ozx`` target: staged as a directory, zipped into place by :meth:`commit`."""
        final = path.expanduser().absolute()
        if zarr_format != 3:
            raise UnsupportedVersionError(
                f"{final}: a zipped OME-Zarr (.ozx, RFC-9) needs OME-Zarr 0.5 or later "
                "(Zarr v3); got a Zarr v2 version (0.4)"
            )
        if final.exists():
            if not is_zarr_zip(final):
                raise StoreExistsError(
                    f"{final} exists and is not a zipped Zarr hierarchy; it is never replaced"
                )
            if not overwrite:
                raise StoreExistsError(f"{final} exists; pass overwrite=True to replace it")
        try:
            final.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise WriteError(f"cannot write to {final.parent}: {exc.strerror or exc}") from exc
        clean_beside(final)
        names = StagingNames.new(final)
        lock = WriterLock.acquire(names.lock)
        try:
            names.staging.mkdir()
            group = zarr.open_group(zarr.storage.LocalStore(names.staging), mode="w", zarr_format=3)
            return cls(
                group,
                where=str(final),
                plan=Plan(existed=final.exists()),
                zarr_format=3,
                final=final,
                names=names,
                lock=lock,
                local_root=names.staging,
                zipped=True,
            )
        except BaseException as exc:
            # a Ctrl-C inside zarr's synchronous wrapper leaves its write running: let it end
            settle_pending_writes()
            remove_tree(names.staging, quiet=0.2)
            lock.release()
            if isinstance(exc, OSError):
                raise WriteError(f"cannot write to {final.parent}: {exc.strerror or exc}") from exc
            raise

    @classmethod
    def _open_in_place(
        cls,
        zstore: Store,
        path: str,
        overwrite: bool,
        zarr_format: int,
        paths: Sequence[str],
        sources: Sequence[Location],
        keep_others: bool = True,
    ) -> Target:
        where = describe(zstore, path)
        entries = list_dir(zstore, path)
        existing = existing_node(zstore, path, entries)
        plan = plan_replace(
            existing, entries, overwrite=overwrite, zarr_format=zarr_format, paths=paths,
            where=where, keep_others=keep_others,
        )  # fmt: skip
        here = location_of(zstore, path)
        replaced = plan.owned | {top_name(p) for p in paths}
        for source in sources:
            if source.under(here) and (
                not plan.keep or top_name(source.relative_to(here)) in replaced
            ):
                raise NgffValueError(
                    f"store: the image is read from {describe(zstore, source.key)}, which this "
                    f"write would replace; a {type(zstore).__name__} is written in place (it "
                    "cannot stage and rename), so write to another location, or load the data "
                    "into memory first"
                )
        if plan.existed and plan.keep:
            for name in sorted(plan.owned | (replaced & set(entries))):
                sync(zstore.delete_dir(join(path, name)))
            mode = "a"
        else:
            mode = "w"
        root = getattr(zstore, "root", None)
        group = zarr.open_group(zstore, path=path, mode=mode, zarr_format=zarr_format)  # type: ignore[arg-type]
        return cls(
            group,
            where=where,
            plan=plan,
            zarr_format=zarr_format,
            local_root=Path(root) if isinstance(root, Path) else None,
            group_path=path,
        )

    @classmethod
    def existing(cls, group: zarr.Group) -> Target:
        """An existing group written in place (levels added to it): its attributes are kept."""
        root = getattr(group.store, "root", None)
        zarr_format = group.metadata.zarr_format
        return cls(
            group,
            where=describe(group.store, group.path),
            plan=Plan(
                existed=True,
                attributes=carried_attributes(dict(group.attrs), zarr_format, zarr_format),
            ),
            zarr_format=zarr_format,
            local_root=Path(root) if isinstance(root, Path) else None,
            group_path=group.path,
        )

    def finish(
        self,
        attributes: Mapping[str, Any],
        before_commit: Callable[[zarr.Group], None] | None = None,
    ) -> None:
        """Write the group's attributes (with those kept from the old image) and commit."""
        merged = merge_attributes(self.plan.attributes, attributes, self.zarr_format)
        write_documents(
            self.group.store, group_documents(self.zarr_format, self.group.path, merged)
        )
        self.commit(before_commit)

    def commit(self, before_commit: Callable[[zarr.Group], None] | None = None) -> None:
        """Move the staged tree into place, keeping what the old one held beside its image.

        ``before_commit(group)`` runs on the complete tree (the kept groups in it), just
        before it is moved into place: e.g. to consolidate its metadata.
        """
        if self.names is None or self.final is None or self.staging is None:
            if before_commit is not None:
                before_commit(self.group)
            return
        staging, final = self.staging, self.final
        if self.zipped and before_commit is not None:
            before_commit(self.group)
        if self.zipped:
            ome = dict(self.group.attrs).get("ome")
            version = str(ome.get("version", "0.5")) if isinstance(ome, dict) else "0.5"
            write_store_to_zip(staging, final, version=version)  # beside, then renamed
            remove_tree(staging)
            self.staging = None
            self._release()
            return
        for name in self.plan.keep:
            link_tree(final / name, staging / name)
        if before_commit is not None:
            before_commit(self.group)
        # Done once swapped: the path left is the replaced tree, which abort() also removes
        # (a Ctrl-C while it is removed).
        self.staging = swap_into_place(staging, final, self.names.backup)
        if self.staging is not None and not remove_tree(self.staging):
            _LOG.warning("%s: could not remove the replaced tree %s", final, self.staging)
        self.staging = None
        self._release()

    def abort(self) -> bool:
        """Remove the partial write; True when nothing of it is left."""
        removed = True
        if self.staging is not None:
            settle_pending_writes()
            removed = remove_tree(self.staging, quiet=0.2)
            self.staging = None
        self._release()
        return removed

    def _release(self) -> None:
        if self.lock is not None:
            self.lock.release()
            self.lock = None

    def failure(self, exc: BaseException) -> WriteError:
        """The error for a write that failed with ``exc`` (after :meth:`abort`): what was kept."""
        if self.final is not None:
            kept = (
                f"the existing store at {self.final} was kept unchanged"
                if self.plan.existed
                else f"nothing was written at {self.final}"
            )
            return write_failure(str(self.final), exc, kept)
        kept = f"kept {list(self.plan.keep)}; " if self.plan.keep else ""
        return write_failure(
            self.where,
            exc,
            f"{kept}the image written in place there is incomplete (this store cannot stage "
            "and rename a tree)",
        )


def write_failure(where: str, exc: BaseException, kept: str) -> WriteError:
    """``WriteError("writing <where> failed: <reason> [ERRNO]; <kept>")``."""
    reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
    if isinstance(exc, OSError) and exc.errno is not None:
        reason = f"{reason} [{errno.errorcode.get(exc.errno, exc.errno)}]"
    return WriteError(f"writing {where} failed: {reason}; {kept}")


def _check_group(group: zarr.Group, zarr_format: int, overwrite: bool) -> None:
    members = [name for name, _ in group.members()]
    if (members or dict(group.attrs)) and not overwrite:
        raise StoreExistsError(
            f"group {group.path or '/'} is not empty (holds {sorted(members)[:5]}); "
            "pass overwrite=True to replace it"
        )
    if group.metadata.zarr_format != zarr_format:
        raise UnsupportedVersionError(
            f"group {group.path or '/'} is Zarr v{group.metadata.zarr_format}, "
            f"but the requested OME-Zarr version needs Zarr v{zarr_format}"
        )
    if getattr(group.store, "read_only", False):
        raise WriteError(f"group {group.path or '/'}: its store is opened read-only")


def _local_directory(store: StoreLike) -> Path | None:
    """The directory a local target (path, LocalStore, group of one) is written to."""
    if isinstance(store, str | os.PathLike):
        text = os.fspath(store)
        if "://" in text and not text.startswith("file://"):
            return None
        text = text.removeprefix("file://")
        return Path(text).expanduser().absolute()
    zstore = store.store if isinstance(store, zarr.Group) else store
    if not isinstance(zstore, zarr.storage.LocalStore):
        return None
    root = Path(zstore.root).absolute()
    return root / store.path if isinstance(store, zarr.Group) and store.path else root


def is_write_failure(exc: BaseException) -> bool:
    """Whether ``exc`` is an I/O failure of the target (to report as :class:`WriteError`).

    A plain :class:`OSError`, or a :class:`WriteError` that carries the system's error number
    (raised by a backend for a failed system call): the caller adds what was kept.
    """
    if isinstance(exc, WriteError):
        return exc.errno is not None
    return isinstance(exc, OSError) and not isinstance(exc, NgffZarrError)
