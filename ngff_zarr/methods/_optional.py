"""Block functions backed by the optional packages itk (``[itk]``) and dask-image.

ITK_BIN_SHRINK is ITK's BinShrinkImageFilter (the box mean). Both Gaussians use
itkwasm-downsample's sigma for a shrink factor (the same smoothing as ``ITKWASM_GAUSSIAN``),
kernels truncated at 4 sigma, and sample the smoothed block at each output pixel's centre (index
``j * f + (f - 1) / 2``: for an even factor the mean of the two pixels around it, which is the
linear interpolation there), so every level lines up with the translation the metadata states.
Integer results are rounded, not truncated.
"""

from __future__ import annotations

import math
from functools import lru_cache
from typing import Any

import numpy as np

from ..errors import missing_dependency
from ._numpy import cast_to

# kernels are truncated at this many sigmas; the halo covers the truncated kernel exactly
_TRUNCATE = 4.0


@lru_cache(maxsize=64)
def _sigma(factor: int) -> float:
    if factor == 1:
        return 0.0
    import itkwasm_downsample as ds

    return float(ds.downsample_sigma([factor])[0])


def _radius(factor: int) -> int:
    return 0 if factor == 1 else math.ceil(_TRUNCATE * _sigma(factor))


def gaussian_halo(factors: tuple[int, ...], spatial: tuple[bool, ...]) -> tuple[int, ...]:
    """The halo the Gaussians need: the kernel radius, whole output pixels (a multiple of f)."""
    return tuple(math.ceil(_radius(f) / f) * f if f > 1 else 0 for f in factors)


def _centres(smooth: np.ndarray, factors: tuple[int, ...], halo: tuple[int, ...]) -> np.ndarray:
    """``smooth`` (the block with its halo) sampled at each output pixel's centre."""
    out = smooth
    for axis, (f, h) in enumerate(zip(factors, halo, strict=True)):
        if f == 1:
            continue
        n = (out.shape[axis] - 2 * h) // f
        first = h + (f - 1) // 2
        key: list[Any] = [slice(None)] * out.ndim
        key[axis] = slice(first, first + f * (n - 1) + 1, f)
        picked = out[tuple(key)]
        if f % 2 == 0:  # the centre lies between two pixels: their mean
            key[axis] = slice(first + 1, first + f * (n - 1) + 2, f)
            picked = (picked + out[tuple(key)]) / 2.0
        out = picked
    return out


def _work_dtype(dtype: np.dtype) -> type[np.floating[Any]]:
    small = (dtype.kind in "uib" and dtype.itemsize <= 2) or dtype == np.float32
    return np.float32 if small else np.float64


def itk_gaussian(
    block: np.ndarray, factors: tuple[int, ...], *, spatial: tuple[bool, ...]
) -> np.ndarray:
    """ITK's DiscreteGaussianImageFilter, then the value at each output pixel's centre."""
    try:
        import itk
    except ImportError as exc:
        raise missing_dependency("method ITK_GAUSSIAN", "itk", "itk") from exc
    halo = gaussian_halo(factors, spatial)
    if all(f == 1 for f in factors):
        return np.array(block, copy=True)
    work = np.ascontiguousarray(block, dtype=_work_dtype(block.dtype))
    down = [i for i, f in enumerate(factors) if f > 1]
    if len(down) == 1:  # ITK Python wraps 2-D and 3-D images: add an axis left as it is
        down.append(next(i for i in reversed(range(block.ndim)) if i not in down))
        down.sort()
    # smooth the downsampled axes, one 2-D or 3-D stack at a time over the other axes
    smooth = _over_stacks(work, down, lambda stack, axes: _itk_smooth(itk, stack, axes, factors))
    return cast_to(_centres(smooth, factors, halo), block.dtype)


def _itk_smooth(itk: Any, stack: np.ndarray, axes: list[int], factors: tuple[int, ...]) -> Any:
    variance = [_sigma(factors[a]) ** 2 for a in axes][::-1]  # ITK orders dims x, y, z
    width = [2 * _radius(factors[a]) + 1 for a in axes]  # a factor of 1: width 1, unchanged
    image = itk.image_view_from_array(stack)
    smoothed = itk.discrete_gaussian_image_filter(
        image,
        variance=variance,
        maximum_kernel_width=max(width),
        maximum_error=0.001,
        use_image_spacing=False,
    )
    return itk.array_from_image(smoothed)


