"""The outcome of validation: :class:`Finding` and :class:`ValidationReport`."""

from __future__ import annotations

import enum
import functools
import os
from dataclasses import dataclass, field, replace
from typing import Any

from ..errors import NgffValidationError

__all__ = ["Finding", "Severity", "ValidationReport", "make_report", "validation_error"]


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
    >>> from ngff_zarr import validate
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
        raise validation_error(f"{self.summary()}\n{shown}{tail}", self)

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


def make_report(
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


@functools.cache
def _error_type() -> type[NgffValidationError]:
    """:class:`NgffValidationError`, also a ``jsonschema`` ``ValidationError`` when installed.

    Code written for ngff-zarr catches ``jsonschema.exceptions.ValidationError`` from
    ``validate`` and ``from_ngff_zarr(validate=True)``; ours is caught there too.
    """
    try:
        from jsonschema.exceptions import ValidationError as SchemaError
    except ImportError:  # pragma: no cover - jsonschema ships with the validate extra
        return NgffValidationError

    class DocumentValidationError(NgffValidationError, SchemaError):  # type: ignore[misc]
        def __init__(self, message: str, report: Any = None) -> None:
            SchemaError.__init__(self, message)
            self.report = report

    DocumentValidationError.__module__ = __name__
    DocumentValidationError.__qualname__ = "NgffValidationError"
    return DocumentValidationError


def validation_error(message: str, report: Any) -> NgffValidationError:
    """The error raised for an invalid document or store; ``exc.report`` is ``report``."""
    return _error_type()(message, report=report)
