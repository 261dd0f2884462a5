"""Boxes: half-open index ranges, one per dim, and the few operations the engine needs."""

from __future__ import annotations

__all__ = ["Box", "Range", "clip", "hull", "slices"]

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