def _over_stacks(array: np.ndarray, axes: list[int], smooth: Any) -> np.ndarray:
    """Apply ``smooth(stack, axes)`` to every sub-array spanning ``axes`` (at most 3)."""
    others = [i for i in range(array.ndim) if i not in axes]
    out = np.empty_like(array)
    moved = np.moveaxis(array, axes, list(range(array.ndim - len(axes), array.ndim)))
    target = np.moveaxis(out, axes, list(range(array.ndim - len(axes), array.ndim)))
    for index in np.ndindex(*(array.shape[i] for i in others)):
        target[index] = smooth(np.ascontiguousarray(moved[index]), axes)
    return out


def dask_image_gaussian(
    block: np.ndarray, factors: tuple[int, ...], *, spatial: tuple[bool, ...]
) -> np.ndarray:
    """dask-image's gaussian_filter, then the value at each output pixel's centre."""
    try:
        import dask.array as da
        from dask_image import ndfilters
    except ImportError as exc:
        raise missing_dependency("method DASK_IMAGE_GAUSSIAN", "dask-image", "dask-image") from exc
    halo = gaussian_halo(factors, spatial)
    if all(f == 1 for f in factors):
        return np.array(block, copy=True)
    sigma = [_sigma(f) for f in factors]
    work = da.from_array(block.astype(_work_dtype(block.dtype)), chunks=block.shape)
    smooth = ndfilters.gaussian_filter(work, sigma=sigma, mode="nearest", truncate=_TRUNCATE)
    values = np.asarray(smooth.compute(scheduler="synchronous"))
    return cast_to(_centres(values, factors, halo), block.dtype)


def dask_image_nearest(
    block: np.ndarray, factors: tuple[int, ...], *, spatial: tuple[bool, ...]
) -> np.ndarray:
    """dask-image's order-0 affine_transform onto the output grid (each output pixel's centre)."""
    try:
        import dask.array as da
        from dask_image import ndinterp
    except ImportError as exc:
        raise missing_dependency("method DASK_IMAGE_NEAREST", "dask-image", "dask-image") from exc
    shape = tuple(s // f for s, f in zip(block.shape, factors, strict=True))
    matrix = np.diag([float(f) for f in factors])
    offset = [(f - 1) / 2.0 for f in factors]
    result = ndinterp.affine_transform(
        da.from_array(block, chunks=block.shape),
        matrix,
        offset=offset,
        output_shape=shape,
        output_chunks=shape,
        order=0,
        mode="nearest",
    )
    out: np.ndarray = np.asarray(result.compute(scheduler="synchronous")).astype(block.dtype)
    return out


def itk_bin_shrink(
    block: np.ndarray, factors: tuple[int, ...], *, spatial: tuple[bool, ...]
) -> np.ndarray:
    """ITK's BinShrinkImageFilter: the mean of each factor box (the remainder dropped)."""
    try:
        import itk
    except ImportError as exc:
        raise missing_dependency("method ITK_BIN_SHRINK", "itk", "itk") from exc
    if all(f == 1 for f in factors):
        return np.array(block, copy=True)
    crop = tuple(slice(0, (s // f) * f) for s, f in zip(block.shape, factors, strict=True))
    down = [i for i, f in enumerate(factors) if f > 1]
    kind = block.dtype
    source = block[crop].astype(np.float32) if kind.kind == "b" else block[crop]
    others = [i for i in range(block.ndim) if i not in down]
    moved = np.moveaxis(source, down, list(range(block.ndim - len(down), block.ndim)))
    shrink = [factors[a] for a in down][::-1]  # ITK orders dims x, y, z
    shape = [source.shape[i] for i in others] + [source.shape[a] // factors[a] for a in down]
    out = np.empty(shape, dtype=source.dtype)
    for index in np.ndindex(*(source.shape[i] for i in others)):
        image = itk.image_view_from_array(np.ascontiguousarray(moved[index]))
        out[index] = itk.array_from_image(itk.bin_shrink_image_filter(image, shrink_factors=shrink))
    result = np.moveaxis(out, list(range(block.ndim - len(down), block.ndim)), down)
    return cast_to(result, kind) if kind.kind == "b" else np.ascontiguousarray(result)
