"""What ``ngff-zarr -i INPUT...`` reads: stores, microscope files, medical images, globs.

Each input form becomes a list of named images (``(name, NgffImage)``): an OME-Zarr store (a
directory, an ``.ozx`` or a URL) gives its level ``output_scale``; a microscope file (TIFF,
OME-TIFF, CZI, ND2, LIF, PNG/JPEG) gives its series; a medical image (NRRD, NIfTI, MetaImage,
VTK, ...) is read with ITK and keeps its orientation; several 2-D files (``"series/*.tif"``)
become one volume along z.
"""

from __future__ import annotations

import glob
import os
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, Final

from ..errors import NgffValueError, PathNotFoundError, missing_dependency
from ..formats.series import file_names, select_series
from ..ngff_image import NgffImage

__all__ = ["BACKENDS", "ITK_SUFFIXES", "read_inputs", "read_with_itk"]

# ngff-zarr's --input-backend names
BACKENDS: Final[tuple[str, ...]] = (
    "ngff_zarr", "zarr", "nibabel", "itkwasm_image_io", "itk", "liffile", "tifffile", "imageio",
)  # fmt: skip
_READER_OF_BACKEND: Final[dict[str, str]] = {
    "liffile": "lif",
    "tifffile": "tiff",
    "imageio": "imageio",
}
# read with ITK (medical and generic image formats ITK's IO modules know)
ITK_SUFFIXES: Final[tuple[str, ...]] = (
    ".nrrd", ".nhdr", ".nii", ".nii.gz", ".mha", ".mhd", ".vtk", ".dcm", ".hdr", ".img",
    ".mnc", ".mgh", ".mgz", ".gipl", ".nia",
)  # fmt: skip


def _expand(inputs: Sequence[str]) -> list[str]:
    out: list[str] = []
    for item in inputs:
        if "://" not in item and any(c in item for c in "*?["):
            matches = sorted(glob.glob(item))
            if not matches:
                raise PathNotFoundError(f"input: the pattern {item!r} matches no file")
            out.extend(matches)
        else:
            out.append(item)
    return out


def _is_store(path: str) -> bool:
    if "://" in path:
        return True
    p = Path(path)
    if p.is_dir():
        return any((p / n).is_file() for n in ("zarr.json", ".zattrs", ".zgroup"))
    return p.is_file() and p.name.endswith((".ozx", ".zip"))


def _from_store(
    path: str, output_scale: int, storage_options: Mapping[str, Any] | None
) -> NgffImage:
    from ..from_ngff_zarr import from_ngff_zarr

    options = dict(storage_options or {})
    if path.startswith("s3://") and not options:
        options = {"anon": True}  # public datasets: anonymous access by default
    multiscales = from_ngff_zarr(path, storage_options=options or None)
    if not 0 <= output_scale < len(multiscales.images):
        raise NgffValueError(
            f"--output-scale: expected 0..{len(multiscales.images) - 1}, got {output_scale}"
        )
    return multiscales.images[output_scale]


def read_with_itk(path: str) -> NgffImage:
    """A medical image (NRRD, NIfTI, ...) read with ITK, with its orientation."""
    try:
        import itk
    except ImportError as exc:
        raise missing_dependency(f"reading {Path(path).name}", "itk", "itk") from exc
    from ..itk_image_to_ngff_image import itk_image_to_ngff_image

    return itk_image_to_ngff_image(itk.imread(path))


def _backend(path: str, backend: str | None) -> str:
    if backend is not None:
        if backend not in BACKENDS:
            raise NgffValueError(f"--input-backend: expected one of {list(BACKENDS)}")
        return backend
    if _is_store(path):
        return "ngff_zarr"
    if path.lower().endswith(ITK_SUFFIXES):
        return "itk"
    return "files"


def read_inputs(
    inputs: Sequence[str],
    *,
    backend: str | None = None,
    series: str | None = None,
    output_scale: int = 0,
    storage_options: Mapping[str, Any] | None = None,
) -> list[tuple[str, NgffImage]]:
    """The images the inputs hold, each with a name (for one output store per series).

    Raises
    ------
    NgffValueError
        The input is an HCS plate root (the message gives the paths of its fields).
    PathNotFoundError
        An input that does not exist, or a pattern that matches nothing.
    DependencyError
        The reader's optional package is missing (the message names the extra).
    """
    paths = _expand(inputs)
    for path in paths:
        if "://" not in path and not os.path.exists(path):
            raise PathNotFoundError(f"input: no such file or directory: {path}")
    kind = _backend(paths[0], backend)
    if kind in ("ngff_zarr", "zarr"):
        if len(paths) != 1:
            raise NgffValueError("input: give one OME-Zarr store at a time")
        image = _from_store(paths[0], output_scale, storage_options)
        return [(image.name, image)]
    if kind in ("itk", "itkwasm_image_io", "nibabel"):
        images = [read_with_itk(p) for p in paths]
        return [
            (Path(paths[0]).name.split(".")[0], _stack(images) if len(images) > 1 else images[0])
        ]
    from ..read_image import read_images

    reader = _READER_OF_BACKEND.get(kind)
    if len(paths) > 1:  # a series of files: one volume along z
        images = [read_images(p, reader=reader)[0] for p in paths]
        return [(Path(paths[0]).stem, _stack(images))]
    found = read_images(paths[0], reader=reader)
    names = file_names([image.name for image in found])
    chosen = select_series(_series(series), names, paths[0])
    return [(names[i], found[i]) for i in chosen]


def _series(series: str | None) -> int | str | None:
    if series is None or series == "all":
        return None
    return int(series) if series.lstrip("-").isdigit() else series


def _stack(images: list[NgffImage]) -> NgffImage:
    from ..concatenate import concatenate

    return concatenate(images, axis="z")
