"""Run a list of Great Expectations expectations over one frame and report what they found.

GX reorders a suite's expectations (it groups them by column), so each expectation is validated as a
copy tagged with its position in `meta`, and the results are put back in the order given.
"""

import json
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any, cast

import pandas as pd
import polars as pl

from feedback_platform.lib.quality.frames import to_pandas_frame
from feedback_platform.lib.quality.json_values import JsonValue, to_json_value
from feedback_platform.lib.quality.outcome import ExpectationOutcome, SuiteOutcome
from feedback_platform.lib.shown_values import shown_sample_value

if TYPE_CHECKING:
    from great_expectations.core.expectation_validation_result import ExpectationValidationResult
    from great_expectations.expectations import Expectation

FAILING_SAMPLE_SIZE = 5
_POSITION_KEY = "feedback_platform_position"
_OBSERVED_KEYS = (
    "element_count",
    "missing_count",
    "unexpected_count",
    "unexpected_percent",
    "observed_value",
)
# BASIC is the cheapest format that still lists unexpected values; 20 leaves room to find 5 distinct ones.
_RESULT_FORMAT = {"result_format": "BASIC", "partial_unexpected_count": 20}


def run_suite(
    suite_name: str,
    frame: pl.DataFrame | pl.LazyFrame | pd.DataFrame,
    expectations: Sequence["Expectation"],
    locate_by: Sequence[str] = (),
) -> SuiteOutcome:
    """Validate `frame` against `expectations` as the suite `suite_name`.

    The caller's expectation objects are not changed, and may belong to a stored suite. Failing samples and
    a column's observed value are shown as `feedback_platform.lib.shown_values` allows: ids, dates, numbers
    and names as they are, user ids masked, texts by their length. On an empty frame column-map
    expectations (between, in set, not null, unique, column pairs) pass with element_count 0, while
    aggregate ones (mean, row count at least 1, ...) fail, their observed_value being None or 0.

    `locate_by` names columns of `frame` that say where a row came from (a landing file and line): each
    failing sample then carries where it stands (`ExpectationOutcome.failing_at`).
    """
    if not expectations:
        return SuiteOutcome(suite=suite_name, success=True, expectations=[])
    import great_expectations as gx  # the expectations are built, so GX is imported already

    from feedback_platform.lib.quality.context import VALIDATION_LOCK, frame_batch_definition

    data = to_pandas_frame(frame)
    tagged = [
        expectation.copy(update={"id": None, "meta": {**(expectation.meta or {}), _POSITION_KEY: position}})
        for position, expectation in enumerate(expectations)
    ]
    with VALIDATION_LOCK:
        batch = frame_batch_definition().get_batch(batch_parameters={"dataframe": data})
        validation = batch.validate(
            gx.ExpectationSuite(name=suite_name, expectations=tagged),
            result_format=_located_result_format(locate_by) if locate_by else _RESULT_FORMAT,
        )
    by_position = {result.expectation_config.meta[_POSITION_KEY]: result for result in validation.results}
    if sorted(by_position) != list(range(len(expectations))):
        raise RuntimeError(
            f"suite {suite_name!r}: GX returned results for positions {sorted(by_position)} "
            f"of {len(expectations)} expectations"
        )
    outcomes = [
        _expectation_outcome(expectation, by_position[position], locate_by)
        for position, expectation in enumerate(expectations)
    ]
    return SuiteOutcome(
        suite=suite_name,
        success=all(outcome.success for outcome in outcomes),
        expectations=outcomes,
    )


def _expectation_outcome(
    expectation: "Expectation", result: "ExpectationValidationResult", locate_by: Sequence[str] = ()
) -> ExpectationOutcome:
    kwargs = {key: value for key, value in expectation.configuration.kwargs.items() if key != "batch_id"}
    details: Mapping[str, Any] = result.result or {}
    observed: dict[str, JsonValue] = {
        key: to_json_value(details[key]) for key in _OBSERVED_KEYS if key in details
    }
    columns = _columns_of(kwargs)
    if len(columns) == 1 and "observed_value" in observed:  # e.g. a column's maximum, one of its values
        observed["observed_value"] = cast(
            "JsonValue", shown_sample_value(columns, observed["observed_value"])
        )
    error = _error_message(result.exception_info)
    if error:
        observed["error"] = error
    return ExpectationOutcome(
        expectation=expectation.expectation_type,
        column=",".join(columns) or None,
        kwargs={key: to_json_value(value) for key, value in kwargs.items()},
        success=bool(result.success),
        observed=observed,
        failing_sample=_failing_sample(columns, details.get("partial_unexpected_list") or []),
        failing_at=_failing_at(locate_by, details.get("partial_unexpected_index_list") or []),
    )


def _located_result_format(locate_by: Sequence[str]) -> dict[str, Any]:
    """GX returns the index columns of failing rows from its SUMMARY format on."""
    return {**_RESULT_FORMAT, "result_format": "SUMMARY", "unexpected_index_column_names": list(locate_by)}


def _failing_at(locate_by: Sequence[str], located: Sequence[Mapping[str, Any]]) -> tuple[str, ...]:
    """Where the first failing rows stand, as "file:line" (the `locate_by` values joined by ":")."""
    if not locate_by:
        return ()
    places = [":".join(str(to_json_value(row.get(column))) for column in locate_by) for row in located]
    return tuple(dict.fromkeys(places))[:FAILING_SAMPLE_SIZE]


def _columns_of(kwargs: Mapping[str, Any]) -> list[str]:
    """The columns an expectation is about, in order; none for a table-level one."""
    if isinstance(kwargs.get("column"), str):
        return [kwargs["column"]]
    if "column_A" in kwargs and "column_B" in kwargs:
        return [str(kwargs["column_A"]), str(kwargs["column_B"])]
    return [str(column) for column in kwargs.get("column_list") or []]


def _failing_sample(columns: list[str], unexpected: Sequence[Any]) -> list[JsonValue]:
    """The first distinct unexpected values as metadata may show them (a duplicated key shows up once, not
    once per row)."""
    distinct: dict[str, JsonValue] = {}
    for value in unexpected:
        json_value = cast("JsonValue", shown_sample_value(columns, to_json_value(value)))
        distinct.setdefault(json.dumps(json_value, sort_keys=True), json_value)
        if len(distinct) == FAILING_SAMPLE_SIZE:
            break
    return list(distinct.values())


def _error_message(exception_info: Mapping[str, Any] | None) -> str | None:
    """GX's message when it could not evaluate an expectation.

    GX reports either one `{raised_exception, exception_message, ...}` mapping or, when metrics failed,
    one such mapping per failed metric.
    """
    if not exception_info:
        return None
    infos = [exception_info] if "raised_exception" in exception_info else list(exception_info.values())
    messages = [
        str(info.get("exception_message"))
        for info in infos
        if isinstance(info, Mapping) and info.get("raised_exception")
    ]
    return "; ".join(dict.fromkeys(messages)) or None
