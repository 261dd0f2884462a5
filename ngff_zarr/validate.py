"""Validation of OME-Zarr (OME-NGFF 0.1 to 0.6) stores and metadata documents.

:func:`validate` combines the package's own JSON Schemas (``ngff_zarr/schemas``, written from
the specification text) with data-level checks that a schema cannot express (axis order,
transformation lengths, the arrays behind each dataset, label dtypes, plate layout...). Each
problem becomes a :class:`Finding` with a stable code (see ``docs/validation.md``); violations of
a MUST are errors, violations of a SHOULD are warnings.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from importlib import resources
from typing import Any

from ._io.documents import check_structure
from ._io.store import StoreLike
from ._validation.document import KINDS, check_version_argument, validate_document
from ._validation.report import Finding, Severity, ValidationReport, make_report
from ._validation.schema import SCHEMA_BASE, available_schemas
from ._validation.walk import validate_store
from .errors import InvalidMetadataError, UnsupportedVersionError, unknown_choice
from .vocab import NgffVersion

__all__ = ["Finding", "NgffVersion", "Severity", "ValidationReport", "load_schema", "validate"]


def validate(
    ngff_dict: StoreLike | Mapping[str, Any],
    version: str | None = None,
    model: str | None = None,
    strict: bool = False,
    *,
    storage_options: Mapping[str, Any] | None = None,
) -> ValidationReport:
    """Validate a metadata document or a whole OME-Zarr store against OME-NGFF 0.1 to 0.6.

    A **document** (ngff-zarr's call form, ``validate(ngff_dict, version=, model=, strict=)``)
    raises when it has an error; a **store** returns its report, errors included.

    Parameters
    ----------
    ngff_dict
        A metadata document: the attributes of one group as a mapping (``.zattrs`` content for
        0.1 to 0.4, the ``attributes`` of ``zarr.json`` from 0.5 on), checked without a store.
        Or a store: local path, fsspec URL, zarr ``Store`` or ``zarr.Group``; its whole
        hierarchy is checked (arrays, labels, plate wells and fields).
    version
        The OME-NGFF version to validate as (``"0.1"`` ... ``"0.6"``); by default the version
        the metadata states (ngff-zarr's default is ``"0.4"``; a document that states 0.4
        validates the same either way). A version given here that differs from the
        metadata's is an error.
    model
        For a document: check it as this kind only (``"image"``, ``"label"``, ``"labels"``,
        ``"plate"``, ``"well"``, ``"bf2raw"``, ``"series"``, ``"scene"``) and require it;
        default: every kind the document holds.
    strict
        Promote warnings (SHOULD rules) to errors.
    storage_options
        Passed to fsspec for URLs.

    Returns
    -------
    ValidationReport
        Every finding; for a document only when it is valid (warnings remain).

    Raises
    ------
    NgffValidationError
        A document with an error. The exception is also a
        ``jsonschema.exceptions.ValidationError`` (what ngff-zarr raises) and a ``ValueError``;
        ``exc.report`` holds the report.
    UnsupportedVersionError
        When ``version`` is not one of the known versions.
    NgffValueError
        An unknown ``model``.
    DependencyError
        When jsonschema / referencing are not installed (``pip install 'ngff-zarr[validate]'``).

    Examples
    --------
    >>> attrs = {"multiscales": [{"version": "0.4", "name": "img", "axes": [
    ...     {"name": "y", "type": "space"}, {"name": "x", "type": "space"}],
    ...     "datasets": [{"path": "0", "coordinateTransformations": [
    ...         {"type": "scale", "scale": [1.0, 1.0]}]}]}]}
    >>> report = validate(attrs)
    >>> report.valid, sorted(report.codes)  # valid, with two SHOULD warnings
    (True, ['NGFF111', 'NGFF112'])
    >>> attrs["multiscales"][0]["datasets"][0]["coordinateTransformations"][0]["scale"] = [1.0]
    >>> try:
    ...     validate(attrs, version="0.4", model="image")
    ... except ValueError as exc:
    ...     sorted(exc.report.codes)
    ['NGFF010', 'NGFF111', 'NGFF112', 'NGFF202']
    """
    check_version_argument(version)
    if model is not None and model not in KINDS:
        raise unknown_choice("model", model, KINDS)
    if isinstance(ngff_dict, Mapping):
        target = "<attributes>"
        try:
            check_structure(ngff_dict, target)
        except InvalidMetadataError as exc:
            message = str(exc).removeprefix(f"{target}: ")
            finding = Finding(code="NGFF001", path=target, message=message, severity=Severity.ERROR)
            report = make_report(target, version, [finding], strict=strict)
        else:
            result = validate_document(dict(ngff_dict), version=version, path=target, kind=model)
            report = make_report(target, result.version, result.findings, strict=strict)
        report.raise_on_error()
        return report
    target, found_version, findings = validate_store(
        ngff_dict, version=version, storage_options=storage_options
    )
    return make_report(target, found_version, findings, strict=strict)


def load_schema(version: str = "0.4", model: str = "image", strict: bool = False) -> dict[str, Any]:
    """The JSON Schema this package validates ``model`` documents of ``version`` with.

    The schemas are the package's own, written from the specification text (their ``$id``
    use the reserved ``.invalid`` domain). There is one schema per kind: ``strict`` checks
    are :func:`validate`'s ``strict=True`` (warnings become errors), so ``strict`` returns
    the same schema.

    Raises
    ------
    UnsupportedVersionError
        No schema for ``version``.
    NgffValueError
        No schema for ``model`` in that version.

    Examples
    --------
    >>> load_schema("0.5", "plate")["$id"]
    'https://ngff-zarr.invalid/schemas/0.5/plate.schema.json'
    """
    pairs = available_schemas()
    versions = sorted({v for v, _ in pairs})
    if version not in versions:
        raise UnsupportedVersionError(
            f"version: expected one of {versions}, got {version!r} (no schema for it)"
        )
    models = sorted(k for v, k in pairs if v == version)
    if model not in models:
        raise unknown_choice("model", model, models)
    text = resources.files("ngff_zarr").joinpath("schemas", version, f"{model}.schema.json")
    schema: dict[str, Any] = json.loads(text.read_text(encoding="utf-8"))
    assert schema["$id"] == f"{SCHEMA_BASE}{version}/{model}.schema.json"
    return schema
