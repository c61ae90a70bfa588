"""Checks on the curated examples: well-formed rows, real preferences, and no opted-out user's data; on the
rules: a version names one content; and on the text facts: they describe the mart's texts of today."""

import dagster as dg
import polars as pl

from feedback_platform.defs.expectation_checks import suite_check_result, violations_result
from feedback_platform.lib.curation.facts_table import FACTS_TABLE, facts_out_of_step
from feedback_platform.lib.datasets.audits import (
    PREFERENCE_COLUMNS,
    pairs_without_a_preference,
    rows_of_withheld_users,
)
from feedback_platform.lib.datasets.index import response_id_columns
from feedback_platform.lib.datasets.kinds import DATASET_KINDS, DatasetKind
from feedback_platform.lib.quality import build_expectations
from feedback_platform.lib.warehouse import read_table, read_table_batches
from feedback_platform.resources import DUCKDB_POOL, Warehouse

SUITE_BATCH_ROWS = 50_000
"""Rows a curated table's suite reads at a time: the texts whose lengths it judges are read in batches."""


def _passes_its_suite(kind: DatasetKind) -> dg.AssetChecksDefinition:
    suite, table = kind.row_suite, kind.curated_table
    name = f"{table}_{suite.name}"

    @dg.asset_check(asset=table, name=name, description=suite.description, blocking=True, pool=DUCKDB_POOL)
    def _check(warehouse: Warehouse) -> dg.AssetCheckResult:
        # Only the columns the suite reads, and of its texts only their lengths are kept.
        expectations = build_expectations(suite.expectations)
        with warehouse.connect() as con:
            batches = read_table_batches(con, table, suite.columns_read(expectations), SUITE_BATCH_ROWS)
            rows = suite.judged_rows(batches)
        return suite_check_result(name, rows, expectations)

    return _check


PREFERENCE_CHECK_BATCH_ROWS = 50_000
"""Pairs the preference check holds at a time: their texts are most of the curated table's bytes."""


def _prefers_a_different_text(kind: DatasetKind) -> dg.AssetChecksDefinition:
    table = kind.curated_table

    @dg.asset_check(
        asset=table,
        name=f"{kind.name}_chosen_differs_from_rejected",
        description="No pair prefers a text over itself (whitespace normalised), nor an empty text.",
        blocking=True,
        pool=DUCKDB_POOL,
    )
    def _check(warehouse: Warehouse) -> dg.AssetCheckResult:
        # The pairs are read in batches: the whole table's texts would make memory follow the history.
        pairs, violations = 0, []
        with warehouse.connect() as con:
            for batch in read_table_batches(con, table, PREFERENCE_COLUMNS, PREFERENCE_CHECK_BATCH_ROWS):
                pairs += batch.height
                violations.append(pairs_without_a_preference(batch))
        return violations_result(pairs, pl.concat(violations) if violations else pl.DataFrame())

    return _check


def _excludes_withheld_users(kind: DatasetKind) -> dg.AssetChecksDefinition:
    asset = kind.curated_table

    @dg.asset_check(
        asset=asset,
        name=f"{asset}_exclude_users_who_opted_out",
        description="No row comes from a response whose user opted out of training or asked for erasure.",
        additional_deps=["response_signals"],
        blocking=True,
        pool=DUCKDB_POOL,
    )
    def _check(warehouse: Warehouse) -> dg.AssetCheckResult:
        # Ids only, and of response_signals only the withheld responses: not its outputs.
        id_columns = response_id_columns(kind.curation.columns)
        with warehouse.connect() as con:
            rows = read_table(con, asset, columns=id_columns)
            withheld = con.sql(
                "select response_id, training_allowed from response_signals where not training_allowed"
            ).pl()
        offending = rows_of_withheld_users(rows, id_columns, withheld)
        return dg.AssetCheckResult(
            passed=offending.height == 0,
            metadata={
                "withheld_responses": withheld.height,
                "offending_responses": offending.height,
                "sample": ", ".join(offending["response_id"].head(5).to_list()) or "none",
            },
        )

    return _check


_curated_table_checks = [
    check
    for kind in DATASET_KINDS.values()
    for check in (
        _passes_its_suite(kind),
        *((_prefers_a_different_text(kind),) if kind.pairs_preferences else ()),
        *((_excludes_withheld_users(kind),) if kind.for_training else ()),
    )
]
"""Per dataset kind: its row suite; a real preference in every pair; no opted-out user in training rows."""


RULES_HISTORY_LIMIT = 1000
"""How many earlier materialisations of the rules the version check compares with (newest first)."""


@dg.asset_check(asset="curation_rules", blocking=True)
def curation_rules_version_changes_with_content(
    context: dg.AssetCheckExecutionContext,
) -> dg.AssetCheckResult:
    """A rules version published earlier with other content fails: manifests name rules by version, so an
    edit without a version bump would make two different selections look alike. Blocking, so nothing is
    curated under the edited rules until their version is raised."""
    records = context.instance.fetch_materializations(
        dg.AssetKey("curation_rules"), limit=RULES_HISTORY_LIMIT
    ).records
    current, *earlier = [record.asset_materialization.metadata for record in records]
    version, sha256 = current["rules_version"].value, current["rules_sha256"].value
    other_contents = sorted(
        {
            metadata["rules_sha256"].value
            for metadata in earlier
            if metadata["rules_version"].value == version and metadata["rules_sha256"].value != sha256
        }
    )
    return dg.AssetCheckResult(
        passed=not other_contents,
        metadata={
            "rules_version": version,
            "rules_sha256": sha256,
            "same_version_other_content": dg.MetadataValue.json(other_contents),
        },
        description=(
            f"rules version {version} was published before with other content: raise its `version`"
            if other_contents
            else None
        ),
    )


@dg.asset_check(asset=FACTS_TABLE, blocking=True, pool=DUCKDB_POOL)
def curation_text_facts_match_the_mart(warehouse: Warehouse) -> dg.AssetCheckResult:
    """Every event of the mart has exactly one facts row, fingerprinted with its texts of today, and no row
    outlives its event. Blocking: selection over stale facts would drop events or judge texts that changed."""
    with warehouse.connect() as con:
        gaps = facts_out_of_step(con)
    return dg.AssetCheckResult(passed=not any(gaps.values()), metadata=gaps)
