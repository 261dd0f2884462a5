"""The report of validate() for a document or a store, whether it raised or returned it."""

from __future__ import annotations

from typing import Any

import jsonschema

from ngff_zarr import ValidationReport, validate
from ngff_zarr.errors import NgffValidationError


def report_of(target: Any, **kwargs: Any) -> ValidationReport:
    """validate(target, **kwargs); an invalid document raises, and its report is returned."""
    try:
        return validate(target, **kwargs)
    except NgffValidationError as exc:
        error = exc
    # ngff-zarr's call form: the error is also jsonschema's, and carries the report
    assert isinstance(error, jsonschema.ValidationError)
    assert isinstance(error.report, ValidationReport)
    assert not error.report.valid
    return error.report
