"""``convert_folder``: convert every image of a folder, or of a BIDS-like project, to OME-Zarr.

A project is laid out as ``<root>/<subject>/<session>/[<tag>/]<files>``; the output mirrors it
as ``<output>/<subject>/<session>/[<tag>/]<file stem>.ome.zarr``. A file whose output already
holds OME-Zarr metadata (the writer writes it last, so it marks a finished store) is skipped; a
file that fails is recorded and the run goes on. Every run writes a JSON report.
"""

from __future__ import annotations

import json
import time
import traceback
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any

from .concatenate import MergeAxis, MergePolicy, concatenate
from .errors import NgffZarrError, PathNotFoundError
from .formats import READERS, primary_files
from .from_ngff_zarr import from_ngff_zarr
from .labels import read_labels, write_labels
from .multiscales import Multiscales
from .ngff_image import NgffImage
from .read_image import read_image, read_images, read_multiscales
from .tables import list_tables, read_table, read_table_metadata, write_table
from .to_multiscales import to_multiscales
from .to_ngff_zarr import to_ngff_zarr

__all__ = [
    "ConversionOptions",
    "RunReport",
    "convert_file",
    "convert_folder",
    "convert_merged",
    "convert_store",
]

_REPORT_NAME = "ngff_zarr_report.json"


@dataclass(frozen=True, slots=True, kw_only=True)
class ConversionOptions:
    """How each image is written (the parameters of the pipeline functions)."""

    version: str = "0.5"
    scale_factors: int | Sequence[int] | None = None
    method: str | None = None
    chunks: int | Sequence[int] | Mapping[str, int] | None = None
    chunks_per_shard: int | Sequence[int] | Mapping[str, int] | None = None
    reader: str | None = None
    dims: Sequence[str] | None = None
    scale: Mapping[str, float] | None = None
    axes_units: Mapping[str, str] | None = None
    channel_names: Sequence[str] | None = None
    overwrite: bool = False
    progress: bool = False
    omero: bool = True  # omero display metadata computed from the pixels (as ngff-zarr's CLI)
    # also applied to an OME-Zarr source; a name or translation re-plans a stored pyramid
    name: str | None = None
    translation: Mapping[str, float] | None = None
    codec: str | None = None  # a codec_from_name name ("zstd", "blosc:lz4", "none")
    compression_level: int | None = None
    storage_options: Mapping[str, Any] | None = None  # for an output URL (s3://...)
    # display windows, one (min, max, start, end) per channel: the rest of omero from the pixels
    omero_windows: Sequence[tuple[float, float, float, float]] | None = None


@dataclass(slots=True, kw_only=True)
class RunReport:
    """What a batch run converted, skipped and failed (and why); written as JSON."""

    converted: list[dict[str, Any]] = field(default_factory=list)
    skipped: list[dict[str, Any]] = field(default_factory=list)
    failed: list[dict[str, Any]] = field(default_factory=list)
    started: float = field(default_factory=time.time)
    finished: float | None = None

    def write(self, path: Path) -> None:
        """Write the report as JSON to ``path``."""
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(asdict(self), indent=2, default=str) + "\n", encoding="utf-8")


def convert_file(
    path: str | Path,
    output: str | Path,
    *,
    series: int | None = None,
    options: ConversionOptions | None = None,
) -> list[Path | str]:
    """Convert one file to OME-Zarr; returns the stores written.

    One store per series: ``output`` itself for a single series (or a chosen ``series``),
    else ``<output stem>_s<N>.ome.zarr`` next to it. A pyramid stored in the file is copied
    unless ``scale_factors`` asks for computed levels.
    """
    options = options or ConversionOptions()
    read = _read_options(options)
    if series is None:
        images = dict(enumerate(read_images(path, **read)))
    else:  # the reader options (dims, scale...) describe the chosen series only
        images = {series: read_image(path, series=series, **read)}
    indices = list(images)
    outputs: list[Path | str] = []
    for index in indices:
        target = _target(output) if len(indices) == 1 else _series_path(_target(output), index)
        multiscales = _pyramid(path, index, images, options, read)
        _write(multiscales, target, options)
        outputs.append(target)
    return outputs


