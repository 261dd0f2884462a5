"""Block functions written with NumPy: local mean, Gaussian, and the label-safe mode and nearest.

Every function takes a block carrying the method's halo on each side of each downsampled dim
and returns the interior downsampled by ``factors``. Output pixel ``j`` covers input pixels
``[j * f, (j + 1) * f)`` (the pixel-centre convention): its centre lies at ``j * f + (f - 1) / 2``.
"""

from __future__ import annotations

import math
from functools import lru_cache

import numpy as np

# Gaussian anti-aliasing: sigma = f / 3 per downsampled dim (scikit-image's pyramid choice),
# kernel truncated at 4 sigma (SciPy's default), followed by the f-box that centres the
# result on the output pixel.
_TRUNCATE = 4.0


def _crop_to_factors(block: np.ndarray, factors: tuple[int, ...]) -> np.ndarray:
    key = tuple(slice(0, (s // f) * f) for s, f in zip(block.shape, factors, strict=True))
    return block[key]


def _accumulator(dtype: np.dtype) -> np.dtype:
    if dtype.kind == "b":
        return np.dtype(np.uint32)
    if dtype.kind in "ui":
        if dtype.itemsize <= 2:
            return np.dtype(np.uint32 if dtype.kind == "u" else np.int32)
        return np.dtype(np.uint64 if dtype.kind == "u" else np.int64)
    if dtype == np.float32 or dtype == np.float16:
        return np.dtype(np.float32)
    return np.dtype(np.float64)


def _strided(array: np.ndarray, axis: int, start: int, step: int, count: int) -> np.ndarray:
    key = [slice(None)] * array.ndim
    key[axis] = slice(start, start + step * (count - 1) + 1, step)
    return array[tuple(key)]


def _along(array: np.ndarray, axis: int, lo: int, hi: int) -> np.ndarray:
    """``array[lo:hi]`` along ``axis`` (``hi > lo``)."""
    return _strided(array, axis, lo, 1, hi - lo)


# input values of a local mean's slab (512 KiB of uint16): its sums stay in the cache
_MEAN_SLAB_VALUES = 1 << 18


def local_mean(
    block: np.ndarray, factors: tuple[int, ...], *, spatial: tuple[bool, ...]
) -> np.ndarray:
    """Mean of each ``factors`` box, rounded half up for integer data.

    Summed in the accumulator type (32 bits for data of up to 16), one downsampled dim after
    the other, each box's values left to right: the same sums in the same order as adding
    whole strided views, but computed in slabs of the first downsampled dim into reused
    buffers (no cast copy of the block, no fresh full-size temporaries).
    """
    dtype = block.dtype
    acc_dtype = _accumulator(dtype)
    src = _crop_to_factors(block, factors)
    axes = [axis for axis, f in enumerate(factors) if f > 1]
    if not axes:
        return np.array(block, copy=True)
    total = math.prod(factors[axis] for axis in axes)
    first, f0 = axes[0], factors[axes[0]]
    counts = tuple(s // f for s, f in zip(src.shape, factors, strict=True))
    out = np.empty(counts, dtype=np.bool_ if dtype.kind == "b" else dtype)
    per_sample = f0 * math.prod(src.shape[first + 1 :])
    slab = max(1, _MEAN_SLAB_VALUES // max(1, per_sample))
    buffers: list[np.ndarray] = []  # one per summed dim, of a whole slab; allocated once
    shape = list(src.shape)
    shape[first] = min(slab, counts[first]) * f0
    for axis in axes:
        shape[axis] //= factors[axis]
        buffers.append(np.empty(shape, dtype=acc_dtype))
    for lo in range(0, counts[first], slab):
        hi = min(counts[first], lo + slab)
        current = _along(src, first, lo * f0, hi * f0)
        for axis, buffer in zip(axes, buffers, strict=True):
            f = factors[axis]
            n = current.shape[axis] // f
            acc = _along(buffer, first, 0, hi - lo)
            np.add(
                _strided(current, axis, 0, f, n),
                _strided(current, axis, 1, f, n),
                out=acc,
                dtype=acc_dtype,
                casting="unsafe",
            )
            for k in range(2, f):
                np.add(acc, _strided(current, axis, k, f, n), out=acc, casting="unsafe")
            current = acc
        part = _along(out, first, lo, hi)
        if dtype.kind == "b":
            np.greater_equal(current * 2, total, out=part)
        elif dtype.kind in "ui":
            current += total // 2
            current //= total
            part[...] = current
        else:
            current /= total
            part[...] = current
    return out


@lru_cache(maxsize=64)
def _gaussian_weights(f: int) -> tuple[np.ndarray, int]:
    sigma = f / 3.0
    radius = int(_TRUNCATE * sigma + 0.5)
    x = np.arange(-radius, radius + 1, dtype=np.float64)
    g = np.exp(-0.5 * (x / sigma) ** 2)
    g /= g.sum()
    weights = np.convolve(g, np.full(f, 1.0 / f))
    return weights, radius


def gaussian_halo(factors: tuple[int, ...]) -> tuple[int, ...]:
    return tuple(_gaussian_weights(f)[1] if f > 1 else 0 for f in factors)


# float values of a Gaussian's first pass computed at once (1 MiB of float32): the passes
# run slab by slab along the first downsampled dim, so their temporaries stay in the cache
_SLAB_VALUES = 1 << 18


def gaussian(
    block: np.ndarray, factors: tuple[int, ...], *, spatial: tuple[bool, ...]
) -> np.ndarray:
    """Gaussian anti-aliasing (sigma = f/3) then the mean over each output pixel's box.

    ``block`` carries ``gaussian_halo(factors)`` extra pixels on each side of each
    downsampled dim. Computed in slabs of output samples along the first downsampled dim:
    every output value is the same sequence of float operations whatever the slab, so the
    result does not depend on the slabs (nor on the engine's regions).
    """
    dtype = block.dtype
    work = (
        np.float32
        if (dtype.kind in "uib" and dtype.itemsize <= 2) or dtype == np.float32
        else np.float64
    )
    axes = [axis for axis in range(block.ndim) if factors[axis] > 1]
    if not axes:
        return np.array(block, copy=True)
    first = axes[0]
    f = factors[first]
    weights, radius = _gaussian_weights(f)
    n = max(0, (block.shape[first] - 2 * radius) // f)
    per_sample = math.prod(block.shape[first + 1 :])
    slab = max(1, _SLAB_VALUES // max(1, per_sample))
    if n <= slab:
        return cast_to(_gaussian_passes(block, factors, work), dtype)
    out: np.ndarray | None = None
    for lo in range(0, n, slab):
        hi = min(n, lo + slab)
        key = [slice(None)] * block.ndim
        key[first] = slice(lo * f, (hi - 1) * f + weights.size)
        part = cast_to(_gaussian_passes(block[tuple(key)], factors, work), dtype)
        if out is None:
            shape = list(part.shape)
            shape[first] = n
            out = np.empty(shape, dtype=part.dtype)
        key[first] = slice(lo, hi)
        out[tuple(key)] = part
    assert out is not None
    return out


def _gaussian_passes(block: np.ndarray, factors: tuple[int, ...], work: type) -> np.ndarray:
    """The separable passes, outer dims first: a sum of separately rounded products."""
    out = block
    # outer dims first: their strided views are whole contiguous planes or rows
    for axis in range(block.ndim):
        f = factors[axis]
        if f == 1:
            continue
        weights, radius = _gaussian_weights(f)
        n = (out.shape[axis] - 2 * radius) // f
        acc = np.multiply(_strided(out, axis, 0, f, n), work(weights[0]), dtype=work)
        term = np.empty_like(acc)
        for m in range(1, weights.size):
            np.multiply(_strided(out, axis, m, f, n), work(weights[m]), out=term, dtype=work)
            acc += term
        out = acc
    return out


def rounded_to(values: np.ndarray, dtype: np.dtype) -> np.ndarray:
    """``values`` rounded to the nearest integer and clipped to the range of the integer
    ``dtype`` (in place when they are writeable floats: the callers' own temporaries)."""
    info = np.iinfo(dtype)
    in_place = values.dtype.kind == "f" and values.flags.writeable
    rounded: np.ndarray = np.rint(values, out=values if in_place else None)
    np.clip(rounded, info.min, info.max, out=rounded)
    return rounded


def cast_to(values: np.ndarray, dtype: np.dtype) -> np.ndarray:
    """Computed ``values`` as ``dtype``: booleans from 0.5 up, integers rounded and clipped."""
    if dtype.kind == "b":
        result: np.ndarray = values >= 0.5
        return result
    if dtype.kind in "ui":
        values = rounded_to(values, dtype)
    return values.astype(dtype, copy=False)


def nearest(
    block: np.ndarray, factors: tuple[int, ...], *, spatial: tuple[bool, ...]
) -> np.ndarray:
    """The input pixel nearest each output pixel's centre (index ``f // 2`` of its box)."""
    key = tuple(
        slice(f // 2, f // 2 + f * (s // f) - f + 1, f) if f > 1 else slice(None)
        for s, f in zip(block.shape, factors, strict=True)
    )
    return np.array(block[key], copy=True)


def mode(block: np.ndarray, factors: tuple[int, ...], *, spatial: tuple[bool, ...]) -> np.ndarray:
    """The most frequent value of each box; ties go to the smallest value. Vectorised."""
    cropped = _crop_to_factors(block, factors)
    counts = tuple(s // f for s, f in zip(cropped.shape, factors, strict=True))
    box = math.prod(factors)
    if box == 1:
        return np.array(block, copy=True)
    interleaved: list[int] = []
    for n, f in zip(counts, factors, strict=True):
        interleaved += [n, f]
    nd = len(counts)
    # (F, M): one row per position inside the box, one column per output pixel
    values = (
        cropped.reshape(interleaved)
        .transpose([2 * i + 1 for i in range(nd)] + [2 * i for i in range(nd)])
        .reshape(box, -1)
    )
    values = np.ascontiguousarray(values)
    if np.may_share_memory(values, block):  # a view of the input: never sort the caller's data
        values = values.copy()
    if box <= 16:
        _odd_even_sort_rows(values)
    else:
        values.sort(axis=0)
    total = values.shape[1]
    best_len = np.ones(total, dtype=np.int32)
    best_row = np.zeros(total, dtype=np.int32)
    run = np.ones(total, dtype=np.int32)
    for row in range(1, box):
        same = values[row] == values[row - 1]
        run += 1
        run *= same
        run[~same] = 1
        better = run > best_len
        best_len[better] = run[better]
        best_row[better] = row
    result: np.ndarray = np.take_along_axis(values, best_row[np.newaxis, :], axis=0)[0]
    return result.reshape(counts)


def _odd_even_sort_rows(values: np.ndarray) -> None:
    """Sort the rows of ``values`` element-wise per column (a sorting network, in place)."""
    n = values.shape[0]
    low = np.empty_like(values[0])
    for phase in range(n):
        for i in range(phase % 2, n - 1, 2):
            np.minimum(values[i], values[i + 1], out=low)
            np.maximum(values[i], values[i + 1], out=values[i + 1])
            values[i] = low
