"""Block functions backed by itkwasm-downsample (ITK compiled to WebAssembly)."""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable
from functools import lru_cache
from typing import Any

import numpy as np

from ..errors import NgffValueError, missing_dependency


def _module() -> Any:
    try:
        import itkwasm
        import itkwasm_downsample
    except ImportError as exc:  # pragma: no cover - a core dependency
        raise missing_dependency("itkwasm methods", "itkwasm-downsample", "all") from exc
    return itkwasm, itkwasm_downsample


@lru_cache(maxsize=64)
def _gaussian_radius(factors: tuple[int, ...]) -> tuple[int, ...]:
    _, ds = _module()
    sigma = ds.downsample_sigma(list(factors))
    radius = ds.gaussian_kernel_radius(size=[64] * len(factors), sigma=sigma)
    return tuple(int(r) for r in radius)


def _spatial_halo(factors: tuple[int, ...], spatial: tuple[bool, ...]) -> tuple[int, ...]:
    sp = tuple(f for f, s in zip(factors, spatial, strict=True) if s)
    radius = _gaussian_radius(sp[::-1])[::-1]  # ITK orders dims x, y, z
    it = iter(radius)
    out = []
    for f, s in zip(factors, spatial, strict=True):
        if not s or f == 1:
            out.append(0)
            if s:
                next(it)
            continue
        r = next(it)
        out.append(math.ceil(r / f) * f)  # keep the halo a whole number of output pixels
    return tuple(out)


def halo_for(factors: tuple[int, ...], spatial: tuple[bool, ...]) -> tuple[int, ...]:
    if all(f == 1 for f in factors):
        return (0,) * len(factors)
    return _spatial_halo(factors, spatial)


def _per_spatial_slab(
    block: np.ndarray,
    factors: tuple[int, ...],
    spatial: tuple[bool, ...],
    run: Callable[[np.ndarray, list[int]], np.ndarray],
) -> np.ndarray:
    """Apply ``run`` to every 2-D/3-D spatial slab of ``block`` (t and c are looped over)."""
    lead = [i for i, s in enumerate(spatial) if not s]
    space = [i for i, s in enumerate(spatial) if s]
    if any(factors[i] != 1 for i in lead):
        raise NgffValueError("scale_factors: itkwasm methods downsample spatial dims only")
    shrink = [factors[i] for i in space][::-1]  # x, y, z
    out: np.ndarray | None = None
    for index in itertools.product(*(range(block.shape[i]) for i in lead)):
        key: list[Any] = [slice(None)] * block.ndim
        for i, v in zip(lead, index, strict=True):
            key[i] = v
        slab = np.ascontiguousarray(block[tuple(key)])
        result = run(slab, shrink)
        if out is None:
            out = np.empty([block.shape[i] for i in lead] + list(result.shape), dtype=result.dtype)
        out[index] = result
    assert out is not None
    return out


def _bin_dtype(block: np.ndarray) -> np.ndarray:
    if block.dtype == np.bool_:
        return block.astype(np.uint8)
    return block


def _cropped_filter(
    name: str, block: np.ndarray, factors: tuple[int, ...], spatial: tuple[bool, ...]
) -> np.ndarray:
    """Run itkwasm-downsample's ``name`` filter, cropping the halo from its output."""
    itkwasm, ds = _module()
    halo = halo_for(factors, spatial)
    crop = [halo[i] for i, s in enumerate(spatial) if s][::-1]
    apply = getattr(ds, name)

    def run(slab: np.ndarray, shrink: list[int]) -> np.ndarray:
        image = itkwasm.image_from_array(_bin_dtype(slab))
        result = apply(image, shrink_factors=shrink, crop_radius=crop)
        return np.asarray(result.data).astype(block.dtype, copy=False)

    return _per_spatial_slab(block, factors, spatial, run)


def gaussian(
    block: np.ndarray, factors: tuple[int, ...], *, spatial: tuple[bool, ...]
) -> np.ndarray:
    return _cropped_filter("downsample", block, factors, spatial)


def bin_shrink(
    block: np.ndarray, factors: tuple[int, ...], *, spatial: tuple[bool, ...]
) -> np.ndarray:
    itkwasm, ds = _module()

    def run(slab: np.ndarray, shrink: list[int]) -> np.ndarray:
        crop = tuple(slice(0, (s // f) * f) for s, f in zip(slab.shape, shrink[::-1], strict=True))
        image = itkwasm.image_from_array(np.ascontiguousarray(_bin_dtype(slab[crop])))
        result = ds.downsample_bin_shrink(image, shrink_factors=shrink)
        return np.asarray(result.data).astype(block.dtype, copy=False)

    return _per_spatial_slab(block, factors, spatial, run)


def label_image(
    block: np.ndarray, factors: tuple[int, ...], *, spatial: tuple[bool, ...]
) -> np.ndarray:
    return _cropped_filter("downsample_label_image", block, factors, spatial)
