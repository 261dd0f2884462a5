"""OME-XML as the TIFF reader needs it: per-image calibration, and multi-file OME-TIFF sets.

A multi-file OME-TIFF set spreads one series over several ``.ome.tif`` files. Either every
member carries the full OME-XML, or each carries only a pointer,
``<BinaryOnly MetadataFile="x.companion.ome"/>``, and the full description lives in that
companion file (or in the member the pointer names, as Bio-Formats writes sets).
:func:`resolve` turns any entry point of a set (a member, the companion, or the folder) into
the TIFF file to open and the OME-XML to open it with.
"""

from __future__ import annotations

import warnings
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

from ..errors import InvalidMetadataError, NgffWarning, PathNotFoundError
from ._calibration import MICROMETER, SECOND, length_um, rgb_hex, time_s

__all__ = [
    "COMPANION_SUFFIX",
    "OME_TIFF_SUFFIXES",
    "binary_only",
    "dataset_members",
    "metadata_text",
    "ome_images",
    "resolve",
]

COMPANION_SUFFIX = ".companion.ome"
OME_TIFF_SUFFIXES = (".ome.tif", ".ome.tiff", ".ome.tf2", ".ome.tf8", ".ome.btf")


def _parse(xml: str, where: Path) -> ET.Element:
    try:
        return ET.fromstring(xml)
    except ET.ParseError as exc:
        raise InvalidMetadataError(f"not readable OME-XML: {exc}", path=str(where)) from exc


def resolve(path: Path) -> tuple[Path, str | None]:
    """The TIFF file to open for ``path`` and the OME-XML to use instead of its own, if any.

    Raises
    ------
    InvalidMetadataError
        A folder without exactly one companion file or without OME-TIFF files, or a companion
        that names no TIFF file.
    PathNotFoundError
        The companion names a TIFF file that does not exist.
    """
    if path.is_dir():
        companions = sorted(p for p in path.iterdir() if p.name.lower().endswith(COMPANION_SUFFIX))
        if len(companions) > 1:
            raise InvalidMetadataError(
                f"expected one {COMPANION_SUFFIX} file in the folder, found "
                f"{[p.name for p in companions]}; pass the one to read",
                path=str(path),
            )
        if companions:
            return resolve(companions[0])
        members = sorted(p for p in path.iterdir() if p.name.lower().endswith(OME_TIFF_SUFFIXES))
        if not members:
            raise InvalidMetadataError(
                f"expected an OME-TIFF set in the folder (a {COMPANION_SUFFIX} file or "
                f"{'/'.join(OME_TIFF_SUFFIXES)} files), found none",
                path=str(path),
            )
        return members[0], None
    if not path.name.lower().endswith(COMPANION_SUFFIX):
        return path, None
    xml = metadata_text(path) or ""
    first = _first_file(_parse(xml, path))
    if first is None:
        raise InvalidMetadataError(
            "expected the companion file to name its TIFF files (TiffData/UUID FileName), "
            "found none",
            path=str(path),
        )
    member = path.parent / first
    if not member.is_file():
        raise PathNotFoundError(
            f"{path}: the companion file names the TIFF file {first!r}, which does not exist"
        )
    return member, xml


def binary_only(xml: str | None, path: Path) -> tuple[Path, str | None] | None:
    """Where to read ``path`` from when its own XML is only a ``BinaryOnly`` pointer.

    Returns None when the file's XML is complete; else the TIFF file to open and the OME-XML
    to open it with: ``path`` with the companion file's XML, or the member that holds the full
    description (Bio-Formats' sets) with its own XML (None). A metadata file that does not exist
    or holds no description is an :class:`~ngff_zarr.NgffWarning` (the file's own planes are
    read) and gives None.
    """
    name = _pointer(xml, path)
    if name is None:
        return None
    companion = path.parent / name
    full = metadata_text(companion) if companion.is_file() else None
    if full is None or "BinaryOnly" in full:
        state = "does not exist" if not companion.is_file() else "holds none"
        warnings.warn(
            f"{path.name}: its OME-XML says the full description is in {name!r}, which "
            f"{state}; reading only the planes of this file",
            NgffWarning,
            stacklevel=5,
        )
        return None
    if name.lower().endswith(COMPANION_SUFFIX) or not _is_tiff(companion):
        return path, full
    return companion, None


def _pointer(xml: str | None, path: Path) -> str | None:
    """The ``MetadataFile`` a ``BinaryOnly`` OME-XML points at."""
    if not xml or "BinaryOnly" not in xml:
        return None
    pointer = next((e for e in _parse(xml, path).iter() if e.tag.endswith("}BinaryOnly")), None)
    name = pointer.get("MetadataFile") if pointer is not None else None
    return name or None


def _is_tiff(path: Path) -> bool:
    with path.open("rb") as handle:
        return handle.read(4).startswith(_TIFF_MAGIC)


_TIFF_MAGIC = (b"II*\x00", b"MM\x00*", b"II+\x00", b"MM\x00+")


