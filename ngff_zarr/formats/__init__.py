"""Microscope file readers: a small protocol and a name-to-implementation registry.

Each format lives in a private module (``_tiff``, ``_czi``, ``_nd2``, ``_lif``, ``_imageio``,
``_thorlabs``)
that exposes a ``READER`` object satisfying :class:`Reader`. The registry below names, for every
reader, the optional package it needs and the pip extra that installs it, so ``import ngff_zarr``
never imports a format library and a missing one gives an error that says how to install it.

A reader returns :class:`SourceImage` records: lazy arrays in the file's *native* axis order (as
the format library reports them) plus physical metadata keyed by NGFF dim. Turning a record into
an :class:`~ngff_zarr.NgffImage` (dims, overrides, warnings) is done once, in
:mod:`ngff_zarr.read_image`.
"""

from __future__ import annotations

import importlib
import importlib.util
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

import dask.array as da

from ..errors import InvalidMetadataError, PathNotFoundError, missing_dependency, unknown_choice

__all__ = [
    "READERS",
    "Reader",
    "ReaderEntry",
    "SourceImage",
    "get_reader",
    "primary_files",
    "select_reader",
]


@dataclass(frozen=True, slots=True, kw_only=True)
class SourceImage:
    """One series (or scene, position, tile) of a file, as a reader found it.

    Parameters
    ----------
    levels
        Lazy arrays, finest first, in the native axis order ``axes``. More than one level means
        the file stores a pyramid; every level has the same axes.
    axes
        Native axis codes, upper case, one per array dim (``"TCZYX"``, ``"QYX"``, ``"TX"``...).
        ``T C Z Y X`` are the NGFF dims; ``S`` (samples) and the wavelength sweeps ``λ``
        (emission) and ``Λ`` (excitation) are channel axes; anything else is unknown and
        needs dims from the caller.
    scale, translation, units
        Physical pixel size, position of the first pixel and unit per NGFF dim, for the dims the
        file calibrates (level 0). A dim missing from ``scale`` is uncalibrated.
    name
        Series or scene name.
    channel_names, channel_colors
        One entry per channel when the file names them; colours as ``RRGGBB`` hex.
    metadata
        Original metadata kept as provenance (JSON-friendly values).
    """

    levels: tuple[da.Array, ...]
    axes: str
    scale: Mapping[str, float] = field(default_factory=dict)
    translation: Mapping[str, float] = field(default_factory=dict)
    units: Mapping[str, str] = field(default_factory=dict)
    name: str = "image"
    channel_names: tuple[str, ...] | None = None
    channel_colors: tuple[str, ...] | None = None
    metadata: Mapping[str, Any] = field(default_factory=dict)


class Reader(Protocol):
    """What a format module provides: every series of a file, lazily."""

    def read(self, path: Path) -> list[SourceImage]:
        """Every series of ``path``, with lazy pixel arrays."""
        ...


@dataclass(frozen=True, slots=True, kw_only=True)
class ReaderEntry:
    """A registered reader: where it lives, what it needs and how to recognise its files."""

    name: str
    module: str
    package: str
    import_name: str
    extra: str
    extensions: tuple[str, ...]
    magic: tuple[bytes, ...]
    description: str
    folder_suffixes: tuple[str, ...] = ()  # a folder holding such a file is one dataset

    def available(self) -> bool:
        """Whether the optional package is installed."""
        return importlib.util.find_spec(self.import_name) is not None

    def load(self) -> Reader:
        """Import the implementation, or raise naming the pip extra that installs it."""
        if not self.available():
            raise missing_dependency(f"reading {self.description}", self.package, self.extra)
        module = importlib.import_module(self.module)
        reader: Reader = module.READER
        return reader


_TIFF_MAGIC = (b"II*\x00", b"MM\x00*", b"II+\x00", b"MM\x00+")

