"""The plugin's readers: OME-Zarr images (with their labels), plates, and microscope files.

``get_reader`` and ``get_plate_fields_reader`` are the npe2 reader commands: napari calls one
with a path and, when it returns a function, calls that to get the layers. Both stay quiet
(return None) for what they cannot read, so napari can ask another plugin.
"""

from __future__ import annotations

import logging
import math
import os
from collections.abc import Callable, Sequence
from dataclasses import replace
from functools import partial
from pathlib import Path
from typing import Literal

from ..errors import (
    InvalidMetadataError,
    MetadataNotFoundError,
    NgffValueError,
    NgffZarrError,
    unknown_choice,
)
from ..formats import select_reader
from ..from_ngff_zarr import from_ngff_zarr
from ..hcs import HCSPlate, from_hcs_zarr
from ..labels import read_labels
from ..multiscales import Multiscales
from ..ngff_image import NgffImage
from ..read_image import read_images, read_multiscales
from ..rfc9_zip import is_ozx_path
from ._layers import LayerData, image_layers, label_layers

__all__ = ["get_plate_fields_reader", "get_reader", "read_layers"]

logger = logging.getLogger(__name__)

PathOrPaths = str | os.PathLike[str] | Sequence[str | os.PathLike[str]]
ReaderFunction = Callable[[PathOrPaths], list[LayerData]]
PlateMode = Literal["mosaic", "fields"]

_URL_SCHEMES = ("http://", "https://", "s3://", "gs://", "file://")
_ZARR_MARKERS = ("zarr.json", ".zattrs", ".zgroup")


def get_reader(path: PathOrPaths) -> ReaderFunction | None:
    """The npe2 reader command: a function reading ``path``, or None when this plugin cannot.

    OME-Zarr stores (folders, ``.ozx`` files, URLs) and the microscope files
    :func:`~ngff_zarr.read_image` reads (TIFF, CZI, ND2, LIF, PNG, JPEG); a plate is read
    as one mosaic (see :func:`get_plate_fields_reader` for one layer per field).

    Examples
    --------
    >>> get_reader("notes.txt") is None
    True
    """
    one = _single(path)
    if one is None or _kind(one) is None:
        return None
    return partial(_read, plate="mosaic")


def get_plate_fields_reader(path: PathOrPaths) -> ReaderFunction | None:
    """The npe2 reader command for plates read as one layer per field (None for the rest)."""
    one = _single(path)
    if one is None or _kind(one) != "zarr" or _open_plate(one) is None:
        return None
    return partial(_read, plate="fields")


def _read(path: PathOrPaths, *, plate: PlateMode) -> list[LayerData]:
    one = _single(path)
    if one is None:
        raise NgffValueError(f"path: expected one path, got {path!r}")
    return read_layers(one, plate=plate)


def read_layers(path: str | os.PathLike[str], *, plate: PlateMode = "mosaic") -> list[LayerData]:
    """napari layer data of what ``path`` holds: an OME-Zarr image, plate or microscope file.

    Parameters
    ----------
    path
        An OME-Zarr store (folder, ``.ozx`` or URL) or a file :func:`~ngff_zarr.read_image`
        reads.
    plate
        For a plate: ``"mosaic"`` (the whole plate as one multiscale image per channel) or
        ``"fields"`` (one layer per field and channel, each placed on the plate's grid).

    Returns
    -------
    list of LayerData
        An image: one ``image`` layer per channel, then one ``labels`` layer per label
        image; a file: the layers of each series in turn.

    Raises
    ------
    NgffValueError
        ``plate`` is not one of the choices.
    NgffZarrError
        What the underlying reader raises for a store or file it cannot read.

    Examples
    --------
    >>> import numpy as np, tempfile, pathlib
    >>> import ngff_zarr as nz
    >>> store = pathlib.Path(tempfile.mkdtemp()) / "cells.ome.zarr"
    >>> image = nz.to_ngff_image(np.zeros((2, 64, 64), "uint16"), dims=("c", "y", "x"),
    ...     channel_names=["DAPI", "GFP"], name="cells")
    >>> nz.to_ngff_zarr(store, nz.to_multiscales(image, scale_factors=[2]))
    >>> nz.write_labels(store, "nuclei", np.zeros((64, 64), "uint8"))
    >>> [(kw["name"], kind) for data, kw, kind in read_layers(store)]
    [('cells DAPI', 'image'), ('cells GFP', 'image'), ('nuclei', 'labels')]
    """
    if plate not in ("mosaic", "fields"):
        raise unknown_choice("plate", plate, ["mosaic", "fields"])
    kind = _kind(path)
    if kind == "file":
        return _file_layers(Path(path))
    opened = _open_plate(path)
    if opened is not None:
        return _plate_mosaic(opened) if plate == "mosaic" else _plate_fields(opened)
    multiscales = from_ngff_zarr(path)
    return [*image_layers(multiscales), *label_layers(read_labels(path))]


