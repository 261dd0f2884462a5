"""ngff-zarr's command form: ``ngff-zarr -i INPUT... [-o OUTPUT] [options]``.

Reads the inputs (see :mod:`._inputs`), builds the pyramid, computes the omero display
metadata, and writes OME-Zarr (a directory or a zipped ``.ozx``); without ``-o`` it prints the
multiscales it would write. The options are ngff-zarr 0.50's, with the same names and
defaults (OME-Zarr 0.5, itkwasm Gaussian, omero windows at the 2%/98% quantiles).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from ..errors import NgffValueError
from ..vocab import WRITE_VERSIONS
from ._common import CLASSIC_FLAGS, error_line, is_url
from ._inputs import BACKENDS, read_inputs

__all__ = ["build_parser", "is_classic", "local_cluster", "parse_bytes", "run"]

_SIZE = re.compile(r"^\s*([0-9.]+)\s*([kmgtp]?)(i?b?)\s*$", re.IGNORECASE)


def is_classic(argv: Sequence[str]) -> bool:
    """Whether a command line is in ngff-zarr's ``-i INPUT`` form."""
    return any(a in ("-i", "--input") or a.startswith("--input=") for a in argv)


def build_parser() -> argparse.ArgumentParser:
    from ..methods import Methods

    parser = argparse.ArgumentParser(
        prog="ngff-zarr",
        description="Convert datasets to and from the OME-Zarr Next Generation File Format.",
    )
    add = parser.add_argument
    add("-i", "--input", nargs="+", required=True, help="Input image(s)")
    add("-o", "--output", help="Output image. If not specified just print information.")
    meta = parser.add_argument_group("Metadata")
    meta.add_argument("-d", "--dims", nargs="+", metavar="DIM", help="Ordered dims: t z y x c")
    meta.add_argument("-u", "--units", nargs="+", help="Ordered spatial or temporal units")
    meta.add_argument("-s", "--scale", nargs="+", help="Scale per dim, e.g. z 4.0 y 1.0 x 1.0")
    meta.add_argument("-t", "--translation", nargs="+", help="Translation per dim, e.g. z 0.0")
    meta.add_argument("-n", "--name", help="Image name")
    meta.add_argument("--output-scale", type=int, default=0, help="Level of a multiscale input")
    meta.add_argument("--ome-zarr-version", choices=WRITE_VERSIONS, default="0.5")
    orientation = meta.add_mutually_exclusive_group()
    orientation.add_argument("--no-orientation", action="store_true")
    orientation.add_argument("--orientation", nargs="+", help='"LPS", "RAS" or dim/value pairs')
    meta.add_argument("--series", help="Series: index, name pattern, or 'all' (default)")
    omero = parser.add_argument_group("Omero")
    omero.add_argument("--no-omero", action="store_true")
    omero.add_argument("--omero-quantiles", nargs=2, type=float, metavar=("LOW", "HIGH"))
    omero.add_argument(
        "--omero-window", nargs=4, type=float, action="append",
        metavar=("MIN", "MAX", "START", "END"),
    )  # fmt: skip
    omero.add_argument("--omero-colors", nargs="+", metavar="COLOR")
    omero.add_argument("--omero-labels", nargs="+", metavar="LABEL")
    omero.add_argument("--omero-dense", action="store_true")
    proc = parser.add_argument_group("Processing")
    proc.add_argument("-c", "--chunks", nargs="+", type=int)
    proc.add_argument("--chunks-per-shard", nargs="+", type=int)
    proc.add_argument("-m", "--method", choices=[m.value for m in Methods])
    proc.add_argument("-q", "--quiet", action="store_true")
    proc.add_argument("-l", "--local-cluster", action="store_true")
    proc.add_argument("--input-backend", choices=BACKENDS)
    proc.add_argument("--storage-options", metavar="JSON")
    proc.add_argument("--memory-target", help="Memory limit, e.g. 4GB")
    proc.add_argument("--cache-dir")
    proc.add_argument("--use-tensorstore", action="store_true")
    proc.add_argument("--codec", help="Compression codec: blosc:zstd, gzip, zstd, lz4, none")
    proc.add_argument("--compression-level", type=int)
    return parser