def convert_image(
    image: NgffImage, output: str | Path, *, options: ConversionOptions | None = None
) -> list[Path | str]:
    """Write an image read by other means (e.g. ITK) with ``options``; returns the store.

    The options' name, translation, scale, units and channel names are applied to ``image``,
    then the pyramid is planned and written as for a file.
    """
    options = options or ConversionOptions()
    _write(_planned(_described(image, options), options), output, options)
    return [_target(output)]


def convert_store(
    source: str | Path, output: str | Path, *, options: ConversionOptions | None = None
) -> list[Path | str]:
    """Rewrite the OME-Zarr image at ``source`` with the writer options of ``options``.

    The pyramid is planned again from level 0 (with the source's level factors, method and
    chunks unless ``options`` asks for others), so the output holds what the writer always
    writes, whatever tool wrote the source: units in the specification's names
    (``"seconds"`` becomes ``"second"``), the downsampling ``type`` and ``metadata``, and it
    passes ``validate(strict=True)``.

    Its label images and tables come along: each label is rewritten beside the new image in
    the new version (its stored levels as they are), each table with its type metadata and
    backend.
    """
    options = options or ConversionOptions()
    stored = from_ngff_zarr(source)
    kwargs: dict[str, Any] = {
        "scale_factors": options.scale_factors
        if options.scale_factors is not None
        else [_spatial(f) for f in _stored_factors(stored)],
        "method": options.method or stored.method,
        "chunks": options.chunks if options.chunks is not None else stored.chunks,
    }
    _write(to_multiscales(_described(stored.images[0], options), **kwargs), output, options)
    for name, label in read_labels(source).items():
        write_labels(
            output,
            name,
            label,
            chunks_per_shard=options.chunks_per_shard,
            overwrite=True,
            progress=options.progress,
        )
    for name in list_tables(source):
        meta = read_table_metadata(source, name)
        write_table(
            output,
            name,
            read_table(source, name),
            type=meta.type,
            backend=meta.backend,
            region=meta.region,
            index_key=meta.index_key,
            index_type=meta.index_type,
            metadata=meta.extra,
            overwrite=True,
        )
    return [_target(output)]


def _stored_factors(stored: Multiscales) -> list[dict[str, int]]:
    """Each stored lower level's factor per dim relative to the first (rounded)."""
    first = stored.images[0]
    return [
        {
            d: max(1, round(n0 / n))
            for d, n0, n in zip(first.dims, first.shape, im.shape, strict=True)
        }
        for im in stored.images[1:]
    ]


def _spatial(factors: Any) -> Any:
    """A stored level's factors without the dims it does not shrink (t and c stay whole)."""
    if not isinstance(factors, Mapping):
        return factors
    return {d: f for d, f in factors.items() if d in ("z", "y", "x")}


def convert_merged(
    paths: Sequence[str | Path],
    output: str | Path,
    *,
    axis: MergeAxis,
    policy: MergePolicy = "strict",
    series: int | None = None,
    options: ConversionOptions | None = None,
) -> list[Path | str]:
    """Merge the images of ``paths`` (every series, or ``series`` of each) into one store."""
    options = options or ConversionOptions()
    read = _read_options(options)
    images = []
    for path in paths:
        if series is None:
            images += read_images(path, **read)
        else:
            images.append(read_image(path, series=series, **read))
    merged = concatenate(images, axis=axis, policy=policy)
    _write(_planned(merged, options), output, options)
    return [_target(output)]


def _write(multiscales: Multiscales, target: str | Path, options: ConversionOptions) -> None:
    """Write ``multiscales`` with the writer options of ``options``."""
    from .codecs import codec_from_name

    kwargs: dict[str, Any] = {}
    if options.omero_windows:
        multiscales.metadata.omero = _windowed(multiscales, options.omero_windows)
    if options.codec is not None:
        codec = codec_from_name(options.codec, options.compression_level)
        kwargs["compressors"] = "none" if codec is None else codec
    to_ngff_zarr(
        _target(target),
        multiscales,
        version=options.version,  # type: ignore[arg-type]
        chunks_per_shard=options.chunks_per_shard,
        overwrite=options.overwrite,
        progress=options.progress,
        omero=options.omero,
        storage_options=options.storage_options,
        **kwargs,
    )


