"""The itkwasm methods in NumPy: what itkwasm-downsample computes, output samples only.

``ITKWASM_BIN_SHRINK``: itkwasm-downsample's ``downsample_bin_shrink`` is the mean of each
output pixel's box (the remainder dropped), integers rounded half up, float32 summed in double:
bit-identical here for bool, 8- and 16-bit integers, int32 and float32 (float64 to the last
places); other dtypes run itkwasm-downsample (it saturates uint32 means at 2**31).

``ITKWASM_GAUSSIAN``: itkwasm-downsample's ``downsample``, characterised as a black box
(impulses, ramps, steps, random data, odd sizes, images smaller than the kernel, factors 1 to
33, 2-D and 3-D; ``test/methods/test_itkwasm_native.py`` checks each point against it):

- each downsampled dim gets sigma ``sqrt((f**2 - 1) / (8 ln 2))`` pixels (its
  ``downsample_sigma``) and Lindeberg's discrete Gaussian of variance ``t = sigma**2``: tap
  ``n`` is ``exp(-t) I_n(t)``, ``I_n`` the modified Bessel function as evaluated by the
  Abramowitz & Stegun polynomial approximations (9.8.1-9.8.4; Miller's backward recurrence for
  ``n >= 2``). The kernel grows until its taps sum to at least 0.99 or its radius reaches 32
  (its ``gaussian_kernel_radius``), then is normalised to sum 1;
- the passes are separable, outermost dim first, each summed in double and stored as float32
  (float64 for float64 data); beyond the image the edge value repeats;
- output pixel ``j`` sits at input position ``j * f + (f - 1) / 2`` (the pixel-centre
  convention): for odd ``f`` that pixel of the smoothed image, for even ``f`` the mean of the
  two pixels around it (linear interpolation); ``n // f`` output pixels; ``crop_radius`` ``c``
  (a multiple of ``f``) drops ``c / f`` output pixels on each side.

Here each pass computes only the output samples, the even factors' two-pixel mean folded into
their kernel, so a 2x2x2 step costs about a sixth of filtering at full resolution. With odd
factors the float32 values are bit-identical to itkwasm-downsample's; with an even factor the
mean is taken before the later dims' passes instead of after all of them, which changes the
last float32 bit of some pixels (so after rounding, an integer pixel differs by 1 where
itkwasm's float32 value is within a bit of a half).
"""

from __future__ import annotations

import itertools
import math
from functools import lru_cache
from typing import Any

import numpy as np

from ..errors import NgffValueError
from . import _numpy

MAX_FACTOR = 32  # checked against itkwasm-downsample up to 33; beyond, its own path runs
_MAX_RADIUS = 32  # itkwasm-downsample's default maximum kernel width, a bound on the radius
_MAX_ERROR = 0.01  # the kernel grows until its taps sum to 1 - _MAX_ERROR
_TILE = 1 << 20  # output values of the first pass computed at once: bounds the temporaries


def _i0(x: float) -> float:
    """Modified Bessel function I0 (Abramowitz & Stegun 9.8.1, 9.8.2), ``x >= 0``."""
    if x < 3.75:
        u = (x / 3.75) ** 2
        coefficients = (1.0, 3.5156229, 3.0899424, 1.2067492, 0.2659732, 0.0360768, 0.0045813)
        return _horner(u, coefficients)
    v = 3.75 / x
    tail = (0.39894228, 0.01328592, 0.00225319, -0.00157565, 0.00916281, -0.02057706,
            0.02635537, -0.01647633, 0.00392377)  # fmt: skip
    return (math.exp(x) / math.sqrt(x)) * _horner(v, tail)


def _i1(x: float) -> float:
    """Modified Bessel function I1 (Abramowitz & Stegun 9.8.3, 9.8.4), ``x >= 0``."""
    if x < 3.75:
        u = (x / 3.75) ** 2
        coefficients = (0.5, 0.87890594, 0.51498869, 0.15084934, 0.02658733, 0.00301532, 0.00032411)
        return x * _horner(u, coefficients)
    v = 3.75 / x
    tail = (0.39894228, -0.03988024, -0.00362018, 0.00163801, -0.01031555, 0.02282967,
            -0.02895312, 0.01787654, -0.00420059)  # fmt: skip
    return (math.exp(x) / math.sqrt(x)) * _horner(v, tail)


def _horner(x: float, coefficients: tuple[float, ...]) -> float:
    total = 0.0
    for c in reversed(coefficients):
        total = total * x + c
    return total


