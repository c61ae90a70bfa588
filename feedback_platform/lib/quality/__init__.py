"""Data-quality suites: run Great Expectations expectations over a frame, report plain outcomes."""

from feedback_platform.lib.quality.expectation_factory import (
    ExpectationFactory,
    build_expectations,
    referenced_columns,
)
from feedback_platform.lib.quality.outcome import RECORD_FIELDS, ExpectationOutcome, SuiteOutcome
from feedback_platform.lib.quality.runner import run_suite

__all__ = [
    "RECORD_FIELDS",
    "ExpectationFactory",
    "ExpectationOutcome",
    "SuiteOutcome",
    "build_expectations",
    "referenced_columns",
    "run_suite",
]