READERS: dict[str, ReaderEntry] = {
    entry.name: entry
    for entry in (
        ReaderEntry(
            name="tiff",
            module="ngff_zarr.formats._tiff",
            package="tifffile",
            import_name="tifffile",
            extra="tiff",
            extensions=(
                ".tif",
                ".tiff",
                ".ome.tif",
                ".ome.tiff",
                ".lsm",
                ".btf",
                ".tf8",
                ".companion.ome",
            ),
            magic=_TIFF_MAGIC,
            description="TIFF, OME-TIFF, ImageJ TIFF and LSM files",
            folder_suffixes=(".companion.ome", ".ome.tif", ".ome.tiff"),
        ),
        ReaderEntry(
            name="czi",
            module="ngff_zarr.formats._czi",
            package="pylibCZIrw",
            import_name="pylibCZIrw",
            extra="czi",
            extensions=(".czi",),
            magic=(b"ZISRAWFILE",),
            description="Zeiss CZI files",
        ),
        ReaderEntry(
            name="nd2",
            module="ngff_zarr.formats._nd2",
            package="nd2",
            import_name="nd2",
            extra="nd2",
            extensions=(".nd2",),
            magic=(b"\xda\xce\xbe\x0a", b"\x00\x00\x00\x0cjP  "),
            description="Nikon ND2 files",
        ),
        ReaderEntry(
            name="lif",
            module="ngff_zarr.formats._lif",
            package="liffile",
            import_name="liffile",
            extra="lif",
            extensions=(".lif",),
            magic=(b"\x70\x00\x00\x00",),
            description="Leica LIF files",
        ),
        ReaderEntry(
            name="imageio",
            module="ngff_zarr.formats._imageio",
            package="imageio",
            import_name="imageio",
            extra="imageio",
            extensions=(".png", ".jpg", ".jpeg"),
            magic=(b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff"),
            description="plain PNG and JPEG images",
        ),
        ReaderEntry(
            name="thorlabs",
            module="ngff_zarr.formats._thorlabs",
            package="numpy",  # nothing beyond the core dependencies
            import_name="numpy",
            extra="",
            extensions=(".raw", "experiment.xml"),
            magic=(),  # headerless pixels; the sidecar is plain XML
            description="Thorlabs ThorImageLS RAW files (with Experiment.xml)",
            folder_suffixes=("experiment.xml",),
        ),
    )
}


def _available_text() -> str:
    parts = []
    for entry in READERS.values():
        state = "installed" if entry.available() else f"pip install 'ngff-zarr[{entry.extra}]'"
        parts.append(f"{entry.name} ({state})")
    return ", ".join(parts)


def get_reader(name: str) -> ReaderEntry:
    """The registry entry called ``name``; an unknown name lists the available readers."""
    try:
        return READERS[name]
    except KeyError:
        missing = {e.name: e.extra for e in READERS.values() if not e.available()}
        raise unknown_choice("reader", name, sorted(READERS), install=missing) from None


def select_reader(path: Path, name: str | None = None) -> ReaderEntry:
    """Choose the reader for ``path``: by ``name`` when given, else by content, then extension.

    Raises
    ------
    PathNotFoundError
        ``path`` does not exist (also a ``FileNotFoundError``).
    InvalidMetadataError
        No reader recognises the file (the message lists the available readers).
    """
    if name is not None:
        return get_reader(name)
    if not path.exists():
        raise PathNotFoundError(f"input: no such file or directory: {str(path)!r}")
    if path.is_file():
        with path.open("rb") as handle:
            head = handle.read(16)
        for entry in READERS.values():
            if any(head.startswith(magic) for magic in entry.magic):
                return entry
    if path.is_dir():
        names = [child.name.lower() for child in path.iterdir()]
        for entry in READERS.values():
            if entry.folder_suffixes and any(n.endswith(entry.folder_suffixes) for n in names):
                return entry
    lowered = path.name.lower()
    for entry in READERS.values():
        if lowered.endswith(entry.extensions):
            return entry
    raise InvalidMetadataError(
        f"expected a file one of the readers recognises ({_available_text()}), "
        "found unknown content and extension",
        path=str(path),
    )


def primary_files(paths: list[Path]) -> list[Path]:
    """``paths`` without the members of multi-file datasets that another path already covers.

    A folder of a multi-file OME-TIFF set holds its companion file and every member; each one
    would read the whole set. Kept: each companion, then each file that no kept file names.
    A ThorImageLS ``Experiment.xml`` beside a kept ``.raw`` file is that file's sidecar.
    """
    from ._ome import COMPANION_SUFFIX, dataset_members
    from ._thorlabs import SIDECAR

    raw_folders = {p.parent.resolve() for p in paths if p.name.lower().endswith(".raw")}
    paths = [
        p for p in paths if not (p.name.lower() == SIDECAR and p.parent.resolve() in raw_folders)
    ]

    ordered = sorted(paths, key=lambda p: (not p.name.lower().endswith(COMPANION_SUFFIX), p))
    covered: set[Path] = set()
    kept = []
    for path in ordered:
        if path.resolve() in covered:
            continue
        kept.append(path)
        covered.update(member.resolve() for member in dataset_members(path))
    return sorted(kept)