def _single(path: PathOrPaths) -> str | os.PathLike[str] | None:
    if isinstance(path, str | os.PathLike):
        return path
    paths = list(path)
    return paths[0] if len(paths) == 1 else None


def _kind(path: str | os.PathLike[str]) -> Literal["zarr", "file"] | None:
    """ "zarr" for an OME-Zarr store, "file" for a microscope file, None for anything else."""
    text = os.fspath(path)
    if text.startswith(_URL_SCHEMES):
        return "zarr" if text.rstrip("/").endswith((".zarr", ".ozx")) else None
    local = Path(text)
    if is_ozx_path(local) and local.is_file():
        return "zarr"
    if local.is_dir() and any((local / marker).exists() for marker in _ZARR_MARKERS):
        return "zarr"
    try:
        entry = select_reader(local, None)
    except NgffZarrError:
        return None
    return "file" if entry.available() else None


def _open_plate(path: str | os.PathLike[str]) -> HCSPlate | None:
    try:
        return from_hcs_zarr(path)
    except MetadataNotFoundError:
        return None


def _file_layers(path: Path) -> list[LayerData]:
    count = len(read_images(path))
    layers: list[LayerData] = []
    for series in range(count):
        multiscales = read_multiscales(path, series=series)
        name = multiscales.images[0].name
        prefix = name if count == 1 else f"{name} [{series}]"
        layers.extend(image_layers(multiscales, name=prefix))
    return layers


def _plate_mosaic(plate: HCSPlate) -> list[LayerData]:
    first = _first_field(plate)
    levels: list[NgffImage] = []
    for index, field in enumerate(first.images):
        try:
            data = plate.mosaic(level=index)
        except NgffValueError as exc:  # a field with fewer levels: the mosaic stops there
            logger.info("plate mosaic: %d levels (%s)", index, exc)
            break
        levels.append(replace(field, data=data, name=plate.name or "plate"))
    mosaic = Multiscales(images=levels, metadata=first.metadata)
    return image_layers(mosaic)


def _plate_fields(plate: HCSPlate) -> list[LayerData]:
    """Every field's layers, each field placed where the mosaic puts it (physical units)."""
    wells = [(w, list(w)) for w in plate.load_wells()]
    fields = [f for _, fs in wells for f in fs]
    if not fields:
        raise MetadataNotFoundError("plate: no fields in any well")
    dims = fields[0].images[0].dims
    tile = {d: max(_extent(f.images[0], d) for f in fields) for d in ("y", "x")}
    most = max(len(fs) for _, fs in wells)
    grid_x = math.ceil(math.sqrt(most))
    grid_y = math.ceil(most / grid_x)
    layers: list[LayerData] = []
    for well, well_fields in wells:
        labels = [well.get_labels(i) for i in range(len(well_fields))]
        for index, field in enumerate(well_fields):
            offset = {
                "y": (well.row_index * grid_y + index // grid_x) * tile["y"],
                "x": (well.column_index * grid_x + index % grid_x) * tile["x"],
            }
            if field.images[0].dims != dims:
                raise InvalidMetadataError(
                    f"expected the dims of the first field {dims}, found {field.images[0].dims}",
                    path=f"{well.path}/{index}",
                    field="axes",
                )
            name = f"{well.path}/{index}"
            layers.extend(image_layers(field, name=name, offset=offset))
            layers.extend(label_layers(labels[index], prefix=name, offset=offset))
    return layers


def _first_field(plate: HCSPlate) -> Multiscales:
    for well in plate.load_wells():
        field = well.get_image(0)
        if field is not None:
            return field
    raise MetadataNotFoundError("plate: no fields in any well")


def _extent(image: NgffImage, dim: str) -> float:
    return image.sizes.get(dim, 1) * image.scale.get(dim, 1.0)
