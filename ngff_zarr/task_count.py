"""``task_count``: how many dask tasks an image's data takes, partitioned by some dims."""

from __future__ import annotations

import math
from collections.abc import Iterable

from .memory_usage import _check
from .ngff_image import NgffImage

__all__ = ["task_count"]


def task_count(image: NgffImage, constrained_dims: Iterable[str] | None = None) -> int:
    """Approximate number of dask tasks of ``image.data``, regrouped by ``constrained_dims``.

    The image's own partitions, plus, when dims are constrained (each held to one chunk, the
    others taken whole, as :func:`~ngff_zarr.memory_usage` counts), one regrouping task per
    block of the unconstrained dims.

    Parameters
    ----------
    image
        The image.
    constrained_dims
        Dims held to one chunk each.

    Returns
    -------
    int
        Tasks.

    Raises
    ------
    InvalidDimsError
        A constrained dim that the image does not have.

    Examples
    --------
    >>> import dask.array as da
    >>> from ngff_zarr import to_ngff_image
    >>> image = to_ngff_image(da.zeros((100, 200, 300), dtype="uint16", chunks=(10, 20, 30)))
    >>> task_count(image), task_count(image, {"z"}), task_count(image, {"z", "y", "x"})
    (1000, 1100, 1001)
    """
    constrained = _check(image, constrained_dims)
    blocks = image.data.numblocks
    count = int(math.prod(blocks))
    if constrained:
        count += int(
            math.prod(
                n for dim, n in zip(image.dims, blocks, strict=True) if dim not in constrained
            )
        )
    return count
