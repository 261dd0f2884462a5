"""``ngff-zarr info STORE_OR_FILE``: a readable summary of an OME-Zarr store or microscope file.

For an image store: its OME-Zarr version, axes, physical sizes, channels, and per level the
shape, chunks, shards and codec, then its labels and tables; at 0.6 also its coordinate systems
(name, axes, units) and transformations (type, input -> output). For a scene: its coordinate
systems, its images and the transformations that place them. For a plate: rows, columns, wells,
fields per well and acquisitions, and the first field as an image.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from ..errors import NgffZarrError
from ..from_ngff_zarr import from_ngff_zarr
from ..hcs import from_hcs_zarr
from ..labels import read_labels
from ..read_image import read_images
from ..scene import from_ngff_scene
from ..tables import list_tables, read_table_metadata
from ..v06.common import upgrade


def add_parser(subparsers: Any) -> None:
    """Register the ``info`` sub-command."""
    parser = subparsers.add_parser(
        "info",
        help="summarise an OME-Zarr store or a microscope file",
        description="Print axes, sizes, levels, channels, physical sizes, labels and tables.",
    )
    parser.add_argument("target", metavar="STORE_OR_FILE")


def run(args: argparse.Namespace) -> int:
    """Run ``info``; errors are printed as one line and give exit code 1."""
    try:
        print(summary(args.target), end="")
    except (NgffZarrError, OSError, ValueError) as exc:
        print(f"ngff-zarr info: error: {' '.join(str(exc).split())}", file=sys.stderr)
        return 1
    return 0


def summary(target: str) -> str:
    """The text ``info`` prints for ``target``."""
    path = Path(target)
    if "://" in target or (path.is_dir() and not path.is_file()):
        group = _group(target)
        attributes = dict(group.attrs)
        ome = attributes.get("ome", attributes)
        if isinstance(ome, dict) and "plate" in ome:
            return _plate(target)
        if isinstance(ome, dict) and "scene" in ome:
            return _scene(target, ome)
        lines = [f"OME-Zarr store {target}", *_image_store(target, group)]
        lines += _labels_and_tables(target)
        return "\n".join(lines) + "\n"
    import warnings

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        images = read_images(path)
    first = images[0].provenance or {}
    lines = [f"{first.get('reader', '?')} file {target}: {len(images)} image(s)"]
    for index, image in enumerate(images):
        provenance = image.provenance or {}
        lines.append(f"  [{index}] {image.name} (native axes {provenance.get('axes_native')})")
        lines += ["  " + line for line in _image_lines(image, image.channel_names)]
    lines += [f"  note: {w.message}" for w in caught]
    return "\n".join(lines) + "\n"


def _group(target: str) -> Any:
    import zarr

    from .._io.store import as_store

    return zarr.open_group(as_store(target), mode="r", use_consolidated=False)


def _image_store(target: str, group: Any, indent: str = "  ") -> list[str]:
    """The lines of one multiscale image: version, axes, channels, and per level the arrays."""
    multiscales = from_ngff_zarr(target)
    metadata = multiscales.metadata
    omero = metadata.omero
    channels = [c.label or "" for c in omero.channels] if omero else None
    lines = [f"  OME-Zarr version: {metadata.version}", f"  name: {metadata.name}"]
    lines += _image_lines(multiscales.images[0], channels)
    lines.append(f"  levels: {len(multiscales.images)}")
    for index, (image, dataset) in enumerate(
        zip(multiscales.images, metadata.datasets, strict=True)
    ):
        lines.append(f"    {index} ({dataset.path}): shape {image.shape}, {_scale_text(image)}")
        lines.append(f"       {_array_text(group[dataset.path])}")
    if str(metadata.version).startswith("0.6"):
        lines += _systems_and_transformations(upgrade(metadata))
    return [indent[2:] + line for line in lines]


def _systems_and_transformations(metadata: Any) -> list[str]:
    """0.6: every coordinate system (name, axes, units) and transformation (input -> output)."""
    lines = ["  coordinate systems:"]
    lines += [f"    {_system_text(system)}" for system in metadata.coordinate_systems]
    lines.append("  transformations:")
    lines += [f"    {_transformation_text(t)}" for t in metadata.all_transformations()]
    return lines


def _system_text(system: Any) -> str:
    """``physical: z (space, micrometer), y (space, micrometer), x (space, micrometer)``."""
    axes = []
    for axis in system.axes:
        details = [d for d in (axis.type, axis.unit) if d]
        axes.append(f"{axis.name} ({', '.join(details)})" if details else axis.name)
    return f"{system.name}: {', '.join(axes)}"


def _transformation_text(t: Any) -> str:
    """``affine 'to-world': physical -> world`` (an image's system as ``path:name``)."""
    named = f" {t.name!r}" if t.name else ""
    return f"{t.type}{named}: {_ref_text(t.input)} -> {_ref_text(t.output)}"


def _ref_text(ref: Any) -> str:
    if ref is None:
        return "?"
    if ref.path is not None and ref.name is not None:
        return f"{ref.path}:{ref.name}"
    return str(ref.path if ref.path is not None else ref.name)


def _scene(target: str, ome: dict[str, Any]) -> str:
    """A scene's coordinate systems, its images (shape, dims, systems) and their placements."""
    scene = from_ngff_scene(target)
    lines = [f"OME-Zarr scene {target}", f"  OME-Zarr version: {ome.get('version', '?')}"]
    lines.append("  coordinate systems:")
    lines += [f"    {_system_text(system)}" for system in scene.coordinateSystems or []]
    lines.append(f"  images: {len(scene.images)}")
    for path, ms in scene.images.items():
        first = ms.images[0]
        systems = ", ".join(c.name for c in upgrade(ms.metadata).coordinate_systems)
        lines.append(
            f"    {path}: shape {first.shape}, dims {', '.join(first.dims)}, "
            f"{len(ms.images)} levels, systems {systems}"
        )
    lines.append("  placements:")
    lines += [f"    {_transformation_text(t)}" for t in scene.coordinateTransformations]
    return "\n".join(lines) + "\n"


def _array_text(array: Any) -> str:
    """Chunks, shards and codec of a zarr array: ``chunks (1, 64, 64), shards -, codec zstd 5``."""
    shards = getattr(array, "shards", None)
    codecs = [_codec_name(c) for c in (array.compressors or ())]
    return (
        f"chunks {tuple(array.chunks)}, shards {tuple(shards) if shards else '-'}, "
        f"codec {', '.join(codecs) if codecs else 'none'}"
    )


def _codec_name(codec: Any) -> str:
    name = getattr(codec, "codec_id", None) or type(codec).__name__.removesuffix("Codec").lower()
    inner = getattr(codec, "cname", None)  # blosc's compressor
    if inner is not None:
        name = f"{name}:{getattr(inner, 'value', inner)}"
    level = getattr(codec, "level", None)
    level = getattr(codec, "clevel", None) if level is None else level
    return f"{name} {level}" if level is not None else str(name)


def _plate(target: str) -> str:
    """Rows, columns, wells, fields and acquisitions of a plate, and its first field."""
    plate = from_hcs_zarr(target)
    wells = plate.load_wells()
    fields = sorted({len(well.images) for well in wells})
    acquisitions = plate.acquisitions or []
    lines = [
        f"OME-Zarr plate {target}",
        f"  OME-Zarr version: {plate.version}",
        f"  name: {plate.name}",
        f"  rows: {len(plate.rows)} ({', '.join(r.name for r in plate.rows)})",
        f"  columns: {len(plate.columns)} ({', '.join(c.name for c in plate.columns)})",
        f"  wells: {len(plate.wells)}",
        "  fields per well: "
        + (
            f"{fields[0]}"
            if len(fields) == 1
            else f"{fields[0]} to {fields[-1]}"
            if fields
            else "-"
        ),
        f"  acquisitions: {len(acquisitions)}"
        + (f" ({', '.join(str(a.name or a.id) for a in acquisitions)})" if acquisitions else ""),
    ]
    first = next((well for well in wells if well.images), None)
    if first is not None:
        key = f"{first.path}/{first.images[0].path}"
        lines.append(f"  first field ({key}):")
        where = f"{target.rstrip('/')}/{key}"
        lines += _image_store(where, _group(where), indent="    ")
    return "\n".join(lines) + "\n"


def _labels_and_tables(target: str) -> list[str]:
    labels = read_labels(target)
    lines = [f"  labels: {', '.join(labels) if labels else '-'}"]
    for name, label in labels.items():
        first = label.images[0]
        lines.append(
            f"    {name}: {len(label.images)} levels, shape {first.shape}, dtype {first.dtype}, "
            f"{len(label.colors)} colours"
        )
    tables = list_tables(target)
    lines.append(f"  tables: {', '.join(tables) if tables else '-'}")
    for name in tables:
        meta = read_table_metadata(target, name)
        region = f", region {meta.region}" if meta.region else ""
        lines.append(f"    {name}: {meta.type or 'generic_table'} ({meta.backend}){region}")
    return lines


def _image_lines(image: Any, channels: list[str] | None) -> list[str]:
    units = image.axes_units or {}
    return [
        f"  dims: {', '.join(image.dims)}",
        f"  shape: {image.shape}, dtype {image.dtype}",
        "  physical: "
        + ", ".join(f"{d}={image.scale[d]:g} {units.get(d, '')}".rstrip() for d in image.dims),
        f"  channels: {', '.join(channels) if channels else '-'}",
    ] + (
        ["  origin: " + ", ".join(f"{d}={v:g}" for d, v in image.translation.items() if v)]
        if any(image.translation.values())
        else []
    )


def _scale_text(image: Any) -> str:
    return "scale " + ", ".join(f"{d}={image.scale[d]:g}" for d in image.dims)
