"""The declared table schemas come from the log contract, and type comparison ignores spelling."""

from pathlib import Path

import duckdb
import pytest
import yaml

from feedback_platform.lib.logs.contract import raw_columns
from feedback_platform.lib.logs.table_schema import (
    allowed_values,
    declared_columns,
    signal_value_rules,
    stored_columns,
    type_mismatches,
)


# Redaction keeps every column and type, so a redacted table is declared exactly like its raw one.
def test_redacted_tables_are_declared_like_raw_ones() -> None:
    assert declared_columns("redacted_feedback") == raw_columns("feedback")
    assert list(declared_columns("quarantined_rows"))[:2] == ["stream", "landing_date"]
    with pytest.raises(LookupError):
        declared_columns("dpo_pairs")


# Types are compared as DuckDB parses them: INT8 is BIGINT, struct field quoting does not matter.
def test_type_mismatches_compare_parsed_types() -> None:
    with duckdb.connect() as con:
        con.execute('create table t (a INT8, m STRUCT("role" VARCHAR, "content" VARCHAR)[], b VARCHAR)')
        stored = stored_columns(con, "t")
    declared = {"a": "BIGINT", "m": "STRUCT(role VARCHAR, content VARCHAR)[]", "b": "TIMESTAMP", "c": "DATE"}
    mismatches = type_mismatches(declared, stored)
    assert mismatches == [{"column": "b", "expected": "TIMESTAMP", "actual": "VARCHAR"}]


# The value rules per signal are read from the feedback contract, not restated.
def test_signal_value_rules_come_from_the_contract() -> None:
    rules = signal_value_rules()
    assert rules["thumb"]["enum"] == ["up", "down"]
    assert rules["dwell"]["minimum"] == 0
    assert all(rule["required"] for rule in rules.values())


def _accepted_signals(model_yaml: Path) -> list[str]:
    (model,) = yaml.safe_load(model_yaml.read_text())["models"]
    (column,) = [column for column in model["columns"] if column["name"] == "signal"]
    (test,) = [test for test in column["data_tests"] if isinstance(test, dict) and "accepted_values" in test]
    return test["accepted_values"]["arguments"]["values"]


# dbt's YAML cannot import the contract: its accepted signals are restated, so they must follow it.
@pytest.mark.parametrize("model", ["staging/stg_feedback__events", "marts/feedback_with_responses"])
def test_dbt_accepts_exactly_the_contract_signals(model: str) -> None:
    model_yaml = Path(__file__).resolve().parents[2] / "dbt_project" / "models" / f"{model}.yml"
    assert _accepted_signals(model_yaml) == allowed_values("feedback", "signal")