def run(argv: Sequence[str]) -> int:
    """Run the command; an error is printed as ``Error: ...`` and gives exit code 1."""
    args = build_parser().parse_args(list(argv))
    try:
        return _run(args)
    except Exception as exc:  # one line: also a storage library's error (e.g. no credentials)
        print(f"Error: {error_line(exc, CLASSIC_FLAGS, one_line=False)}", file=sys.stderr)
        return 1


def _pairs(values: Sequence[str] | None, option: str) -> dict[str, float] | None:
    if not values:
        return None
    if len(values) % 2:
        raise NgffValueError(f"{option}: expected dim/value pairs, e.g. z 2.0 y 0.5, got {values}")
    try:
        return {values[i]: float(values[i + 1]) for i in range(0, len(values), 2)}
    except ValueError:
        raise NgffValueError(f"{option}: expected numbers after the dims, got {values}") from None


def parse_bytes(text: str) -> int:
    """``"50M"`` / ``"4GB"`` / ``"2GiB"`` / ``"1e9"`` in bytes (binary multiples)."""
    match = _SIZE.match(text)
    if match is None:
        raise NgffValueError(f"--memory-target: expected a size like 4GB or 500M, got {text!r}")
    number, prefix, _ = match.groups()
    power = "kmgtp".find(prefix.lower()) + 1 if prefix else 0
    return int(float(number) * 1024**power)


def _run(args: argparse.Namespace) -> int:
    from ..config import config

    overrides: dict[str, Any] = {}
    if args.memory_target:
        overrides["memory_target"] = parse_bytes(args.memory_target)
    if args.cache_dir:
        overrides["cache_store"] = args.cache_dir
    options = json.loads(args.storage_options) if args.storage_options else None
    with config.set(**overrides):
        images = read_inputs(
            args.input,
            backend=args.input_backend,
            series=args.series,
            output_scale=args.output_scale,
            storage_options=options,
        )
        # several series, or an output ending in "/": a folder with one store per series
        folder = args.output is not None and (
            len(images) > 1 or args.output.endswith(("/", os.sep))
        )
        if folder and not is_url(args.output):
            Path(args.output).mkdir(parents=True, exist_ok=True)
        cluster = local_cluster() if args.local_cluster else None
        try:
            for name, image in images:
                multiscales = _multiscales(_with_overrides(image, args, name, len(images)), args)
                if args.output is None:
                    _show(multiscales)
                    continue
                output = args.output
                if folder:  # one store per series, inside OUTPUT (a folder or a URL)
                    output = f"{args.output.rstrip('/').rstrip(os.sep)}/{name}.ome.zarr"
                _write(output, multiscales, args)
        finally:
            if cluster is not None:
                cluster.close()
    return 0


def _with_overrides(image: Any, args: argparse.Namespace, name: str = "", count: int = 1) -> Any:
    from dataclasses import replace

    from ..ngff_image import NgffImage

    changes: dict[str, Any] = {}
    if args.dims:
        if len(args.dims) != image.data.ndim:
            which = f"series {name!r} of {count}" if count > 1 else "the input"
            hint = "; --series picks the one the dims describe" if count > 1 else ""
            raise NgffValueError(
                f"--dims: expected {image.data.ndim} dims for {which} (dims "
                f"{list(image.dims)}), got {len(args.dims)}: {args.dims}{hint}"
            )
        changes.update(dims=tuple(args.dims), scale={}, translation={}, axes_units=None)
        changes.update(axes_orientations=None, axes_types=None)
    dims = changes.get("dims", image.dims)
    scale = _pairs(args.scale, "--scale")
    translation = _pairs(args.translation, "--translation")
    if scale:
        changes["scale"] = {**changes.get("scale", image.scale), **scale}
    if translation:
        changes["translation"] = {**changes.get("translation", image.translation), **translation}
    if args.units:
        with_units = [d for d in dims if d in ("t", "z", "y", "x")]
        if len(args.units) != len(with_units):
            raise NgffValueError(
                f"--units: expected one unit per spatial or time dim {with_units}, got {args.units}"
            )
        changes["axes_units"] = dict(zip(with_units, args.units, strict=True))
    if args.name:
        changes["name"] = args.name
    if args.no_orientation:
        changes["axes_orientations"] = None
    if not changes:
        return image
    fields = {**{k: getattr(image, k) for k in ("data", "dims", "scale", "translation")}}
    fields.update({k: v for k, v in changes.items() if k in fields})
    rest = {k: v for k, v in changes.items() if k not in fields}
    rebuilt: NgffImage = replace(image, **fields, **rest)
    return rebuilt


