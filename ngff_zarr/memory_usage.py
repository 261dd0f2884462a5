"""``memory_usage``: the bytes of one partition of an image's data, as dask would hold it."""

from __future__ import annotations

import math
from collections.abc import Iterable

from .errors import InvalidDimsError
from .ngff_image import NgffImage

__all__ = ["memory_usage"]


def memory_usage(image: NgffImage, constrained_dims: Iterable[str] | None = None) -> int:
    """Approximate bytes of one partition of ``image.data`` when ``constrained_dims`` are cut
    to their chunk length and every other dim is taken whole.

    Without ``constrained_dims`` (or with an empty set) that is the whole image.

    Parameters
    ----------
    image
        The image.
    constrained_dims
        Dims held to one chunk (``image.data.chunksize``) each.

    Returns
    -------
    int
        Bytes.

    Raises
    ------
    InvalidDimsError
        A constrained dim that the image does not have.

    Examples
    --------
    >>> import dask.array as da
    >>> from ngff_zarr import to_ngff_image
    >>> image = to_ngff_image(da.zeros((100, 200, 300), dtype="uint16", chunks=(10, 20, 30)))
    >>> memory_usage(image), memory_usage(image, {"z"}), memory_usage(image, {"y", "x"})
    (12000000, 1200000, 120000)
    """
    constrained = _check(image, constrained_dims)
    lengths = [
        chunk if dim in constrained else size
        for dim, size, chunk in zip(image.dims, image.shape, image.data.chunksize, strict=True)
    ]
    return int(math.prod(lengths)) * int(image.data.dtype.itemsize)


def _check(image: NgffImage, dims: Iterable[str] | None) -> set[str]:
    chosen = set(dims or ())
    unknown = sorted(chosen - set(image.dims))
    if unknown:
        raise InvalidDimsError(
            f"constrained_dims: expected dims of the image {list(image.dims)}, got {unknown}"
        )
    return chosen
