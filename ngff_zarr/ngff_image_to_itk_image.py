"""``ngff_image_to_itk_image``: an :class:`NgffImage` as an ITK-Wasm (default) or ITK image.

The inverse of :func:`~ngff_zarr.itk_image_to_ngff_image`: the spatial dims become ITK's
``x, y, z`` (time, when kept, a fourth axis), the channels the pixel components, the scale
and translation the spacing and origin, and RFC-4 orientations the direction matrix (LPS).
"""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np

from .errors import InvalidDimsError, NgffValueError, NgffWarning, missing_dependency
from .ngff_image import NgffImage
from .rfc4 import anatomical_orientation_to_itk_direction

__all__ = ["ngff_image_to_itk_image"]

_ITK_DIMS: tuple[str, ...] = ("x", "y", "z", "t")


def ngff_image_to_itk_image(
    ngff_image: NgffImage,
    wasm: bool = True,
    t_index: int | None = None,
    c_index: int | None = None,
) -> Any:
    """The image as an ``itkwasm.Image`` (``wasm=True``) or an ``itk.Image``.

    Parameters
    ----------
    ngff_image
        The image (its data is computed).
    wasm
        Return an ITK-Wasm image (no ITK needed); False: an ``itk.Image`` (needs the ``itk``
        extra).
    t_index
        Keep only this time point. Without it, a time axis of more than one point becomes the
        fourth ITK axis (one point is dropped).
    c_index
        Keep only this channel. Without it, the channels become the pixel's components (a
        vector image; one channel gives a scalar image).

    Returns
    -------
    itkwasm.Image or itk.Image

    Raises
    ------
    InvalidDimsError
        A dim that is not one of t, c, z, y, x.
    NgffValueError
        An index outside its axis, or for a dim the image does not have.
    DependencyError
        ``wasm=False`` without itk (``pip install 'ngff-zarr[itk]'``).

    Examples
    --------
    >>> import numpy as np
    >>> from ngff_zarr import to_ngff_image
    >>> image = to_ngff_image(np.zeros((3, 4, 8), "uint16"), dims=["c", "y", "x"],
    ...                       scale={"y": 0.5, "x": 0.25})
    >>> itk_image = ngff_image_to_itk_image(image)
    >>> itk_image.size, itk_image.spacing, itk_image.imageType.components
    ((8, 4), [0.25, 0.5], 3)
    >>> ngff_image_to_itk_image(image, c_index=1).imageType.pixelType == "Scalar"
    True
    """
    dims = list(ngff_image.dims)
    unknown = [d for d in dims if d not in ("t", "c", "z", "y", "x")]
    if unknown:
        raise InvalidDimsError(
            f"ngff_image: ITK images have t, c, z, y, x axes only; got dims {dims}"
        )
    data = ngff_image.data
    for name, index in (("t", t_index), ("c", c_index)):
        if index is None:
            continue
        if name not in dims:
            raise NgffValueError(f"{name}_index: the image has no {name!r} dim (dims {dims})")
        size = int(data.shape[dims.index(name)])
        if not -size <= index < size:
            raise NgffValueError(f"{name}_index: expected 0..{size - 1}, got {index}")
        data = data[(slice(None),) * dims.index(name) + (index,)]
        dims.remove(name)
    if "t" in dims and int(data.shape[dims.index("t")]) == 1:
        data = data[(slice(None),) * dims.index("t") + (0,)]
        dims.remove("t")
    order = [d for d in ("t", "z", "y", "x", "c") if d in dims]
    array = np.asarray(data.transpose([dims.index(d) for d in order]).compute())
    if array.dtype == np.bool_:
        array = array.astype(np.uint8)
    spatial: list[str] = [d for d in _ITK_DIMS if d in order]  # ITK order: x, y, z, t
    vector = "c" in order and int(array.shape[-1]) > 1
    if "c" in order and not vector:
        array = array[..., 0]
    spacing = [float(ngff_image.scale.get(d, 1.0)) for d in spatial]
    origin = [float(ngff_image.translation.get(d, 0.0)) for d in spatial]
    direction = _direction(ngff_image, spatial)

    array = np.ascontiguousarray(array)
    if wasm:
        import itkwasm

        image = itkwasm.image_from_array(array, is_vector=vector)
        image.spacing, image.origin, image.direction = spacing, origin, direction
        image.name = ngff_image.name
        return image
    try:
        import itk
    except ImportError as exc:
        raise missing_dependency("ngff_image_to_itk_image(wasm=False)", "itk", "itk") from exc
    itk_image = itk.image_from_array(array, is_vector=vector)
    itk_image.SetSpacing(spacing)
    itk_image.SetOrigin(origin)
    itk_image.SetDirection(itk.matrix_from_array(np.ascontiguousarray(direction)))
    return itk_image


def _direction(ngff_image: NgffImage, spatial: list[str]) -> np.ndarray:
    """The direction matrix (LPS) from the RFC-4 orientations; identity where there is none."""
    n = len(spatial)
    matrix = np.eye(n)
    orientations = ngff_image.axes_orientations or {}
    for i, dim in enumerate(d for d in spatial if d in ("x", "y", "z")):
        orientation = orientations.get(dim)
        if orientation is None:
            continue
        column = anatomical_orientation_to_itk_direction(orientation.value)
        if column is None:  # not an LPS axis (e.g. dorsal-to-ventral): no direction for it
            continue
        matrix[:, i] = 0.0
        matrix[: min(n, 3), i] = column[: min(n, 3)]
    if abs(float(np.linalg.det(matrix))) < 0.5:
        warnings.warn(
            f"ngff_image: the orientations {dict(orientations)} give no valid direction; "
            "the identity is used",
            NgffWarning,
            stacklevel=3,
        )
        return np.eye(n)
    return matrix