def _bessel(n: int, x: float) -> float:
    """Modified Bessel function I_n(x), ``x > 0``: Miller's backward recurrence from I0."""
    if n == 0:
        return _i0(x)
    if n == 1:
        return _i1(x)
    two_over_x = 2.0 / x
    above, current, found = 0.0, 1.0, 0.0
    for j in range(2 * (n + int(math.sqrt(40.0 * n))), 0, -1):
        above, current = current, above + j * two_over_x * current
        if abs(current) > 1e10:  # rescale: only the ratio to I0 matters
            found, current, above = found * 1e-10, current * 1e-10, above * 1e-10
        if j == n:
            found = above
    return found * _i0(x) / current


def sigma(factor: int) -> float:
    """itkwasm-downsample's smoothing sigma for a shrink factor, in pixels."""
    return math.sqrt((factor * factor - 1) / (8.0 * math.log(2.0)))


@lru_cache(maxsize=64)
def _taps(factor: int) -> tuple[float, ...]:
    """The kernel's taps ``0..radius`` (normalised; the kernel is symmetric)."""
    t = sigma(factor) ** 2
    if t == 0.0:
        return (1.0, 0.0)  # itkwasm-downsample's radius for factor 1 is 1
    scale = math.exp(-t)
    taps = [scale * _bessel(0, t)]
    total = taps[0]
    while total < 1.0 - _MAX_ERROR and len(taps) <= _MAX_RADIUS:
        taps.append(scale * _bessel(len(taps), t))
        total += 2.0 * taps[-1]
    return tuple(c / total for c in taps)


def radius(factor: int) -> int:
    """itkwasm-downsample's ``gaussian_kernel_radius`` for a shrink factor."""
    return len(_taps(factor)) - 1


def kernel(factor: int) -> np.ndarray:
    """The discrete Gaussian for ``factor``, taps ``-radius..radius``."""
    taps = _taps(factor)
    return np.array(taps[:0:-1] + taps)


@lru_cache(maxsize=64)
def _sampling_weights(factor: int) -> tuple[float, ...]:
    """Weights of input pixels ``first - r ..`` for one output pixel (even f: two-pixel mean)."""
    k = kernel(factor)
    if factor % 2:
        return tuple(float(w) for w in k)
    mean = 0.5 * (np.concatenate([k, [0.0]]) + np.concatenate([[0.0], k]))
    return tuple(float(w) for w in mean)


def halo_for(factors: tuple[int, ...], spatial: tuple[bool, ...]) -> tuple[int, ...]:
    """The kernel radius in whole output pixels (a multiple of f), 0 where f is 1."""
    if max(factors) > MAX_FACTOR:
        from . import _itkwasm

        return _itkwasm.halo_for(factors, spatial)
    return tuple(
        math.ceil(radius(f) / f) * f if s and f > 1 else 0
        for f, s in zip(factors, spatial, strict=True)
    )


def covers(dtype: np.dtype, factors: tuple[int, ...]) -> bool:
    """Whether this path reproduces itkwasm-downsample for ``dtype`` and ``factors``."""
    floats = dtype == np.float32 or dtype == np.float64
    return (dtype.kind in "biu" or floats) and max(factors) <= MAX_FACTOR


