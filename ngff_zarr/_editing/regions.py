"""The regions of a processing run: planned over a source image, read with their halo, and
their results written into an output image of the same geometry, under unit locks."""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from .._engine.geometry import Box, hull, slices, volume
from .._engine.rebuild import unit_indices
from .._io.locks import unit_locks
from ..errors import NgffValueError
from .stored import StoredImage

__all__ = ["Region", "Run", "chunk_boxes", "merge_boxes", "plane_boxes", "tile_boxes"]


@dataclass(frozen=True, slots=True, kw_only=True)
class Region:
    """One region of a processing run, in full-resolution pixels of the source.

    ``box`` is what the region's result is written to; ``read_box`` is what is read for it:
    ``box`` grown by the halo, cut at the image's edges (where a function then sees the true
    edge, as on the whole image). Both map a dim to a half-open index range.

    Examples
    --------
    >>> region = Region(box={"y": (32, 64), "x": (0, 32)}, read_box={"y": (24, 72), "x": (0, 40)})
    >>> region.slices(("c", "y", "x"))
    (slice(None, None, None), slice(32, 64, None), slice(0, 32, None))
    >>> region.read_slices(("y", "x"))
    (slice(24, 72, None), slice(0, 40, None))
    """

    box: Mapping[str, tuple[int, int]]
    read_box: Mapping[str, tuple[int, int]]
    name: str | None = None
    label: int | None = None

    def slices(self, dims: Iterable[str]) -> tuple[slice, ...]:
        """The index of ``box`` in an array of ``dims`` (dims it does not name: whole)."""
        return tuple(slice(*self.box[d]) if d in self.box else slice(None) for d in dims)

    def read_slices(self, dims: Iterable[str]) -> tuple[slice, ...]:
        """The index of ``read_box`` in an array of ``dims``."""
        return tuple(slice(*self.read_box[d]) if d in self.read_box else slice(None) for d in dims)


def _positive(field: str, given: Mapping[str, int], dims: tuple[str, ...], low: int) -> None:
    if not isinstance(given, Mapping):
        raise NgffValueError(f"{field}: expected a mapping of dim to int, got {given!r}")
    unknown = [d for d in given if d not in dims]
    if unknown:
        raise NgffValueError(f"{field}: dims {unknown} are not image dims {list(dims)}")
    bad = {
        d: v for d, v in given.items() if isinstance(v, bool) or not isinstance(v, int) or v < low
    }
    if bad:
        raise NgffValueError(f"{field}: expected ints >= {low}, got {bad}")


def region_of(
    box: Box, dims: tuple[str, ...], shape: tuple[int, ...], halo: Mapping[str, int], **names: Any
) -> Region:
    grown = tuple(
        (max(0, lo - halo.get(d, 0)), min(n, hi + halo.get(d, 0)))
        for (lo, hi), d, n in zip(box, dims, shape, strict=True)
    )
    return Region(
        box=dict(zip(dims, box, strict=True)), read_box=dict(zip(dims, grown, strict=True)), **names
    )


def tile_boxes(shape: tuple[int, ...], dims: tuple[str, ...], tile: Mapping[str, int]) -> list[Box]:
    """Boxes tiling ``shape`` by ``tile`` (dims it leaves out: whole), innermost dims fastest."""
    _positive("shape", tile, dims, 1)
    steps = [tile.get(d, n) for d, n in zip(dims, shape, strict=True)]
    ranges = [
        [(lo, min(lo + s, n)) for lo in range(0, n, s)] for s, n in zip(steps, shape, strict=True)
    ]
    return [tuple(box) for box in itertools.product(*ranges)]


def plane_boxes(shape: tuple[int, ...], dims: tuple[str, ...], whole: Iterable[str]) -> list[Box]:
    """One box per index of every dim not in ``whole`` (which are taken whole)."""
    keep = list(whole)
    unknown = [d for d in keep if d not in dims]
    if unknown or not keep:
        raise NgffValueError(f"dims: expected some of the image dims {list(dims)}, got {keep}")
    return tile_boxes(shape, dims, {d: 1 for d in dims if d not in keep})


