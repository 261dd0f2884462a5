"""``tiff_file_to_ngff_images``: every series of a TIFF or OME-TIFF, named, as ngff-zarr gives them.

A thin form over :func:`~ngff_zarr.read_images` (the package's one TIFF reader, lazy, with the
file's calibration): series are selected by index or by a glob pattern on their names, and each
comes with a name that is safe as a file name.
"""

from __future__ import annotations

import fnmatch
import re
from collections.abc import Sequence
from pathlib import Path

from .errors import NgffValueError
from .multiscales import Multiscales
from .ngff_image import NgffImage
from .read_image import read_images, read_multiscales

__all__ = ["tiff_file_to_ngff_images"]

_UNSAFE = re.compile(r"[^\w.\-]+")

Series = int | str | Sequence[int | str]


def tiff_file_to_ngff_images(
    tiff_path: str | Path,
    series: Series | None = None,
    reuse_existing_pyramids: bool = False,
) -> list[tuple[str, NgffImage | Multiscales]]:
    """The series of a TIFF / OME-TIFF, each as ``(name, image)``.

    Parameters
    ----------
    tiff_path
        The file.
    series
        Which series: an index, a glob pattern on the series names (``"*GFP*"``), ``"all"``,
        or a list of those; default every series.
    reuse_existing_pyramids
        A series that stores a pyramid (OME-TIFF SubIFDs) comes as a :class:`Multiscales` of
        its stored levels instead of its full-resolution :class:`NgffImage`.

    Returns
    -------
    list of (str, NgffImage or Multiscales)
        In file order; names are the series names with characters that are unsafe in file
        names replaced by ``_`` (unique: a repeated name gets ``_<index>``).

    Raises
    ------
    NgffValueError
        An index out of range or a pattern that matches no series.
    DependencyError
        tifffile is not installed (``pip install 'ngff-zarr[tiff]'``).

    Examples
    --------
    >>> import numpy as np, tifffile, tempfile, pathlib
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "two.ome.tif"
    >>> with tifffile.TiffWriter(path, ome=True) as tif:
    ...     for value in (0, 1):
    ...         tif.write(np.full((4, 4), value, "uint8"), metadata={"axes": "YX",
    ...                   "PhysicalSizeX": 0.5, "PhysicalSizeY": 0.5})
    >>> [(name, image.scale) for name, image in tiff_file_to_ngff_images(path, series="*1")]
    [('Image1', {'y': 0.5, 'x': 0.5})]
    """
    images = read_images(tiff_path, reader="tiff")
    names = _unique([_UNSAFE.sub("_", image.name).strip("_") or "image" for image in images])
    chosen = _select(series, names, tiff_path)
    out: list[tuple[str, NgffImage | Multiscales]] = []
    for index in chosen:
        item: NgffImage | Multiscales = images[index]
        if reuse_existing_pyramids:
            stored = read_multiscales(tiff_path, series=index, reader="tiff")
            if len(stored.images) > 1:
                item = stored
        out.append((names[index], item))
    return out


def _unique(names: list[str]) -> list[str]:
    repeated = {n for n in names if names.count(n) > 1}
    return [f"{n}_{i}" if n in repeated else n for i, n in enumerate(names)]


def _select(series: Series | None, names: list[str], path: str | Path) -> list[int]:
    if series is None or series == "all":
        return list(range(len(names)))
    wanted = [series] if isinstance(series, int | str) else list(series)
    chosen: list[int] = []
    for item in wanted:
        if isinstance(item, bool) or not isinstance(item, int | str):
            raise NgffValueError(f"series: expected an index or a name pattern, got {item!r}")
        if isinstance(item, int):
            if not -len(names) <= item < len(names):
                raise NgffValueError(
                    f"series: expected an index in 0..{len(names) - 1} for {path}, got {item}"
                )
            matches = [item % len(names)]
        else:
            matches = [i for i, name in enumerate(names) if fnmatch.fnmatchcase(name, item)]
            if not matches:
                raise NgffValueError(
                    f"series: pattern {item!r} matches none of the series {names} of {path}"
                )
        chosen.extend(i for i in matches if i not in chosen)
    return chosen
