"""Boxes: half-open index ranges, one per dim, and the few operations the engine needs."""

from __future__ import annotations

import math

__all__ = ["Box", "Range", "clip", "contains", "hull", "intersect", "outside", "slices", "volume"]

Range = tuple[int, int]
Box = tuple[Range, ...]  # one half-open range per dim


def hull(a: Box | None, b: Box) -> Box:
    """The smallest box holding ``a`` and ``b`` (``b`` when ``a`` is None)."""
    if a is None:
        return b
    return tuple((min(x[0], y[0]), max(x[1], y[1])) for x, y in zip(a, b, strict=True))


def clip(box: Box, shape: tuple[int, ...]) -> Box:
    """``box`` cut to an array of ``shape``."""
    return tuple((max(0, lo), min(n, hi)) for (lo, hi), n in zip(box, shape, strict=True))


def slices(box: Box) -> tuple[slice, ...]:
    """``box`` as an index (``array[slices(box)]``)."""
    return tuple(slice(lo, hi) for lo, hi in box)


def volume(box: Box) -> int:
    """The number of elements of ``box`` (0 when it is empty along any dim)."""
    return math.prod(max(0, hi - lo) for lo, hi in box)


def intersect(a: Box, b: Box) -> Box | None:
    """The common part of ``a`` and ``b``, or None when they do not overlap.

    >>> intersect(((0, 4), (0, 4)), ((2, 8), (3, 5)))
    ((2, 4), (3, 4))
    >>> intersect(((0, 4),), ((4, 8),)) is None
    True
    """
    out = tuple((max(x[0], y[0]), min(x[1], y[1])) for x, y in zip(a, b, strict=True))
    return out if all(hi > lo for lo, hi in out) else None


def contains(outer: Box, inner: Box) -> bool:
    """Whether ``inner`` lies inside ``outer``."""
    return all(
        olo <= ilo and ihi <= ohi for (olo, ohi), (ilo, ihi) in zip(outer, inner, strict=True)
    )


def outside(box: Box, hole: Box) -> list[Box]:
    """Disjoint boxes that together cover ``box`` minus ``hole`` (at most two per dim).

    >>> outside(((0, 4), (0, 4)), ((1, 3), (0, 4)))
    [((0, 1), (0, 4)), ((3, 4), (0, 4))]
    """
    common = intersect(box, hole)
    if common is None:
        return [box] if volume(box) else []
    pieces: list[Box] = []
    rest = list(box)
    for d, ((lo, hi), (clo, chi)) in enumerate(zip(box, common, strict=True)):
        if clo > lo:
            pieces.append((*rest[:d], (lo, clo), *rest[d + 1 :]))
        if chi < hi:
            pieces.append((*rest[:d], (chi, hi), *rest[d + 1 :]))
        rest[d] = (clo, chi)
    return pieces
