"""Turns Great Expectations suites and plain predicates over a table into Dagster asset checks.

Each layer declares its checks in its own `checks.py` with these two factories, so the glue between a
suite's outcome and an `AssetCheckResult` lives in one place.
"""

from collections.abc import Callable, Sequence
from datetime import datetime
from typing import TYPE_CHECKING

import dagster as dg
import duckdb
import polars as pl

from feedback_platform.defs.check_history import last_passed_check_metadata
from feedback_platform.lib.quality import (
    ExpectationFactory,
    build_expectations,
    referenced_columns,
    run_suite,
)
from feedback_platform.lib.shown_values import shown_frame
from feedback_platform.lib.warehouse import read_rows_after, read_table, table_columns
from feedback_platform.resources import DUCKDB_POOL, Warehouse

if TYPE_CHECKING:
    from great_expectations.expectations import Expectation

SAMPLE_ROWS = 5
"""How many violating rows a predicate check's metadata shows."""
LOCATORS = ("source_file", "source_line")
"""The columns that say where a row of a raw or redacted table came from: a failing sample names them."""
BUILT_AT = "built_at"
"""The column in which an incremental dbt mart stamps each row with the start of the build that wrote it
(dbt_project/macros/incremental_recompute.sql)."""
CHECKED_THROUGH = "checked_through"
"""The metadata of a suite over the rows built since it last passed: the newest build stamp it judged."""


def expectation_suite_check(
    *,
    asset: str,
    name: str,
    description: str,
    expectations: ExpectationFactory,
    prepare: Callable[[pl.DataFrame], pl.DataFrame] | None = None,
    prepare_reads: Sequence[str] = (),
    partitions_def: dg.PartitionsDefinition | None = None,
    blocking: bool = True,
    only_rows_built_since_last_pass: bool = False,
) -> dg.AssetChecksDefinition:
    """A check that runs the expectations `expectations` builds (GX 1.x, pandas batch) on the asset's rows.

    Only the columns the expectations name are handed to GX, and the values its outcome reports are
    shown as `feedback_platform.lib.shown_values` allows (a text by its length, a user id masked).
    `prepare` derives columns first where needed, e.g. ratings parsed from the feedback value, from the
    columns `prepare_reads` names.

    A partitioned asset's rows are those of the run's partitions (the IO manager reads them). An
    unpartitioned asset is a table over the whole history: of it, only the columns the expectations and
    `prepare` read are loaded (the joined mart's texts would otherwise be most of the bytes).

    With `only_rows_built_since_last_pass`, for an incremental mart whose rows carry their build stamp
    (:data:`BUILT_AT`) and a suite whose expectations each judge a row alone, only the rows built after the
    newest stamp the check judged when it last passed are loaded: a row not rebuilt since was judged then
    and has not changed, so a nightly reads the rows it rebuilt, not the history. A failed evaluation
    moves nothing, so the next one judges its rows again; a full refresh stamps, and so judges, every row.
    """
    if partitions_def is not None:

        @_table_check(asset, name, description, partitions_def, blocking)
        def _partition_suite_check(rows: pl.DataFrame) -> dg.AssetCheckResult:
            return suite_check_result(name, rows, build_expectations(expectations), prepare)

        return _partition_suite_check

    if only_rows_built_since_last_pass:
        return _suite_check_of_new_rows(
            asset, name, description, expectations, prepare, prepare_reads, blocking
        )

    @_table_check(asset, name, description, None, blocking)
    def _table_suite_check(warehouse: Warehouse) -> dg.AssetCheckResult:
        built = build_expectations(expectations)
        with warehouse.connect() as con:
            rows = read_table(con, asset, columns=_columns_read(con, asset, built, prepare_reads))
        return suite_check_result(name, rows, built, prepare)

    return _table_suite_check


