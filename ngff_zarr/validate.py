"""Validation of OME-Zarr (OME-NGFF 0.1 to 0.5) stores and metadata documents.

:func:`validate` combines the package's own JSON Schemas (``ngff_zarr/schemas``, written from
the specification text) with data-level checks that a schema cannot express (axis order,
transformation lengths, the arrays behind each dataset, label dtypes, plate layout...). Each
problem becomes a :class:`Finding` with a stable code (see ``docs/validation.md``); violations of
a MUST are errors, violations of a SHOULD are warnings.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ._io.documents import check_structure
from ._io.store import StoreLike
from ._validation.document import check_version_argument, validate_document
from ._validation.report import Finding, Severity, ValidationReport, make_report
from ._validation.walk import validate_store
from .errors import InvalidMetadataError
from .vocab import NgffVersion

__all__ = ["Finding", "NgffVersion", "Severity", "ValidationReport", "validate"]


def validate(
    store_or_metadata: StoreLike | Mapping[str, Any],
    version: str | None = None,
    strict: bool = False,
    *,
    storage_options: Mapping[str, Any] | None = None,
) -> ValidationReport:
    """Validate an OME-Zarr store or a metadata document against OME-NGFF 0.1 to 0.5.

    Parameters
    ----------
    store_or_metadata
        A store: local path, fsspec URL, zarr ``Store`` or ``zarr.Group`` (its whole hierarchy
        is checked: arrays, labels, plate wells and fields); or a metadata document: the
        attributes of one group as a mapping (``.zattrs`` content for 0.1 to 0.4, the
        ``attributes`` of ``zarr.json`` for 0.5), checked without any store.
    version
        The OME-NGFF version to validate as (``"0.1"`` ... ``"0.5"``); by default it is read
        from the metadata. A version given here that differs from the metadata is an error.
    strict
        Promote warnings (SHOULD rules) to errors.
    storage_options
        Passed to fsspec for URLs.

    Returns
    -------
    ValidationReport
        Every finding; ``report.valid`` is False when there is an error.

    Raises
    ------
    UnsupportedVersionError
        When ``version`` is not one of the known versions.
    DependencyError
        When jsonschema / referencing are not installed (``pip install 'ngff-zarr[validate]'``).

    Examples
    --------
    >>> attrs = {"multiscales": [{"version": "0.4", "name": "img", "axes": [
    ...     {"name": "y", "type": "space"}, {"name": "x", "type": "space"}],
    ...     "datasets": [{"path": "0", "coordinateTransformations": [
    ...         {"type": "scale", "scale": [1.0, 1.0, 1.0]}]}]}]}
    >>> report = validate(attrs)
    >>> report.valid, sorted(report.codes)
    (False, ['NGFF111', 'NGFF112', 'NGFF202'])
    """
    check_version_argument(version)
    if isinstance(store_or_metadata, Mapping):
        target = "<attributes>"
        try:
            check_structure(store_or_metadata, target)
        except InvalidMetadataError as exc:
            message = str(exc).removeprefix(f"{target}: ")
            finding = Finding(code="NGFF001", path=target, message=message, severity=Severity.ERROR)
            return make_report(target, version, [finding], strict=strict)
        result = validate_document(dict(store_or_metadata), version=version, path=target)
        found_version, findings = result.version, result.findings
    else:
        target, found_version, findings = validate_store(
            store_or_metadata, version=version, storage_options=storage_options
        )
    return make_report(target, found_version, findings, strict=strict)