def _orientation(args: argparse.Namespace) -> Any:
    from ..rfc4 import AnatomicalOrientation, AnatomicalOrientationValues

    if not args.orientation:
        return None
    if len(args.orientation) == 1:
        return args.orientation[0]  # a preset name
    values = args.orientation
    if len(values) % 2:
        raise NgffValueError(f"--orientation: expected a preset or dim/value pairs, got {values}")
    return {
        values[i]: AnatomicalOrientation(AnatomicalOrientationValues(values[i + 1]))
        for i in range(0, len(values), 2)
    }


def _multiscales(image: Any, args: argparse.Namespace) -> Any:
    from ..methods import Methods
    from ..to_multiscales import to_multiscales

    chunks: Any = None
    if args.chunks:
        chunks = args.chunks[0] if len(args.chunks) == 1 else tuple(args.chunks)
    multiscales = to_multiscales(
        image,
        method=Methods(args.method) if args.method else None,
        chunks=chunks,
        orientation=_orientation(args),
    )
    if not args.no_omero:
        _add_omero(multiscales, args)
    return multiscales


def _add_omero(multiscales: Any, args: argparse.Namespace) -> None:
    from ..compute_omero import compute_omero_from_multiscales
    from ..v04.omero import OmeroWindow

    omero = compute_omero_from_multiscales(
        multiscales,
        quantiles=tuple(args.omero_quantiles) if args.omero_quantiles else (0.02, 0.98),
        colors=args.omero_colors,
        labels=args.omero_labels,
        dense=args.omero_dense,
    )
    for channel, window in zip(omero.channels, args.omero_window or [], strict=False):
        channel.window = OmeroWindow(*window)
    multiscales.metadata.omero = omero


def _write(output: str, multiscales: Any, args: argparse.Namespace) -> None:
    from ..codecs import codec_from_name
    from ..to_ngff_zarr import to_ngff_zarr

    kwargs: dict[str, Any] = {}
    if args.storage_options and is_url(output):  # an output URL (s3://...) uses them too
        kwargs["storage_options"] = json.loads(args.storage_options)
    if args.codec:
        codec = codec_from_name(args.codec, args.compression_level)
        kwargs["compressors"] = "none" if codec is None else codec
    shards: Any = None
    if args.chunks_per_shard:
        shards = (
            args.chunks_per_shard[0]
            if len(args.chunks_per_shard) == 1
            else tuple(args.chunks_per_shard)
        )
    to_ngff_zarr(
        output,
        multiscales,
        version=args.ome_zarr_version,
        chunks_per_shard=shards,
        use_tensorstore=args.use_tensorstore,
        progress=not args.quiet,
        **kwargs,
    )


def _show(multiscales: Any) -> None:
    from rich.console import Console
    from rich.panel import Panel
    from rich.pretty import Pretty

    Console().print(Panel(Pretty(multiscales), title="NGFF OME-Zarr"))


def local_cluster() -> Any:
    """A dask distributed LocalCluster and its Client for the run (``--local-cluster``)."""
    try:
        from distributed import Client, LocalCluster
    except ImportError as exc:
        from ..errors import missing_dependency

        raise missing_dependency("--local-cluster", "distributed", "distributed") from exc
    cluster = LocalCluster(processes=False, dashboard_address=None)
    client = Client(cluster)

    class _Both:
        def close(self) -> None:
            client.close()
            cluster.close()

    return _Both()
