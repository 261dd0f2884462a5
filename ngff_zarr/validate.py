"""Validation of OME-Zarr (OME-NGFF 0.1 to 0.5) stores and metadata documents.

:func:`validate` combines the package's own JSON Schemas (``ngff_zarr/schemas``, written from
the specification text) with data-level checks that a schema cannot express (axis order,
transformation lengths, the arrays behind each dataset, label dtypes, plate layout...). Each
problem becomes a :class:`Finding` with a stable code (see ``docs/validation.md``); violations of
a MUST are errors, violations of a SHOULD are warnings.
"""

from __future__ import annotations

import enum
import os
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any, Literal

from .errors import NgffValidationError

if TYPE_CHECKING:
    from ._store import StoreLike

__all__ = ["Finding", "NgffVersion", "Severity", "ValidationReport", "validate"]

NgffVersion = Literal["0.1", "0.2", "0.3", "0.4", "0.5"]


class Severity(enum.StrEnum):
    """How serious a finding is: an ``ERROR`` breaks a MUST, a ``WARNING`` a SHOULD."""

    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True, slots=True, kw_only=True)
class Finding:
    """One problem found by :func:`validate`.

    Parameters
    ----------
    code
        Stable identifier of the rule, e.g. ``"NGFF202"`` (listed in ``docs/validation.md``).
    path
        The store key (or file) holding the problem, e.g. ``"A/1/0/zarr.json"``; for a metadata
        document, ``"<attributes>"``.
    message
        What was expected and what was found.
    severity
        :attr:`Severity.ERROR` or :attr:`Severity.WARNING`.
    field
        The JSON field at fault, as a dotted path such as ``"multiscales[0].axes"``, when known.
    """

    code: str
    path: str
    message: str
    severity: Severity
    field: str | None = None

    def __str__(self) -> str:
        where = f"{self.path}: {self.field}" if self.field else self.path
        return f"{self.severity.value} {self.code} {where}: {self.message}"


@dataclass(frozen=True, slots=True, kw_only=True)
class ValidationReport:
    """The outcome of :func:`validate`: every finding, errors first.

    Parameters
    ----------
    target
        What was validated (a store location or ``"<attributes>"``).
    version
        The OME-NGFF version the target was validated as, None when it could not be told.
    findings
        Every problem found, errors before warnings.
    strict
        Whether warnings were promoted to errors.

    Examples
    --------
    >>> report = validate({"well": {"images": [{"path": "0"}], "version": "0.4"}})
    >>> report.valid, report.version
    (True, '0.4')
    """

    target: str
    version: str | None
    findings: tuple[Finding, ...] = field(default_factory=tuple)
    strict: bool = False

    @property
    def errors(self) -> tuple[Finding, ...]:
        """The findings of severity error."""
        return tuple(f for f in self.findings if f.severity is Severity.ERROR)

    @property
    def warnings(self) -> tuple[Finding, ...]:
        """The findings of severity warning."""
        return tuple(f for f in self.findings if f.severity is Severity.WARNING)

    @property
    def valid(self) -> bool:
        """True when there is no error (warnings allowed unless ``strict``)."""
        return not self.errors

    @property
    def ok(self) -> bool:
        """Alias of :attr:`valid`."""
        return self.valid

    @property
    def codes(self) -> frozenset[str]:
        """The distinct codes of all findings."""
        return frozenset(f.code for f in self.findings)

    def summary(self) -> str:
        """One line: target, version and counts."""
        state = "valid" if self.valid else "INVALID"
        return (
            f"{self.target}: {state} (OME-NGFF {self.version or '?'}; "
            f"{len(self.errors)} error(s), {len(self.warnings)} warning(s))"
        )

    def __str__(self) -> str:
        return "\n".join([self.summary(), *(f"  {f}" for f in self.findings)])

    def raise_on_error(self) -> None:
        """Raise :class:`~ngff_zarr.errors.NgffValidationError` carrying this report if invalid.

        Raises
        ------
        NgffValidationError
            When the report holds at least one error; ``exc.report`` is this report.
        """
        if self.valid:
            return
        shown = "\n".join(f"  {f}" for f in self.errors[:10])
        more = len(self.errors) - 10
        tail = f"\n  ... and {more} more" if more > 0 else ""
        raise NgffValidationError(f"{self.summary()}\n{shown}{tail}", report=self)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-serialisable form of the report."""
        return {
            "target": self.target,
            "version": self.version,
            "valid": self.valid,
            "strict": self.strict,
            "findings": [
                {
                    "code": f.code,
                    "severity": f.severity.value,
                    "path": f.path,
                    "field": f.field,
                    "message": f.message,
                }
                for f in self.findings
            ],
        }


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
    from ._validate_document import check_version_argument, validate_document

    check_version_argument(version)
    if isinstance(store_or_metadata, Mapping):
        target = "<attributes>"
        result = validate_document(dict(store_or_metadata), version=version, path=target)
        found_version, findings = result.version, result.findings
    else:
        from ._validate_store import validate_store

        target, found_version, findings = validate_store(
            store_or_metadata, version=version, storage_options=storage_options
        )
    return _report(target, found_version, findings, strict=strict)


def _report(
    target: str | os.PathLike[str], version: str | None, findings: list[Finding], *, strict: bool
) -> ValidationReport:
    if strict:
        findings = [
            replace(f, severity=Severity.ERROR) if f.severity is Severity.WARNING else f
            for f in findings
        ]
    unique = list(dict.fromkeys(findings))
    unique.sort(key=lambda f: (f.severity is not Severity.ERROR,))
    return ValidationReport(
        target=os.fspath(target), version=version, findings=tuple(unique), strict=strict
    )