def _suite_check_of_new_rows(
    asset: str,
    name: str,
    description: str,
    expectations: ExpectationFactory,
    prepare: Callable[[pl.DataFrame], pl.DataFrame] | None,
    prepare_reads: Sequence[str],
    blocking: bool,
) -> dg.AssetChecksDefinition:
    """`expectation_suite_check` of the rows of `asset` built since the check last passed."""

    @_table_check(asset, name, description, None, blocking)
    def _new_rows_suite_check(
        context: dg.AssetCheckExecutionContext, warehouse: Warehouse
    ) -> dg.AssetCheckResult:
        built = build_expectations(expectations)
        (check_spec,) = context.check_specs
        passed = last_passed_check_metadata(context.instance, check_spec.key) or {}
        judged_through = (
            datetime.fromisoformat(passed[CHECKED_THROUGH].value) if CHECKED_THROUGH in passed else None
        )
        with warehouse.connect() as con:
            columns = _columns_read(con, asset, built, prepare_reads)
            rows = read_rows_after(con, asset, columns, BUILT_AT, judged_through)
        result = suite_check_result(name, rows, built, prepare)
        newest = rows.get_column(BUILT_AT).max() if rows.height else judged_through
        return dg.AssetCheckResult(
            passed=result.passed,
            metadata={
                **({CHECKED_THROUGH: newest.isoformat()} if newest is not None else {}),
                "rows_built_after": judged_through.isoformat() if judged_through else "none: every row",
                **result.metadata,
            },
        )

    return _new_rows_suite_check


def _columns_read(
    con: duckdb.DuckDBPyConnection,
    table: str,
    expectations: Sequence["Expectation"],
    prepare_reads: Sequence[str],
) -> list[str]:
    """The columns of `table` a suite reads: those its expectations and `prepare` name, and the locators."""
    wanted = {*referenced_columns(expectations), *prepare_reads, *LOCATORS}
    return [column for column in table_columns(con, table) if column in wanted]


def predicate_check(
    *,
    asset: str,
    name: str,
    description: str,
    find_violations: Callable[[pl.DataFrame], pl.DataFrame],
    partitions_def: dg.PartitionsDefinition | None = None,
    blocking: bool = True,
) -> dg.AssetChecksDefinition:
    """A check that passes when `find_violations` returns no rows; a sample of them, without their texts
    (see `violations_check_result`), goes to metadata."""

    @_table_check(asset, name, description, partitions_def, blocking)
    def _predicate_check(rows: pl.DataFrame) -> dg.AssetCheckResult:
        return violations_check_result(rows, find_violations(rows))

    return _predicate_check


def suite_check_result(
    name: str,
    rows: pl.DataFrame,
    expectations: Sequence["Expectation"],
    prepare: Callable[[pl.DataFrame], pl.DataFrame] | None = None,
) -> dg.AssetCheckResult:
    """Run the suite `name` on `rows` (after `prepare`), handing GX only the columns it names and, where the
    rows have them, their landing file and line, so each failing sample says where it came from."""
    prepared = prepare(rows) if prepare else rows
    locators = [column for column in LOCATORS if column in prepared.columns]
    columns = list(dict.fromkeys([*referenced_columns(expectations), *locators]))
    outcome = run_suite(name, prepared.select(columns), expectations, locate_by=locators)
    return dg.AssetCheckResult(
        passed=outcome.success,
        metadata={
            "rows_checked": rows.height,
            "summary": outcome.summary(),
            "expectations": dg.MetadataValue.json(outcome.as_records()),
        },
    )


def violations_check_result(rows: pl.DataFrame, violations: pl.DataFrame) -> dg.AssetCheckResult:
    """Passed when there are no `violations` among `rows` (see :func:`violations_result`)."""
    return violations_result(rows.height, violations)


def violations_result(rows_checked: int, violations: pl.DataFrame) -> dg.AssetCheckResult:
    """Passed when there are no `violations` among the rows checked; the first five go to metadata as a
    sample, as `shown_frame` lets metadata show them: ids, dates, numbers and names, no text nor user id
    (Dagster's storage cannot forget them when a user is erased)."""
    return dg.AssetCheckResult(
        passed=violations.height == 0,
        metadata={
            "rows_checked": rows_checked,
            "violations": violations.height,
            "sample": dg.MetadataValue.md(_markdown_table(shown_frame(violations.head(SAMPLE_ROWS)))),
        },
    )


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


def _markdown_table(frame: pl.DataFrame) -> str:
    if frame.height == 0:
        return "none"
    header = "| " + " | ".join(frame.columns) + " |\n|" + "---|" * frame.width + "\n"
    body = "\n".join("| " + " | ".join(_cell(value) for value in row) + " |" for row in frame.iter_rows())
    return header + body


def _cell(value: object) -> str:
    text = str(value).replace("|", "\\|").replace("\n", " ")
    return text if len(text) <= 80 else text[:77] + "..."