def _windowed(
    multiscales: Multiscales, windows: Sequence[tuple[float, float, float, float]]
) -> Any:
    """The omero metadata of ``multiscales`` computed from its pixels, with ``windows``."""
    from .compute_omero import compute_omero_from_multiscales
    from .errors import NgffValueError
    from .v04.omero import OmeroWindow

    omero = compute_omero_from_multiscales(multiscales)
    if len(windows) != len(omero.channels):
        raise NgffValueError(
            f"omero_windows: expected one window per channel ({len(omero.channels)}), "
            f"got {len(windows)}"
        )
    for channel, window in zip(omero.channels, windows, strict=True):
        channel.window = OmeroWindow(*map(float, window))
    return omero


def _target(output: str | Path) -> Path | str:
    """An output URL (``s3://...``) as given; a local path (``file://`` stripped) as a Path."""
    text = str(output)
    if text.startswith("file://"):
        return Path(text[len("file://") :])
    return text if "://" in text else Path(output)


def _described(image: NgffImage, options: ConversionOptions) -> NgffImage:
    """``image`` with the name, translation, scale, units and channel names ``options`` give.

    (The reader applies scale, units and channel names to a file it reads; an OME-Zarr
    source gets them here.)
    """
    changes: dict[str, Any] = {}
    if options.name is not None:
        changes["name"] = options.name
    if options.translation:
        changes["translation"] = {**image.translation, **options.translation}
    if options.scale:
        changes["scale"] = {**image.scale, **options.scale}
    if options.axes_units:
        changes["axes_units"] = {**(image.axes_units or {}), **options.axes_units}
    if options.channel_names is not None:
        changes["channel_names"] = list(options.channel_names)
    return replace(image, **changes) if changes else image


def _planned(image: NgffImage, options: ConversionOptions) -> Multiscales:
    """Plan the pyramid of ``image`` with the options' scale factors, method and chunks."""
    kwargs: dict[str, Any] = {"method": options.method, "chunks": options.chunks}
    if options.scale_factors is not None:
        kwargs["scale_factors"] = options.scale_factors
    described = replace(options, scale=None, axes_units=None, channel_names=None)
    return to_multiscales(_described(image, described), **kwargs)


def convert_folder(
    input_dir: str | Path,
    output_dir: str | Path,
    *,
    pattern: str = "*",
    recursive: bool = False,
    merge_axis: MergeAxis | None = None,
    merge_policy: MergePolicy = "strict",
    subject_pattern: str | None = None,
    session_pattern: str | None = None,
    tag_pattern: str | None = None,
    skip_existing: bool = True,
    options: ConversionOptions | None = None,
    report: str | Path | None = None,
) -> RunReport:
    """Convert every matching image of a folder (or of a subject/session/tag project).

    Parameters
    ----------
    input_dir
        The folder, or the project root when ``subject_pattern`` is given.
    output_dir
        Where the stores go; mirrors the project layout.
    pattern
        Glob for the image files inside each folder (e.g. ``"*.czi"``).
    recursive
        Search sub-folders too (plain folder mode).
    merge_axis, merge_policy
        Merge all images of a folder into one store along ``t``, ``z`` or ``c`` (see
        :func:`~ngff_zarr.concatenate`), in sorted file order.
    subject_pattern, session_pattern, tag_pattern
        Project mode: globs for the subject folders, the session folders inside them and,
        optionally, tag folders inside the sessions (e.g. ``"sub-*"``, ``"ses-*"``, ``"*"``).
    skip_existing
        Skip inputs whose output store is already complete.
    options
        Writer and reader options.
    report
        Path of the JSON report; default ``<output_dir>/ngff_zarr_report.json``.

    Returns
    -------
    RunReport

    Raises
    ------
    PathNotFoundError
        ``input_dir`` is not a directory (also a ``FileNotFoundError``).
    """
    root, out_root = Path(input_dir), Path(output_dir)
    if not root.is_dir():
        raise PathNotFoundError(f"input_dir: no such directory: {str(root)!r}")
    options = options or ConversionOptions()
    run = RunReport()
    for folder in _folders(root, subject_pattern, session_pattern, tag_pattern, recursive):
        files = _images_in(folder, pattern, out_root)
        relative = folder.relative_to(root)
        if merge_axis is not None and files:
            target = out_root / relative / f"{folder.name or 'merged'}.ome.zarr"
            _run_one(
                run,
                files,
                target,
                skip_existing,
                lambda f=files, t=target: convert_merged(
                    f, t, axis=merge_axis, policy=merge_policy, options=options
                ),
            )
            continue
        for path in files:
            target = out_root / relative / f"{_stem(path)}.ome.zarr"
            _run_one(
                run,
                [path],
                target,
                skip_existing,
                lambda p=path, t=target: convert_file(p, t, options=options),
            )
    run.finished = time.time()
    run.write(Path(report) if report is not None else out_root / _REPORT_NAME)
    return run


