"""Zipped OME-Zarr (``.ozx``, NGFF RFC-9): one OME-Zarr hierarchy in one ZIP file.

RFC-9 asks that the ZIP root be the OME-Zarr root (``zarr.json`` at the top), and recommends
ZIP64, no ZIP-level compression (the Zarr codecs compress), sharded arrays, the root
``zarr.json`` as the first entry with every other ``zarr.json`` right after it in
breadth-first order, an archive comment ``{"ome": {"version": ...}}`` and the ``.ozx`` suffix.
:func:`write_store_to_zip` writes exactly that (the comment also says that the JSON comes
first: ``"zipFile": {"centralDirectory": {"jsonFirst": true}}``).

A zip is written in one piece: writers build the hierarchy in a staging directory beside the
target (:func:`staged_ozx`), then zip it into a temporary file that replaces the target only
when complete. Reading goes through zarr's read-only ``ZipStore`` (:func:`open_ozx`).

>>> import json, os, tempfile, zipfile
>>> folder = tempfile.mkdtemp()
>>> src = os.path.join(folder, "img.ome.zarr")
>>> os.makedirs(os.path.join(src, "0"))
>>> for key in ("zarr.json", "0/zarr.json"):
...     with open(os.path.join(src, key), "w") as f:
...         _ = f.write(json.dumps({"zarr_format": 3, "node_type": "group"}))
>>> write_store_to_zip(src, os.path.join(folder, "img.ozx"))
>>> zipfile.ZipFile(os.path.join(folder, "img.ozx")).namelist()
['zarr.json', '0/zarr.json']
>>> read_ozx_version(os.path.join(folder, "img.ozx"))
'0.5'
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import uuid
import zipfile
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any, BinaryIO, Final

from zarr.abc.store import Store

from .errors import InvalidMetadataError, NgffValueError, PathNotFoundError, StoreExistsError

__all__ = [
    "OZX_SUFFIX",
    "ZipReadStore",
    "is_ozx_path",
    "is_zarr_zip",
    "open_ozx",
    "read_ozx_comment",
    "read_ozx_json_first",
    "read_ozx_version",
    "staged_ozx",
    "write_store_to_zip",
]

OZX_SUFFIX: Final = ".ozx"
# the documents of Zarr v3 and v2 groups and arrays: they go first, breadth-first
_METADATA_NAMES: Final[frozenset[str]] = frozenset(
    {"zarr.json", ".zattrs", ".zgroup", ".zarray", ".zmetadata"}
)
_BLOCK: Final = 1 << 20


def is_ozx_path(path: str | os.PathLike[str]) -> bool:
    """Whether ``path`` names a zipped OME-Zarr: it ends with ``.ozx`` (case-sensitive).

    >>> is_ozx_path("plate.ozx"), is_ozx_path("a.OZX"), is_ozx_path("a.zip")
    (True, False, False)
    """
    return os.fspath(path).rstrip("/").endswith(OZX_SUFFIX)


def read_ozx_comment(zip_path: str | os.PathLike[str]) -> dict[str, Any] | None:
    """The archive comment of a zipped OME-Zarr as JSON; None when it has none or not JSON."""
    with zipfile.ZipFile(zip_path) as archive:
        raw = archive.comment
    try:
        comment = json.loads(raw.rstrip(b"\0").decode("utf-8")) if raw else None
    except (UnicodeDecodeError, json.JSONDecodeError):
        return None
    return comment if isinstance(comment, dict) else None


def read_ozx_version(zip_path: str | os.PathLike[str]) -> str | None:
    """The OME-Zarr version the archive comment states (``ome.version``), None without one."""
    ome = (read_ozx_comment(zip_path) or {}).get("ome")
    version = ome.get("version") if isinstance(ome, Mapping) else None
    return str(version) if version is not None else None


def read_ozx_json_first(zip_path: str | os.PathLike[str]) -> bool:
    """Whether the archive comment says that every ``zarr.json`` comes first (``jsonFirst``)."""
    ome = (read_ozx_comment(zip_path) or {}).get("ome")
    zip_file = ome.get("zipFile") if isinstance(ome, Mapping) else None
    directory = zip_file.get("centralDirectory") if isinstance(zip_file, Mapping) else None
    return bool(directory.get("jsonFirst")) if isinstance(directory, Mapping) else False


def _ordered(keys: list[str]) -> list[str]:
    """Metadata documents first (root ``zarr.json`` first, then breadth-first), then data."""
    metadata = [k for k in keys if k.rsplit("/", 1)[-1] in _METADATA_NAMES]
    data = sorted(set(keys) - set(metadata))
    metadata.sort(key=lambda k: (k != "zarr.json", k.count("/"), k))
    return metadata + data


def _source_entries(source_store: Any) -> tuple[list[str], Any]:
    """The keys of a directory, a zarr store or a key -> bytes mapping, and how to open one."""
    if isinstance(source_store, str | os.PathLike):
        root = Path(os.fspath(source_store))
        if not root.is_dir():
            raise PathNotFoundError(f"{root}: no such directory to zip")
        keys = [
            (Path(base) / name).relative_to(root).as_posix()
            for base, _, names in os.walk(root)
            for name in names
        ]

        def opener(key: str) -> BinaryIO:
            return (root / key).open("rb")

        return keys, opener
    if isinstance(source_store, Mapping):
        mapping = source_store

        def open_bytes(key: str) -> BinaryIO:
            import io

            return io.BytesIO(bytes(mapping[key]))

        return [str(k) for k in mapping], open_bytes
    from zarr.abc.store import Store

    if isinstance(source_store, Store):
        import io

        from zarr.core.buffer import default_buffer_prototype
        from zarr.core.sync import sync

        async def listing() -> list[str]:
            return [key async for key in source_store.list()]

        def open_store(key: str) -> BinaryIO:
            buf = sync(source_store.get(key, prototype=default_buffer_prototype()))
            return io.BytesIO(b"" if buf is None else buf.to_bytes())

        return sync(listing()), open_store
    raise NgffValueError(
        "source_store: expected a directory path, a zarr store or a mapping of key to bytes, "
        f"got {type(source_store).__name__}"
    )


def write_store_to_zip(
    source_store: Any,
    zip_path: str | os.PathLike[str],
    version: str = "0.5",
    compression: int = zipfile.ZIP_STORED,
) -> None:
    """Zip a stored OME-Zarr hierarchy into one RFC-9 file (``.ozx``), streaming each file.

    The root ``zarr.json`` is the first entry, every other metadata document follows in
    breadth-first order, then the chunks; entries use ZIP64 and no ZIP-level compression,
    and the archive comment states ``version``. The zip is written beside ``zip_path`` and
    moved there only when complete.

    Parameters
    ----------
    source_store
        A directory (path), a zarr store, or a mapping of store keys to bytes.
    zip_path
        The file to write (by convention ending in ``.ozx``); replaced if it exists.
    version
        The OME-Zarr version the comment states (the version of the hierarchy).
    compression
        A :mod:`zipfile` compression constant; the default ``ZIP_STORED`` (0) is RFC-9's
        recommendation, since the Zarr chunks are compressed already.

    Raises
    ------
    PathNotFoundError
        ``source_store`` is a path that is not a directory.
    NgffValueError
        ``source_store`` is none of the accepted kinds, or ``version`` is not a string.

    Examples
    --------
    >>> import numpy as np, os, tempfile, zipfile
    >>> import ngff_zarr as nz
    >>> folder = tempfile.mkdtemp()
    >>> image = nz.to_ngff_image(np.ones((32, 32), "uint8"))
    >>> nz.to_ngff_zarr(f"{folder}/a.ome.zarr", nz.to_multiscales(image, [2]), version="0.5")
    >>> nz.write_store_to_zip(f"{folder}/a.ome.zarr", f"{folder}/a.ozx")
    >>> zipfile.ZipFile(f"{folder}/a.ozx").namelist()[0]
    'zarr.json'
    """
    if not isinstance(version, str):
        raise NgffValueError(f"version: expected a version string like '0.5', got {version!r}")
    keys, opener = _source_entries(source_store)
    target = Path(os.fspath(zip_path)).expanduser().absolute()
    temporary = target.parent / f".{target.name}.ngff-zarr-{uuid.uuid4().hex[:12]}"
    comment = {"ome": {"version": version, "zipFile": {"centralDirectory": {"jsonFirst": True}}}}
    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        with zipfile.ZipFile(temporary, "w", compression=compression, allowZip64=True) as out:
            for key in _ordered(keys):
                info = zipfile.ZipInfo(key, date_time=(1980, 1, 1, 0, 0, 0))
                info.compress_type = compression
                info.external_attr = 0o644 << 16
                with opener(key) as src, out.open(info, "w", force_zip64=True) as dst:
                    shutil.copyfileobj(src, dst, _BLOCK)
            out.comment = json.dumps(comment).encode("utf-8")
        os.replace(temporary, target)
    finally:
        with contextlib.suppress(FileNotFoundError):
            temporary.unlink()


def open_ozx(path: str | os.PathLike[str]) -> Store:
    """A read-only zarr store over a zipped OME-Zarr.

    Raises
    ------
    PathNotFoundError
        There is no such file.
    InvalidMetadataError
        The file is not a ZIP archive.
    """
    import zarr.storage

    file = Path(os.fspath(path)).expanduser()
    if not file.is_file():
        raise PathNotFoundError(f"{file}: no such file")
    if not zipfile.is_zipfile(file):
        raise InvalidMetadataError("expected a ZIP archive (RFC-9 zipped OME-Zarr)", path=str(file))
    from zarr.core.sync import sync

    store: Store = sync(zarr.storage.ZipStore.open(file, mode="r", read_only=True))
    return store


def is_zarr_zip(path: Path) -> bool:
    """Whether an existing file is a zipped Zarr hierarchy (safe to replace on overwrite)."""
    if not zipfile.is_zipfile(path):
        return False
    with zipfile.ZipFile(path) as archive:
        names = set(archive.namelist())
    return bool(names & {"zarr.json", ".zgroup", ".zattrs", ".zarray"})


@contextlib.contextmanager
def staged_ozx(
    zip_path: str | os.PathLike[str],
    *,
    version: str,
    overwrite: bool,
    extract: bool = False,
) -> Iterator[Path]:
    """A staging directory to build a hierarchy in; zipped into ``zip_path`` on success.

    Parameters
    ----------
    zip_path
        The ``.ozx`` to write.
    version
        The OME-Zarr version of the hierarchy (the archive comment's).
    overwrite
        Replace an existing zipped Zarr hierarchy. A file that is not one is never replaced.
    extract
        Start from the contents of the existing ``zip_path`` (to add to it).

    Raises
    ------
    StoreExistsError
        ``zip_path`` exists and ``overwrite`` is False (and ``extract`` is False), or it is
        not a zipped Zarr hierarchy.
    """
    target = Path(os.fspath(zip_path)).expanduser().absolute()
    if target.exists():
        if target.is_dir() or not is_zarr_zip(target):
            raise StoreExistsError(
                f"{target} exists and is not a zipped Zarr hierarchy; it is never replaced"
            )
        if not (overwrite or extract):
            raise StoreExistsError(f"{target} exists; pass overwrite=True to replace it")
    staging = target.parent / f".{target.name}.ngff-zarr-staging-{uuid.uuid4().hex[:12]}"
    target.parent.mkdir(parents=True, exist_ok=True)
    staging.mkdir()
    try:
        if extract and target.exists():
            with zipfile.ZipFile(target) as archive:
                archive.extractall(staging)
        yield staging
        write_store_to_zip(staging, target, version=version)
    finally:
        shutil.rmtree(staging, ignore_errors=True)


class ZipReadStore(Mapping[str, bytes]):
    """A read-only mapping of the keys of a zip file (optionally below ``prefix``) to bytes.

    The archive is opened once and shared by the stores :meth:`with_prefix` derives.

    >>> import io, zipfile, tempfile, os
    >>> path = os.path.join(tempfile.mkdtemp(), "x.ozx")
    >>> with zipfile.ZipFile(path, "w") as z:
    ...     z.writestr("zarr.json", b"{}"); z.writestr("a/zarr.json", b"[]")
    >>> with ZipReadStore(path) as store:
    ...     sorted(store), store.with_prefix("a")["zarr.json"]
    (['a/zarr.json', 'zarr.json'], b'[]')
    """

    def __init__(self, path: str | os.PathLike[str], prefix: str = "", _shared: Any = None) -> None:
        self.path = Path(os.fspath(path))
        self.prefix = prefix.strip("/")
        self._archive: zipfile.ZipFile = _shared if _shared is not None else zipfile.ZipFile(path)

    def _key(self, key: str) -> str:
        return f"{self.prefix}/{key}" if self.prefix else key

    def with_prefix(self, prefix: str) -> ZipReadStore:
        """The same archive seen from ``prefix`` (a sub-hierarchy)."""
        return ZipReadStore(self.path, self._key(prefix.strip("/")), _shared=self._archive)

    def close(self) -> None:
        self._archive.close()

    def __enter__(self) -> ZipReadStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __getitem__(self, key: str) -> bytes:
        try:
            return self._archive.read(self._key(key))
        except KeyError:
            raise KeyError(key) from None

    def __iter__(self) -> Iterator[str]:
        start = f"{self.prefix}/" if self.prefix else ""
        for name in self._archive.namelist():
            if name.startswith(start) and not name.endswith("/"):
                yield name[len(start) :]

    def __len__(self) -> int:
        return sum(1 for _ in self)
