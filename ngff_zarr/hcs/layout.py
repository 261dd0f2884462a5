"""What the HCS writer and reader share: locating a plate and checking its documents."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import zarr
from zarr.abc.store import Store

from .._io.store import StoreLike, as_store
from .._validation.document import validate_document
from .._validation.report import ValidationReport, make_report
from .._validation.rules import Sink, check_well_acquisitions
from ..errors import NgffValidationError
from ..vocab import WriteVersion

__all__ = ["HcsVersion", "check_document", "describe_errors", "document_report", "locate"]

HcsVersion = WriteVersion


def locate(
    store: StoreLike,
    *,
    read_only: bool,
    storage_options: Mapping[str, Any] | None = None,
) -> tuple[Store, str]:
    """The zarr store and the path inside it of a plate given as path, URL, store or group."""
    if isinstance(store, zarr.Group):
        return store.store, store.path
    return as_store(store, read_only=read_only, storage_options=storage_options), ""


def document_report(
    attrs: Mapping[str, Any], *, acquisitions: tuple[int, ...] | None = None
) -> ValidationReport:
    """A plate or well document checked under the spec's rules (the validator's).

    ``acquisitions`` are the ids of the plate a well belongs to, when known.
    """
    result = validate_document(dict(attrs))
    sink = Sink("<attributes>")
    if acquisitions is not None:
        well = attrs.get("ome", attrs)
        content = dict(well) if isinstance(well, Mapping) else {}
        check_well_acquisitions(content, acquisitions, sink)
    return make_report(
        "<attributes>", result.version, [*result.findings, *sink.findings], strict=False
    )


def describe_errors(report: ValidationReport) -> str:
    """The errors of a report on one line: ``field: message; ...``."""
    return "; ".join(f"{f.field or f.code}: {f.message}" for f in report.errors)


def check_document(
    attrs: Mapping[str, Any], where: str, *, acquisitions: tuple[int, ...] | None = None
) -> None:
    """Raise :class:`NgffValidationError` when a plate or well document breaks the spec."""
    report = document_report(attrs, acquisitions=acquisitions)
    if not report.valid:
        raise NgffValidationError(f"{where}: {describe_errors(report)}", report=report)