def _run_one(run: RunReport, inputs: list[Path], target: Path, skip: bool, job: Any) -> None:
    names = [str(p) for p in inputs]
    if skip and _is_complete(target):
        run.skipped.append({"inputs": names, "output": str(target), "reason": "already converted"})
        return
    try:
        outputs = job()
    except (NgffZarrError, OSError, ValueError, RuntimeError, KeyError) as exc:
        run.failed.append(
            {
                "inputs": names,
                "output": str(target),
                "error": f"{type(exc).__name__}: {exc}",
                "where": traceback.format_exception_only(exc)[-1].strip(),
            }
        )
        return
    run.converted.append({"inputs": names, "outputs": [str(o) for o in outputs]})


def _pyramid(
    path: str | Path,
    index: int,
    images: Mapping[int, NgffImage],
    options: ConversionOptions,
    read: dict[str, Any],
) -> Multiscales:
    if options.scale_factors is None and options.name is None and not options.translation:
        stored = read_multiscales(path, series=index, **read)
        if len(stored.images) > 1:
            return stored
    return _planned(images[index], options)


def _read_options(options: ConversionOptions) -> dict[str, Any]:
    return {
        "reader": options.reader,
        "dims": options.dims,
        "scale": options.scale,
        "axes_units": options.axes_units,
        "channel_names": options.channel_names,
    }


def _folders(
    root: Path,
    subject: str | None,
    session: str | None,
    tag: str | None,
    recursive: bool,
) -> list[Path]:
    if subject is None:
        if not recursive:
            return [root]
        return [root, *sorted(p for p in root.rglob("*") if p.is_dir() and not _is_zarr(p))]
    out = []
    for sub in sorted(p for p in root.glob(subject) if p.is_dir()):
        for ses in sorted(p for p in sub.glob(session or "*") if p.is_dir()):
            if tag is None:
                out.append(ses)
            else:
                out.extend(sorted(p for p in ses.glob(tag) if p.is_dir() and not _is_zarr(p)))
    return out


def _images_in(folder: Path, pattern: str, out_root: Path) -> list[Path]:
    extensions = tuple(ext for entry in READERS.values() for ext in entry.extensions)
    return primary_files(
        [
            p
            for p in folder.glob(pattern)
            if p.is_file() and p.name.lower().endswith(extensions) and out_root not in p.parents
        ]
    )


def _stem(path: Path) -> str:
    name = path.name
    for suffix in (".companion.ome", ".ome.tiff", ".ome.tif"):
        if name.lower().endswith(suffix):
            return name[: -len(suffix)]
    return path.stem


def _series_path(output: Path | str, index: int) -> Path | str:
    if isinstance(output, str):  # a URL
        base = output[: -len(".ome.zarr")] if output.endswith(".ome.zarr") else output
        return f"{base}_s{index}.ome.zarr"
    name = output.name
    base = name[: -len(".ome.zarr")] if name.endswith(".ome.zarr") else output.stem
    return output.with_name(f"{base}_s{index}.ome.zarr")


def _is_zarr(path: Path) -> bool:
    return path.name.endswith(".zarr")


def _is_complete(target: Path) -> bool:
    """Whether ``target`` holds OME-Zarr metadata (written last, so the store is finished)."""
    for store in (target, Path(_series_path(target, 0))):  # one store, or one per series
        v3, v2 = store / "zarr.json", store / ".zattrs"
        try:
            if v3.is_file():
                attrs = (
                    json.loads(v3.read_text(encoding="utf-8")).get("attributes", {}).get("ome", {})
                )
            elif v2.is_file():
                attrs = json.loads(v2.read_text(encoding="utf-8"))
            else:
                continue
        except (ValueError, AttributeError):
            continue
        if isinstance(attrs, dict) and "multiscales" in attrs:
            return True
    return False
