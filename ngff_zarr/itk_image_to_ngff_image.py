"""``itk_image_to_ngff_image``: an ITK or ITK-Wasm image as an :class:`NgffImage`.

ITK orders the spacing, origin and size ``x, y, z`` and its pixel buffer ``z, y, x`` (then the
pixel components); its direction matrix gives each axis's direction in LPS physical space. The
NGFF image gets the buffer as ``(c,) z, y, x``, the spacing and origin per dim, and, from the
direction, each spatial axis's RFC-4 anatomical orientation.
"""

from __future__ import annotations

import dataclasses
import warnings
from collections.abc import Mapping
from typing import Any

import dask.array as da
import numpy as np

from .errors import NgffValueError, NgffWarning, missing_dependency
from .ngff_image import NgffImage
from .rfc4 import AnatomicalOrientation, itk_direction_to_anatomical_orientation

__all__ = ["itk_image_to_ngff_image"]

# an ITK image's axes, in its order (spacing, origin, size); the buffer is reversed
_ITK_DIMS = ("x", "y", "z", "t")


def _as_dict(itk_image: Any) -> dict[str, Any]:
    """The image in ITK-Wasm's dictionary form (``imageType``, ``spacing``, ``data``, ...)."""
    if dataclasses.is_dataclass(itk_image) and hasattr(itk_image, "imageType"):
        parts = {f.name: getattr(itk_image, f.name) for f in dataclasses.fields(itk_image)}
        image_type = parts["imageType"]
        if dataclasses.is_dataclass(image_type):
            parts["imageType"] = dataclasses.asdict(image_type)  # type: ignore[arg-type]
        return parts
    if isinstance(itk_image, Mapping) and "imageType" in itk_image:
        return dict(itk_image)
    if hasattr(itk_image, "GetSpacing"):  # an itk.Image
        try:
            import itk
        except ImportError as exc:  # pragma: no cover - an itk.Image implies itk
            raise missing_dependency("itk_image_to_ngff_image", "itk", "itk") from exc
        return dict(itk.dict_from_image(itk_image))
    raise NgffValueError(
        "itk_image: expected an itk.Image, an itkwasm.Image or its dict form, got "
        f"{type(itk_image).__name__}"
    )


def itk_image_to_ngff_image(itk_image: Any, add_anatomical_orientation: bool = True) -> NgffImage:
    """An ITK image (``itk.Image``) or ITK-Wasm image (``itkwasm.Image``) as an NgffImage.

    Parameters
    ----------
    itk_image
        The image; 2-D, 3-D, or 4-D (the fourth axis is time), scalar or with several
        components per pixel (they become the ``c`` dim).
    add_anatomical_orientation
        Give each spatial axis the RFC-4 orientation of its direction (LPS: an identity
        direction is x right-to-left, y anterior-to-posterior, z inferior-to-superior). A
        direction that is not a signed permutation (an oblique image) gets the orientation of
        each column's dominant component, with an :class:`~ngff_zarr.NgffWarning`: OME-Zarr
        0.4/0.5 cannot store the rotation.

    Returns
    -------
    NgffImage
        Lazy (dask) data in ``c, z, y, x`` order, the spacing as scale and the origin as
        translation.

    Raises
    ------
    NgffValueError
        Not an image, or one of more than 4 dimensions.
    DependencyError
        An ``itk.Image`` without itk (``pip install 'ngff-zarr[itk]'``).

    Examples
    --------
    >>> import numpy as np, itkwasm
    >>> image = itkwasm.image_from_array(np.zeros((4, 8, 16), np.uint8))
    >>> image.spacing, image.origin = [0.5, 0.5, 2.0], [0.0, 0.0, 10.0]
    >>> ngff = itk_image_to_ngff_image(image)
    >>> ngff.dims, ngff.scale, ngff.translation["z"], str(ngff.axes_orientations["x"].value)
    (('z', 'y', 'x'), {'z': 2.0, 'y': 0.5, 'x': 0.5}, 10.0, 'right-to-left')
    """
    parts = _as_dict(itk_image)
    image_type = parts["imageType"]
    ndim = int(image_type["dimension"])
    if not 2 <= ndim <= 4:
        raise NgffValueError(f"itk_image: expected a 2-D to 4-D image, got {ndim}-D")
    components = int(image_type.get("components", 1))
    data = np.asarray(parts["data"])
    axes = list(reversed(_ITK_DIMS[:ndim]))  # the buffer's order: (t,) z, y, x
    if components > 1:
        lazy = da.moveaxis(da.from_array(data, chunks=data.shape), -1, 0)
        dims = ["c", *axes]
    else:
        lazy = da.from_array(data, chunks=data.shape)
        dims = axes
    spacing = [float(v) for v in parts["spacing"]]
    origin = [float(v) for v in parts["origin"]]
    scale = {d: spacing[i] for i, d in enumerate(_ITK_DIMS[:ndim])}
    translation = {d: origin[i] for i, d in enumerate(_ITK_DIMS[:ndim])}
    orientations = None
    if add_anatomical_orientation:
        orientations = _orientations(np.asarray(parts["direction"], dtype=float), ndim)
    return NgffImage(
        data=lazy,
        dims=tuple(dims),
        scale={d: scale[d] for d in dims if d in scale},
        translation={d: translation[d] for d in dims if d in translation},
        name="image",
        axes_orientations=orientations,
    )


def _orientations(direction: np.ndarray, ndim: int) -> dict[str, AnatomicalOrientation]:
    spatial = min(ndim, 3)
    matrix = np.eye(3)
    matrix[:spatial, :spatial] = direction[:spatial, :spatial]
    rounded = np.round(matrix)
    permutation = np.allclose(matrix, rounded, atol=1e-6) and np.allclose(
        np.abs(rounded).sum(axis=0), 1
    )
    if not permutation:
        warnings.warn(
            f"itk_image: the direction {matrix.tolist()} is oblique; each axis gets the "
            "orientation of its dominant direction, and the rotation is not stored "
            "(OME-Zarr 0.4 and 0.5 have no rotation)",
            NgffWarning,
            stacklevel=3,
        )
    return {
        d: itk_direction_to_anatomical_orientation(matrix[:, i].tolist())
        for i, d in enumerate(_ITK_DIMS[:spatial])
    }
