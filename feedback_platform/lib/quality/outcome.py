"""What a data-quality suite run found, in plain types a Dagster asset check can report.

Nothing here depends on Great Expectations: the runner translates GX results into these, so the checks
that turn an outcome into `AssetCheckResult` metadata never touch GX objects.
"""

import json
from dataclasses import dataclass

from feedback_platform.lib.quality.json_values import JsonValue

# The keys of every record `SuiteOutcome.as_records` returns, in display order, e.g. for a TableSchema.
RECORD_FIELDS: tuple[str, ...] = (
    "expectation",
    "column",
    "success",
    "element_count",
    "missing_count",
    "unexpected_count",
    "unexpected_percent",
    "observed_value",
    "failing_sample",
    "failing_at",
    "error",
    "kwargs",
)

# kwargs already named by ExpectationOutcome.column, left out of the summary line.
_COLUMN_KWARGS = frozenset({"column", "column_A", "column_B", "column_list"})
_MAX_KWARG_TEXT = 60


def _compact_json(value: JsonValue) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def _scalar(value: JsonValue) -> str | int | float | bool | None:
    """A value a Dagster table cell accepts: lists and dicts become their JSON text."""
    return _compact_json(value) if isinstance(value, list | dict) else value


@dataclass(frozen=True)
class ExpectationOutcome:
    """The result of one expectation.

    `column` names the column the expectation is about, comma-joined for column-pair and multicolumn
    expectations, None for table-level ones. `observed` holds whichever of element_count,
    missing_count, unexpected_count, unexpected_percent and observed_value GX reported, plus `error`
    when GX could not evaluate the expectation (e.g. a missing column). `failing_sample` holds up to 5
    distinct unexpected values as `feedback_platform.lib.shown_values` lets metadata show them: ids,
    dates, numbers and names as they are, user ids masked, a text as its length (`[41 chars]`).
    """

    expectation: str
    column: str | None
    kwargs: dict[str, JsonValue]
    success: bool
    observed: dict[str, JsonValue]
    failing_sample: list[JsonValue]
    failing_at: tuple[str, ...] = ()
    """Where the first failing rows came from ("feedback/2026-11-01/part-0000.jsonl.gz:17"), when the
    suite was told which columns say so."""

    def describe(self) -> str:
        """One readable line, e.g. `expect_column_values_to_be_between on rating (min_value=1.0, ...)`."""
        subject = self.expectation + (f" on {self.column}" if self.column else "")
        settings = ", ".join(
            f"{key}={_compact_json(value)[:_MAX_KWARG_TEXT]}"
            for key, value in self.kwargs.items()
            if key not in _COLUMN_KWARGS
        )
        if settings:
            subject += f" ({settings})"
        return f"{subject}: {self._finding()}"

    def _finding(self) -> str:
        if self.observed.get("error"):
            return f"could not be evaluated: {self.observed['error']}"
        if "unexpected_count" in self.observed:
            rows = self.observed.get("element_count")
            finding = f"{self.observed['unexpected_count']} unexpected of {rows} rows"
            if self.failing_sample:
                finding += f", e.g. {_compact_json(self.failing_sample)}"
            if self.failing_at:
                finding += f" at {', '.join(self.failing_at)}"
            return finding
        if "observed_value" in self.observed:
            return f"observed {_compact_json(self.observed['observed_value'])}"
        return "passed" if self.success else "failed"

    def as_record(self) -> dict[str, str | int | float | bool | None]:
        """A flat record with the keys in RECORD_FIELDS and scalar values (see SuiteOutcome.as_records)."""
        return {
            "expectation": self.expectation,
            "column": self.column,
            "success": self.success,
            "element_count": _scalar(self.observed.get("element_count")),
            "missing_count": _scalar(self.observed.get("missing_count")),
            "unexpected_count": _scalar(self.observed.get("unexpected_count")),
            "unexpected_percent": _scalar(self.observed.get("unexpected_percent")),
            "observed_value": _scalar(self.observed.get("observed_value")),
            "failing_sample": _compact_json(self.failing_sample),
            "failing_at": ", ".join(self.failing_at) or None,
            "error": _scalar(self.observed.get("error")),
            "kwargs": _compact_json(self.kwargs),
        }


@dataclass(frozen=True)
class SuiteOutcome:
    """The result of one suite run over one frame; `expectations` keeps the order they were given in."""

    suite: str
    success: bool
    expectations: list[ExpectationOutcome]

    def failures(self) -> list[ExpectationOutcome]:
        return [outcome for outcome in self.expectations if not outcome.success]

    def summary(self) -> str:
        """One line per failed expectation, or `all N expectations passed`."""
        failures = self.failures()
        if not failures:
            return f"all {len(self.expectations)} expectations passed"
        return "\n".join(outcome.describe() for outcome in failures)

    def as_records(self) -> list[dict[str, str | int | float | bool | None]]:
        """One flat record per expectation, every one with the keys in RECORD_FIELDS.

        Values are scalars (lists and dicts as compact JSON text), so the records serve both as rows of
        a Dagster `TableMetadataValue` (whose cells take only str, int, float, bool and None) and as a
        JSON metadata value.
        """
        return [outcome.as_record() for outcome in self.expectations]