def bin_shrink(
    block: np.ndarray, factors: tuple[int, ...], *, spatial: tuple[bool, ...]
) -> np.ndarray:
    """``ITKWASM_BIN_SHRINK``: the box mean where this path covers the block, else itkwasm's."""
    # itkwasm-downsample saturates uint32 means at 2**31: that dtype keeps its own path
    small_int = block.dtype.kind in "bi" and block.dtype.itemsize <= 4
    small_int = small_int or (block.dtype.kind == "u" and block.dtype.itemsize <= 2)
    floats = block.dtype == np.float32 or block.dtype == np.float64
    if any(f != 1 for f, s in zip(factors, spatial, strict=True) if not s):
        raise NgffValueError("scale_factors: itkwasm methods downsample spatial dims only")
    if small_int:
        return _numpy.local_mean(block, factors, spatial=spatial)  # exact sums, half up
    if not floats:
        from . import _itkwasm

        return _itkwasm.bin_shrink(block, factors, spatial=spatial)
    key = tuple(slice(0, (n // f) * f) for n, f in zip(block.shape, factors, strict=True))
    out: np.ndarray = block[key]
    total = 1
    for axis, f in enumerate(factors):
        if f == 1:
            continue
        total *= f
        shape = (*out.shape[:axis], out.shape[axis] // f, f, *out.shape[axis + 1 :])
        out = out.reshape(shape).sum(axis=axis + 1, dtype=np.float64)
    if total == 1:
        return np.array(block, copy=True)
    out /= total
    result: np.ndarray = out.astype(block.dtype, copy=False)
    return result


def _work_dtype(dtype: np.dtype) -> np.dtype:
    """The precision itkwasm's path computes in: float32 up to 16-bit data, else float64."""
    if dtype == np.float32 or (dtype.kind in "uib" and dtype.itemsize <= 2):
        return np.dtype(np.float32)
    return np.dtype(np.float64)


def _one_pass(
    x: np.ndarray, axis: int, factor: int, start: int, count: int, store: np.dtype
) -> np.ndarray:
    """The output samples along ``axis``, summed in double, stored as ``store``."""
    weights = _sampling_weights(factor)
    width = len(weights)

    def tap(m: int) -> np.ndarray:
        key: list[Any] = [slice(None)] * x.ndim
        key[axis] = slice(start + m, start + m + factor * (count - 1) + 1, factor)
        view: np.ndarray = x[tuple(key)]
        return view

    # the weights are symmetric: sum the mirrored taps first
    total: np.ndarray | None = None
    term: np.ndarray | None = None
    for m in range(width // 2):
        if term is None:
            term = np.add(tap(m), tap(width - 1 - m), dtype=np.float64)
        else:
            np.add(tap(m), tap(width - 1 - m), out=term, dtype=np.float64)
        term *= weights[m]
        if total is None:
            total, term = term, None
        else:
            total += term
    if width % 2:
        centre = np.multiply(tap(width // 2), weights[width // 2], dtype=np.float64)
        total = centre if total is None else np.add(total, centre, out=total)
    assert total is not None
    return total if store == np.float64 else total.astype(store)


def _round_into(out: np.ndarray, values: np.ndarray) -> None:
    if out.dtype.kind == "b":
        np.greater_equal(values, 0.5, out=out)
        return
    if out.dtype.kind in "ui":
        values = _numpy.rounded_to(values, out.dtype)
    out[...] = values


def gaussian(
    block: np.ndarray, factors: tuple[int, ...], *, spatial: tuple[bool, ...]
) -> np.ndarray:
    """``ITKWASM_GAUSSIAN``: :func:`downsample` where it covers the block, else itkwasm's own."""
    if covers(block.dtype, factors):
        return downsample(block, factors, spatial=spatial)
    from . import _itkwasm

    return _itkwasm.gaussian(block, factors, spatial=spatial)


def downsample(
    block: np.ndarray, factors: tuple[int, ...], *, spatial: tuple[bool, ...]
) -> np.ndarray:
    """itkwasm-downsample's ``downsample`` of ``block`` (with its halo), output samples only.

    Integer data is computed as float32 (float64 above 16 bits) and rounded to the nearest
    integer, as on the itkwasm path. ``block`` carries ``halo_for(factors, spatial)`` extra
    pixels on each side of each downsampled dim.
    """
    if any(f != 1 for f, s in zip(factors, spatial, strict=True) if not s):
        raise NgffValueError("scale_factors: itkwasm methods downsample spatial dims only")
    if all(f == 1 for f in factors):
        return np.array(block, copy=True)
    store = _work_dtype(block.dtype)
    halo = halo_for(factors, spatial)
    counts = [(n - 2 * h) // f for n, h, f in zip(block.shape, halo, factors, strict=True)]
    starts = [
        h + (f - 1) // 2 - radius(f) if f > 1 else 0 for f, h in zip(factors, halo, strict=True)
    ]
    out = np.empty(counts, dtype=block.dtype)
    first = next(i for i, f in enumerate(factors) if f > 1)  # dims before it: one at a time
    f0, start0, count0 = factors[first], starts[first], counts[first]
    width0 = len(_sampling_weights(f0))
    rows = max(1, _TILE // max(1, math.prod(block.shape[first + 1 :])))
    for lead in itertools.product(*(range(n) for n in block.shape[:first])):
        for a in range(0, count0, rows):
            b = min(count0, a + rows)
            lo = start0 + a * f0
            key: tuple[Any, ...] = (*lead, slice(lo, start0 + (b - 1) * f0 + width0))
            x = block[key]
            x = _one_pass(x, 0, f0, 0, b - a, store)
            for axis in range(first + 1, block.ndim):
                if factors[axis] > 1:
                    k = axis - first
                    x = _one_pass(x, k, factors[axis], starts[axis], counts[axis], store)
            target: tuple[Any, ...] = (*lead, slice(a, b))
            _round_into(out[target], x)
    return out
