"""Block functions backed by itkwasm-downsample (ITK compiled to WebAssembly)."""

from __future__ import annotations

import itertools
import math
import sys
import threading
from collections.abc import Callable
from functools import lru_cache
from typing import Any, TypeVar

import numpy as np

from ..errors import NgffValueError, missing_dependency
from ._numpy import cast_to


def _module() -> Any:
    try:
        import itkwasm
        import itkwasm_downsample
    except ImportError as exc:  # pragma: no cover - a core dependency
        raise missing_dependency("itkwasm methods", "itkwasm-downsample", "all") from exc
    return itkwasm, itkwasm_downsample


_T = TypeVar("_T")

# the first call of each itkwasm-downsample function in a process may compile its WebAssembly
# module (20-40 s once per machine; itkwasm caches the result in the user's cache directory).
# It runs alone, under a lock, and a call still running after _NOTICE_AFTER seconds says so.
_NOTICE_AFTER = 2.0
_WARM: set[str] = set()
_WARM_LOCK = threading.Lock()
_NOTICED: list[bool] = []


def _notice(name: str) -> None:
    if _NOTICED:  # one line per process, whichever module compiles first
        return
    _NOTICED.append(True)
    print(
        f"ngff-zarr: itkwasm-downsample is compiling its WebAssembly code ({name}; once per "
        "machine, 20-40 s; itkwasm caches it for later runs)",
        file=sys.stderr,
        flush=True,
    )


def _once_warm(name: str, call: Callable[[], _T]) -> _T:
    """``call()``; the first call of ``name`` runs alone and says so if it takes a while."""
    if name in _WARM:
        return call()
    with _WARM_LOCK:
        if name in _WARM:
            return call()
        timer = threading.Timer(_NOTICE_AFTER, _notice, args=(name,))
        timer.daemon = True
        timer.start()
        try:
            return call()
        finally:
            timer.cancel()
            _WARM.add(name)


@lru_cache(maxsize=64)
def _gaussian_radius(factors: tuple[int, ...]) -> tuple[int, ...]:
    _, ds = _module()
    sigma = ds.downsample_sigma(list(factors))
    radius = _once_warm(
        "gaussian_kernel_radius",
        lambda: ds.gaussian_kernel_radius(size=[64] * len(factors), sigma=sigma),
    )
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
    name: str,
    block: np.ndarray,
    factors: tuple[int, ...],
    spatial: tuple[bool, ...],
    *,
    smooth: bool = False,
) -> np.ndarray:
    """Run itkwasm-downsample's ``name`` filter, cropping the halo from its output.

    With ``smooth`` (an intensity filter), integer data is filtered as float (float32 up to
    16 bits, float64 above, so no integer loses precision) and the result rounded to the
    nearest integer (the filter itself truncates integer results: ones would become zeros).
    """
    itkwasm, ds = _module()
    halo = halo_for(factors, spatial)
    crop = [halo[i] for i, s in enumerate(spatial) if s][::-1]
    apply = getattr(ds, name)
    as_float = smooth and block.dtype.kind in "uib"
    work = np.float32 if block.dtype.itemsize <= 2 else np.float64

    def run(slab: np.ndarray, shrink: list[int]) -> np.ndarray:
        pixels = slab.astype(work) if as_float else _bin_dtype(slab)
        image = itkwasm.image_from_array(pixels)
        output = _once_warm(name, lambda: apply(image, shrink_factors=shrink, crop_radius=crop))
        result = np.asarray(output.data)
        if as_float:
            return cast_to(result, block.dtype)
        return result.astype(block.dtype, copy=False)

    return _per_spatial_slab(block, factors, spatial, run)


def gaussian(
    block: np.ndarray, factors: tuple[int, ...], *, spatial: tuple[bool, ...]
) -> np.ndarray:
    return _cropped_filter("downsample", block, factors, spatial, smooth=True)


def bin_shrink(
    block: np.ndarray, factors: tuple[int, ...], *, spatial: tuple[bool, ...]
) -> np.ndarray:
    itkwasm, ds = _module()

    def run(slab: np.ndarray, shrink: list[int]) -> np.ndarray:
        crop = tuple(slice(0, (s // f) * f) for s, f in zip(slab.shape, shrink[::-1], strict=True))
        image = itkwasm.image_from_array(np.ascontiguousarray(_bin_dtype(slab[crop])))
        result = _once_warm(
            "downsample_bin_shrink", lambda: ds.downsample_bin_shrink(image, shrink_factors=shrink)
        )
        return np.asarray(result.data).astype(block.dtype, copy=False)

    return _per_spatial_slab(block, factors, spatial, run)


def label_image(
    block: np.ndarray, factors: tuple[int, ...], *, spatial: tuple[bool, ...]
) -> np.ndarray:
    return _cropped_filter("downsample_label_image", block, factors, spatial)