def metadata_text(path: Path) -> str | None:
    """The OME-XML that ``path`` holds: a companion file's text, or an OME-TIFF's description.

    A ``BinaryOnly`` pointer may name either (Bio-Formats points the members of a set at the
    member holding the full description). None when a TIFF file has no OME-XML.

    Raises
    ------
    InvalidMetadataError
        The file is neither UTF-8 text nor a readable TIFF file.
    """
    if _is_tiff(path):
        import tifffile

        try:
            with tifffile.TiffFile(path) as tif:
                return tif.ome_metadata if tif.is_ome else None
        except (OSError, ValueError, tifffile.TiffFileError) as exc:
            raise InvalidMetadataError(f"not a readable TIFF file: {exc}", path=str(path)) from exc
    try:
        return path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise InvalidMetadataError(
            f"expected OME-XML text (UTF-8) or an OME-TIFF file, found undecodable bytes: {exc}",
            path=str(path),
        ) from exc


def dataset_members(path: Path) -> list[Path]:
    """The TIFF files an OME companion file or an OME-TIFF's XML names (besides itself).

    Anything unreadable names nothing: the file is then simply read on its own.
    """
    lowered = path.name.lower()
    if not lowered.endswith((COMPANION_SUFFIX, *OME_TIFF_SUFFIXES)):
        return []
    try:
        xml = metadata_text(path)
        root = ET.fromstring(xml or "<none/>")
        pointer = _pointer(xml, path)
    except (OSError, ValueError, ET.ParseError):
        return []
    if pointer is not None and pointer != path.name and (path.parent / pointer).is_file():
        # a member that points at the file describing the set: that file and the files it names
        try:
            described = ET.fromstring(metadata_text(path.parent / pointer) or "<none/>")
        except (OSError, ValueError, ET.ParseError):
            return [path.parent / pointer]
        names = {pointer, *_file_names(described)}
    else:
        names = _file_names(root)
    return [path.parent / n for n in sorted(names) if n != path.name]


def _file_names(root: ET.Element) -> set[str]:
    return {
        str(e.get("FileName")) for e in root.iter() if e.tag.endswith("}UUID") and e.get("FileName")
    }


def _first_file(root: ET.Element) -> str | None:
    for element in root.iter():
        if element.tag.endswith("}UUID") and element.get("FileName"):
            return str(element.get("FileName"))
    return None


def ome_images(xml: str | None) -> list[dict[str, Any]]:
    """Calibration of each OME ``Image`` (the order of tifffile's series)."""
    if not xml:
        return []
    root = ET.fromstring(xml)
    out = []
    for image in root.findall("{*}Image"):
        pixels = image.find("{*}Pixels")
        if pixels is None:
            continue
        scale: dict[str, float] = {}
        for dim in "xyz":
            raw = pixels.get(f"PhysicalSize{dim.upper()}")
            value = (
                length_um(float(raw), pixels.get(f"PhysicalSize{dim.upper()}Unit")) if raw else None
            )
            if value is not None:
                scale[dim] = value
        units = dict.fromkeys(scale, MICROMETER)
        raw_t = pixels.get("TimeIncrement")
        step = time_s(float(raw_t), pixels.get("TimeIncrementUnit")) if raw_t else None
        if step is not None:
            scale["t"], units["t"] = step, SECOND
        entry: dict[str, Any] = {"scale": scale, "units": units, "name": image.get("Name")}
        channels = pixels.findall("{*}Channel")
        names = [c.get("Name") for c in channels]
        if channels and all(names):
            entry["channel_names"] = tuple(str(n) for n in names)
        colors = [c.get("Color") for c in channels]
        if channels and all(c is not None for c in colors):
            entry["channel_colors"] = tuple(_ome_color(int(str(c))) for c in colors)
        entry["translation"] = _ome_position(pixels)
        entry["metadata"] = {"ome_image": image.get("ID"), "annotations": _map_annotations(root)}
        out.append(entry)
    return out


def _ome_color(value: int) -> str:
    rgba = value & 0xFFFFFFFF
    return rgb_hex(rgba >> 24, rgba >> 16, rgba >> 8)


def _ome_position(pixels: ET.Element) -> dict[str, float]:
    plane = pixels.find("{*}Plane")
    if plane is None:
        return {}
    out = {}
    for dim in "xyz":
        raw = plane.get(f"Position{dim.upper()}")
        if raw is None:
            continue
        unit = plane.get(f"Position{dim.upper()}Unit") or "reference frame"
        factor = length_um(1.0, unit) if unit != "reference frame" else 1.0
        if factor is not None:
            out[dim] = float(raw) * factor
    return out


def _map_annotations(root: ET.Element) -> dict[str, str]:
    out: dict[str, str] = {}
    for annotation in root.iter():
        if annotation.tag.endswith("}MapAnnotation"):
            for item in annotation.iter():
                if item.tag.endswith("}M") and item.get("K") is not None:
                    out[str(item.get("K"))] = item.text or ""
    return out
