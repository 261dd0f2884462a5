"""``RegionIterator``: process a stored image region by region into a derived image.

In the style of ngio's iterators: choose the regions (tiles with a halo, planes, the output's
chunks, or the ROIs of a table), then apply a function to each (``map``, on threads or a dask
cluster) or loop over ``(data, write)`` pairs yourself. Results go to the full resolution of
an output image of the same geometry (from :func:`~ngff_zarr.derive_image` or
:func:`~ngff_zarr.derive_label`), whose lower levels are rebuilt once at the end.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterator, Mapping, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from typing import Any

import numpy as np

from ._editing.apply import rewrite
from ._editing.journal import entry_box, open_entry, recording
from ._editing.regions import (
    Region,
    Run,
    chunk_boxes,
    merge_boxes,
    plane_boxes,
    region_of,
    tile_boxes,
)
from ._editing.stored import StoredImage, open_image
from ._engine.cluster import active_client, cluster_threads
from ._engine.geometry import Box, hull
from ._io.locks import image_lock
from ._io.store import StoreLike
from .config import config
from .errors import NgffValueError
from .from_ngff_zarr import from_ngff_zarr

__all__ = ["Region", "RegionIterator"]

Function = Callable[[np.ndarray], Any]


@dataclasses.dataclass(frozen=True)
class RegionIterator:
    """The regions of ``source`` to process, and the ``output`` their results are written to.

    Parameters
    ----------
    source
        The image read (a directory path, a zarr store or group).
    output
        The image written: the source's geometry (its dims, or the source's without ``c`` for
        a label image, and their sizes; its number of channels may differ).
    storage_options
        Passed to fsspec for URLs.

    By default the regions are the output's write units (:meth:`by_chunks`). A function sees
    a region's pixels with their halo (NumPy, the source's dims) and returns the region's
    result, with or without the halo (which is cropped); where a region meets the image's
    edge, the function sees that edge as it would on the whole image, so a function whose
    reach does not exceed the halo gives, stitched, exactly its whole-image result.

    Examples
    --------
    >>> import numpy as np, os, tempfile
    >>> import ngff_zarr as nz
    >>> folder = tempfile.mkdtemp()
    >>> raw, out = os.path.join(folder, "raw.ome.zarr"), os.path.join(folder, "out.ome.zarr")
    >>> data = np.arange(64 * 64, dtype="uint16").reshape(64, 64)
    >>> nz.to_ngff_zarr(raw, nz.to_multiscales(data, scale_factors=[2]), version="0.5")
    >>> nz.derive_image(raw, out)
    >>> nz.RegionIterator(raw, out).by_tiles({"y": 32, "x": 32}).map(lambda block: block // 2)
    >>> bool((nz.from_ngff_zarr(out).images[0].data.compute() == data // 2).all())
    True
    >>> for block, write in nz.RegionIterator(raw, out).by_planes(("x",)):
    ...     write(block[::-1])  # by hand: each row, reversed
    """

    source: StoreLike
    output: StoreLike
    storage_options: Mapping[str, Any] | None = None
    boxes: tuple[Box, ...] | None = None
    halo: Mapping[str, int] = dataclasses.field(default_factory=dict)
    names: tuple[tuple[str | None, int | None], ...] | None = None

    # --- choosing the regions -------------------------------------------------------------

    def by_tiles(
        self, shape: Mapping[str, int], *, halo: Mapping[str, int] | None = None
    ) -> RegionIterator:
        """Tiles of ``shape``, each read with ``halo``.

        Parameters
        ----------
        shape
            The tile's length per dim (``{"y": 512, "x": 512}``); dims left out are whole.
        halo
            The pixels read on each side of a tile per dim, beyond what it writes.

        Raises
        ------
        NgffValueError
            A dim the image lacks, or a length below 1 (a halo below 0).
        """
        src = self._source()
        boxes = tile_boxes(src.shapes[0], src.dims, shape)
        return self._with(boxes, halo)

    def by_planes(
        self, dims: Sequence[str] = ("y", "x"), *, halo: Mapping[str, int] | None = None
    ) -> RegionIterator:
        """One region per plane: ``dims`` whole, one index of every other dim."""
        src = self._source()
        return self._with(plane_boxes(src.shapes[0], src.dims, dims), halo)

    def by_chunks(self, *, halo: Mapping[str, int] | None = None) -> RegionIterator:
        """The output's write units (shards, or chunks): no two regions write one."""
        src, out = self._source(), self._output(writable=False)
        return self._with(chunk_boxes(out, src.dims, src.shapes[0]), halo)

    def by_rois(self, rois: Any, *, halo: Mapping[str, int] | None = None) -> RegionIterator:
        """The ROIs of a table: its name (a table of the source), a frame, or ROIs themselves.

        ``rois`` is the name of an ROI or masking ROI table of the source image, an ROI table
        as a :class:`pandas.DataFrame`, or a sequence of :class:`~ngff_zarr.ROI` (micrometers)
        and :class:`~ngff_zarr.PixelROI` (full-resolution pixels). Dims an ROI leaves free are
        taken whole. ROIs may overlap: where they do, the one processed last is kept.
        """
        from .rois import PixelROI, rois_from_table
        from .tables import read_table

        if isinstance(rois, str):
            items: list[Any] = rois_from_table(
                read_table(self.source, rois, storage_options=self.storage_options)
            )
        elif hasattr(rois, "columns"):
            items = rois_from_table(rois)
        else:
            items = list(rois)
        src = self._source()
        multiscales = None
        boxes, names = [], []
        for roi in items:
            if not isinstance(roi, PixelROI):
                if multiscales is None:
                    multiscales = from_ngff_zarr(self.source, storage_options=self.storage_options)
                roi = roi.to_pixels(multiscales, 0)
            boxes.append(
                tuple(
                    (roi.start[d], roi.stop[d]) if d in roi.start else (0, n)
                    for d, n in zip(src.dims, src.shapes[0], strict=True)
                )
            )
            names.append((roi.name, roi.label))
        return self._with(boxes, halo, tuple(names))

    def _with(
        self, boxes: list[Box], halo: Mapping[str, int] | None, names: Any = None
    ) -> RegionIterator:
        src = self._source()
        given = dict(halo or {})
        unknown = [d for d in given if d not in src.dims]
        bad = {
            d: v for d, v in given.items() if isinstance(v, bool) or not isinstance(v, int) or v < 0
        }
        if unknown or bad:
            raise NgffValueError(
                f"halo: expected ints >= 0 for image dims {list(src.dims)}, got {given}"
            )
        return dataclasses.replace(self, boxes=tuple(boxes), halo=given, names=names)

    # --- the regions ----------------------------------------------------------------------

    @property
    def regions(self) -> list[Region]:
        """The regions, in the order they are processed."""
        src = self._source()
        boxes = self.boxes
        if boxes is None:
            boxes = tuple(chunk_boxes(self._output(writable=False), src.dims, src.shapes[0]))
        names = self.names or ((None, None),) * len(boxes)
        return [
            region_of(box, src.dims, src.shapes[0], self.halo, name=name, label=label)
            for box, (name, label) in zip(boxes, names, strict=True)
        ]

    def __len__(self) -> int:
        return len(self.regions)

    def __iter__(self) -> Iterator[tuple[np.ndarray, Callable[[Any], None]]]:
        """``(data, write)`` per region; the lower levels are rebuilt when the loop completes.

        A loop left early (``break``, an error) leaves the output marked as being edited, its
        lower levels not yet rebuilt; the next run on it, or :func:`~ngff_zarr.finish_edits`,
        rebuilds them.
        """
        run, regions = self._run()
        written: list[Box] = []
        with _session(run, regions) as finish:
            for region in regions:

                def write(result: Any, region: Region = region) -> None:
                    written.append(run.write(region, result))

                yield run.read(region), write
            finish(written)

    def map(self, func: Function, *, workers: int | None = None) -> None:
        """Apply ``func`` to every region and write its result; then rebuild the lower levels.

        Regions run on a thread pool (``workers``, default ``ngff_zarr.config.max_workers``),
        at most ``workers + 1`` in memory at once, or as tasks of the active dask distributed
        ``Client`` when both images are local directories (the workers must see them).

        Parameters
        ----------
        func
            ``block -> result``: the region's pixels with their halo (NumPy, the source's
            dims) to its result, with or without the halo, of the output's dims.
        workers
            Threads (without a cluster).

        Raises
        ------
        NgffValueError
            A result of another shape, or of a dtype that does not convert to the output's
            without loss; regions that split a dim the output lacks or resizes.
        """
        run, regions = self._run()
        with _session(run, regions) as finish:
            client = active_client() if _local(run) else None
            if client is not None:
                written = _on_cluster(client, run, func, regions)
            else:
                written = _on_threads(run, func, regions, workers or config.max_workers)
            finish(written)

    # --- helpers --------------------------------------------------------------------------

    def _source(self) -> StoredImage:
        return open_image(self.source, writable=False, storage_options=self.storage_options)

    def _output(self, writable: bool = True) -> StoredImage:
        return open_image(self.output, writable=writable, storage_options=self.storage_options)

    def _run(self) -> tuple[Run, list[Region]]:
        run = Run(self._source(), self._output())
        regions = self.regions
        run.check(regions)
        return run, regions


class _session:
    """The output marked as being edited while regions are written; rebuilt at the end."""

    def __init__(self, run: Run, regions: list[Region]) -> None:
        self._run = run
        whole: Box | None = None
        for region in regions:
            whole = hull(whole, run.out_box(region))
        self._box = whole

    def __enter__(self) -> Callable[[list[Box]], None]:
        out = self._run.output
        self._lock = image_lock(out.store, out.path, shared=True)
        self._lock.__enter__()
        box = self._box if self._box is not None else tuple((0, 0) for _ in out.dims)
        self._record = recording(out, open_entry("process", 0, box))
        taken, _ = self._record.__enter__()
        method = out.method()

        def finish(written: list[Box]) -> None:
            for box in merge_boxes(written):
                rewrite(out, 0, box, None, method=method)
            for record in taken:
                rewrite(out, int(record.get("level", 0)), entry_box(record), None, method=method)

        return finish

    def __exit__(self, *exc: Any) -> None:
        try:
            self._record.__exit__(*exc)
        finally:
            self._lock.__exit__(*exc)


def _local(run: Run) -> bool:
    return run.source.local_root is not None and run.output.local_root is not None


def _on_threads(run: Run, func: Function, regions: list[Region], workers: int) -> list[Box]:
    written: list[Box] = []

    def one(region: Region) -> Box:
        return run.write(region, func(run.read(region)))

    if workers <= 1 or len(regions) <= 1:
        return [one(region) for region in regions]
    with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="ngff-zarr-map") as pool:
        pending: set[Future[Box]] = set()
        try:
            for region in regions:
                while len(pending) > workers:
                    done, pending = wait(pending, return_when=FIRST_COMPLETED)
                    written += [f.result() for f in done]
                pending.add(pool.submit(one, region))
            done, pending = wait(pending)
            written += [f.result() for f in done]
        except BaseException:
            for future in pending:
                future.cancel()
            raise
    return written


def _cluster_task(source: str, output: str, func: Function, region: Region) -> Box:
    run = Run(open_image(source, writable=False), open_image(output))
    return run.write(region, func(run.read(region)))


def _location(image: StoredImage) -> Any:
    root = image.local_root
    assert root is not None
    return root.joinpath(*image.path.split("/")) if image.path else root


def _on_cluster(client: Any, run: Run, func: Function, regions: list[Region]) -> list[Box]:
    from distributed import wait as cluster_wait

    source, output = (str(_location(run.source)), str(_location(run.output)))
    shared = client.scatter(func, broadcast=True, hash=False)
    limit = 2 * cluster_threads(client)
    pending: set[Any] = set()
    written: list[Box] = []
    try:
        for region in regions:
            while len(pending) >= limit:
                finished = cluster_wait(list(pending), return_when="FIRST_COMPLETED")
                pending -= set(finished.done)
                written += [f.result() for f in finished.done]
            pending.add(client.submit(_cluster_task, source, output, shared, region, pure=False))
        finished = cluster_wait(list(pending))
        written += [f.result() for f in finished.done]
        pending.clear()
    except BaseException:
        client.cancel(list(pending))
        raise
    return written
