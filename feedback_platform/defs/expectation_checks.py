"""Turns Great Expectations suites and plain predicates over a table into Dagster asset checks.

Each layer declares its checks in its own `checks.py` with these two factories, so the glue between a
suite's outcome and an `AssetCheckResult` lives in one place.
"""

from collections.abc import Callable, Sequence

import dagster as dg
import polars as pl
from great_expectations.expectations import Expectation

from feedback_platform.lib.quality import SuiteOutcome, run_suite
from feedback_platform.resources import DUCKDB_POOL


def expectation_suite_check(
    *,
    asset: str,
    name: str,
    description: str,
    expectations: Sequence[Expectation],
    prepare: Callable[[pl.DataFrame], pl.DataFrame] | None = None,
    partitions_def: dg.PartitionsDefinition | None = None,
    blocking: bool = True,
) -> dg.AssetChecksDefinition:
    """A check that runs `expectations` (GX 1.x, pandas batch) on the asset's rows.

    Only the columns the expectations name are handed to GX, so free text never reaches a check's
    metadata unless an expectation is about it. `prepare` derives columns first where needed, e.g.
    ratings parsed from the feedback value.
    """
    columns = _referenced_columns(expectations)

    @_table_check(asset, name, description, partitions_def, blocking)
    def _suite_check(rows: pl.DataFrame) -> dg.AssetCheckResult:
        prepared = prepare(rows) if prepare else rows
        outcome = run_suite(name, prepared.select(columns), expectations)
        return _suite_check_result(outcome, row_count=rows.height)

    return _suite_check


def predicate_check(
    *,
    asset: str,
    name: str,
    description: str,
    find_violations: Callable[[pl.DataFrame], pl.DataFrame],
    partitions_def: dg.PartitionsDefinition | None = None,
    blocking: bool = True,
) -> dg.AssetChecksDefinition:
    """A check that passes when `find_violations` returns no rows; a sample of them goes to metadata."""

    @_table_check(asset, name, description, partitions_def, blocking)
    def _predicate_check(rows: pl.DataFrame) -> dg.AssetCheckResult:
        violations = find_violations(rows)
        return dg.AssetCheckResult(
            passed=violations.height == 0,
            metadata={
                "rows_checked": rows.height,
                "violations": violations.height,
                "sample": dg.MetadataValue.md(_markdown_table(violations.head(5))),
            },
        )

    return _predicate_check


def _table_check(
    asset: str,
    name: str,
    description: str,
    partitions_def: dg.PartitionsDefinition | None,
    blocking: bool,
) -> Callable[[Callable[[pl.DataFrame], dg.AssetCheckResult]], dg.AssetChecksDefinition]:
    """The decorator of a check that reads the asset's table, in the DuckDB pool like every reader."""
    return dg.asset_check(
        asset=asset,
        name=name,
        description=description,
        blocking=blocking,
        partitions_def=partitions_def,
        pool=DUCKDB_POOL,
    )


def _suite_check_result(outcome: SuiteOutcome, row_count: int) -> dg.AssetCheckResult:
    return dg.AssetCheckResult(
        passed=outcome.success,
        metadata={
            "rows_checked": row_count,
            "summary": outcome.summary(),
            "expectations": dg.MetadataValue.json(outcome.as_records()),
        },
    )


def _referenced_columns(expectations: Sequence[Expectation]) -> list[str]:
    """The columns named by `column`, `column_list` or `column_A`/`column_B`, in first-seen order."""
    names: list[str] = []
    for expectation in expectations:
        named = [
            getattr(expectation, "column", None),
            *(getattr(expectation, "column_list", None) or []),
            getattr(expectation, "column_A", None),
            getattr(expectation, "column_B", None),
        ]
        names.extend(name for name in named if name and name not in names)
    return names


def _markdown_table(frame: pl.DataFrame) -> str:
    if frame.height == 0:
        return "none"
    header = "| " + " | ".join(frame.columns) + " |\n|" + "---|" * frame.width + "\n"
    body = "\n".join("| " + " | ".join(_cell(value) for value in row) + " |" for row in frame.iter_rows())
    return header + body


def _cell(value: object) -> str:
    text = str(value).replace("|", "\\|").replace("\n", " ")
    return text if len(text) <= 80 else text[:77] + "..."
