"""``ngff-zarr info STORE_OR_FILE``: a readable summary of an OME-Zarr store or microscope file."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from ..errors import NgffZarrError
from ..from_ngff_zarr import from_ngff_zarr
from ..labels import read_labels
from ..read_image import read_images
from ..tables import list_tables, read_table_metadata


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
        print(f"ngff-zarr info: error: {exc}", file=sys.stderr)
        return 1
    return 0


def summary(target: str) -> str:
    """The text ``info`` prints for ``target``."""
    path = Path(target)
    if "://" in target or (path.is_dir() and not path.is_file()):
        multiscales = from_ngff_zarr(target)
        omero = multiscales.metadata.omero
        channels = [c.label or "" for c in omero.channels] if omero else None
        lines = [f"OME-Zarr store {target}", f"  name: {multiscales.metadata.name}"]
        lines += _image_lines(multiscales.images[0], channels)
        lines.append(f"  levels: {len(multiscales.images)}")
        for index, image in enumerate(multiscales.images):
            lines.append(f"    {index}: shape {image.shape}, {_scale_text(image)}")
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
    ]


def _scale_text(image: Any) -> str:
    return "scale " + ", ".join(f"{d}={image.scale[d]:g}" for d in image.dims)