def chunk_boxes(output: StoredImage, dims: tuple[str, ...], shape: tuple[int, ...]) -> list[Box]:
    """Boxes of the output's write units (shards, or chunks), over the source's dims."""
    unit = dict(zip(output.dims, output.units()[0], strict=True))
    sizes = dict(zip(output.dims, output.shapes[0], strict=True))
    # a dim the output lacks, or whose size differs (channels), is taken whole
    tile = {d: unit[d] for d, n in zip(dims, shape, strict=True) if d in unit and sizes[d] == n}
    return tile_boxes(shape, dims, tile)


def merge_boxes(boxes: list[Box]) -> list[Box]:
    """The boxes to rebuild after writing ``boxes``: their hull when they fill most of it."""
    if not boxes:
        return []
    whole: Box | None = None
    for box in boxes:
        whole = hull(whole, box)
    assert whole is not None
    if sum(volume(b) for b in boxes) * 2 >= volume(whole):
        return [whole]
    return list(dict.fromkeys(boxes))


class Run:
    """Reads regions of the source and writes their results into the output's full resolution."""

    def __init__(self, source: StoredImage, output: StoredImage) -> None:
        self.source = source
        self.output = output
        dims, out_dims = source.dims, output.dims
        missing = [d for d in out_dims if d not in dims]
        if missing:
            raise NgffValueError(
                f"output: dims {missing} are not source dims {list(dims)} (dims {list(out_dims)})"
            )
        sizes = dict(zip(dims, source.shapes[0], strict=True))
        out_sizes = dict(zip(out_dims, output.shapes[0], strict=True))
        # dims a region must take whole: absent from the output, or of another size there
        self.whole = [d for d in dims if d not in out_sizes or out_sizes[d] != sizes[d]]
        wrong = [d for d in self.whole if d != "c" and d in out_sizes]
        if wrong:
            raise NgffValueError(
                f"output: expected the source's geometry, but along {wrong} the output has "
                f"{[out_sizes[d] for d in wrong]} pixels and the source "
                f"{[sizes[d] for d in wrong]}"
            )
        self.dtype = np.dtype(output.arrays[0].dtype)

    def check(self, regions: Iterable[Region]) -> None:
        dims, shape = self.source.dims, self.source.shapes[0]
        for region in regions:
            split = [d for d, n in zip(dims, shape, strict=True)
                     if d in self.whole and region.box[d] != (0, n)]  # fmt: skip
            if split:
                how = "lacks" if split[0] not in self.output.dims else "resizes"
                raise NgffValueError(
                    f"regions: the output {how} {split}, so every region must take them whole; "
                    f"region {dict(region.box)} does not"
                )

    def read(self, region: Region) -> np.ndarray:
        return np.asarray(self.source.arrays[0][region.read_slices(self.source.dims)])

    def out_box(self, region: Region) -> Box:
        sizes = dict(zip(self.output.dims, self.output.shapes[0], strict=True))
        return tuple((0, sizes[d]) if d in self.whole else region.box[d] for d in self.output.dims)

    def write(self, region: Region, result: Any) -> Box:
        """Write ``result`` (the region's box, or its read box: then cropped) to the output."""
        out_dims = self.output.dims
        values = np.asarray(result)
        box = self.out_box(region)
        inner = tuple(hi - lo for lo, hi in box)
        read = tuple(
            (b[1] - b[0]) if d in self.whole else (region.read_box[d][1] - region.read_box[d][0])
            for d, b in zip(out_dims, box, strict=True)
        )
        if values.shape == read and read != inner:
            crop = tuple(
                slice(0, None) if d in self.whole
                else slice(region.box[d][0] - region.read_box[d][0],
                           region.box[d][1] - region.read_box[d][0])
                for d in out_dims
            )  # fmt: skip
            values = values[crop]
        elif values.shape != inner:
            raise NgffValueError(
                f"result: expected the shape of the region {inner} or of what was read {read} "
                f"(dims {list(out_dims)}), got {values.shape}"
            )
        if not np.can_cast(values.dtype, self.dtype, "safe"):
            raise NgffValueError(
                f"result: dtype {values.dtype} does not convert to the output's {self.dtype} "
                f"without loss; cast it (result.astype({str(self.dtype)!r})) or derive the "
                "output with that dtype"
            )
        unit = self.output.units()[0]
        key = self.output.keys[0]
        with unit_locks(self.output.store, [(key, i) for i in unit_indices(box, unit)]):
            self.output.arrays[0][slices(box)] = values.astype(self.dtype, copy=False)
        return box
