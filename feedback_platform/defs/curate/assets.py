"""Curated examples: the feedback-linked responses that the rules file admits to eval, SFT, DPO and KTO.

The rules are configuration (`feedback_platform/curation_rules.yaml`, read through the `curation_rules`
resource) applied by `feedback_platform.lib.curation` (see docs/curation-rules.md); these assets run them
against the `feedback_with_responses` mart in the warehouse and tag what they write with the rules' version
and hash. The facts of the mart's texts the rules select on are computed once for every kind, and each night
only for new texts (`curation_text_facts`); the texts are joined back in DuckDB when a curated table is
written (`feedback_platform.lib.curation.selection`), so memory does not grow with the texts of the history.
There is one curated table per dataset kind (`feedback_platform.lib.datasets.kinds`).
"""

import dagster as dg

from feedback_platform.defs.curate.rules_file import CurationRulesFile
from feedback_platform.lib.curation import CURATION_CODE_VERSION
from feedback_platform.lib.curation.facts_table import FACTS_TABLE, FACTS_VERSION, refresh_text_facts
from feedback_platform.lib.curation.selection import curate_table
from feedback_platform.lib.curation.text_facts import MART_TABLE
from feedback_platform.lib.datasets.kinds import DATASET_KINDS, DatasetKind
from feedback_platform.resources import DUCKDB_POOL, Warehouse


@dg.asset(name="curation_rules", group_name="curate", kinds={"yaml"}, code_version=CURATION_CODE_VERSION)
def record_curation_rules(curation_rules: CurationRulesFile) -> dg.MaterializeResult:
    """The curation rules in force, validated, with their hash as the data version: each curated table's
    provenance in the UI names the rules it was selected under, and a rules edit shows as a new version."""
    rules = curation_rules.rules
    return dg.MaterializeResult(
        metadata={
            "rules_version": rules.version,
            "rules_sha256": rules.sha256,
            "path": dg.MetadataValue.path(curation_rules.path),
        },
        data_version=dg.DataVersion(rules.sha256),
    )


@dg.asset(
    name=FACTS_TABLE,
    deps=[MART_TABLE],
    group_name="curate",
    pool=DUCKDB_POOL,
    kinds={"duckdb", "polars"},
    code_version=str(FACTS_VERSION),
)
def curation_text_facts(warehouse: Warehouse) -> dg.MaterializeResult:
    """Per feedback event of the mart, the facts of its texts the curation rules select on: the prompt's
    exact and near-duplicate identity and length, and the length and normalised digest of the output and of
    an edit. Kept for every dataset kind at once, and recomputed only for events whose texts are new or
    changed, so a nightly reads the texts of its new day rather than of the whole history."""
    with warehouse.connect() as con:
        refresh = refresh_text_facts(con)
    return dg.MaterializeResult(
        metadata={
            "table": FACTS_TABLE,
            "dagster/row_count": refresh.total,
            "facts_computed": refresh.added,
            "facts_removed": refresh.removed,
        }
    )


def _curated_asset(kind: DatasetKind) -> dg.AssetsDefinition:
    @dg.asset(
        name=kind.curated_table,
        description=kind.description,
        tags=kind.asset_tags,
        deps=["curation_rules", FACTS_TABLE, MART_TABLE],
        group_name="curate",
        pool=DUCKDB_POOL,
        kinds={"duckdb", "polars"},
        code_version=CURATION_CODE_VERSION,
    )
    def _curated(warehouse: Warehouse, curation_rules: CurationRulesFile) -> dg.MaterializeResult:
        rules = curation_rules.rules
        with warehouse.connect() as con:
            curated = curate_table(con, kind.curation, rules, target_table=kind.curated_table)
        return dg.MaterializeResult(
            metadata={
                "table": kind.curated_table,
                "dagster/row_count": curated.rows,
                "rows_written": curated.rows_written,
                "prompts_selected": curated.prompts_selected,
                "rules_version": rules.version,
                "rules_sha256": rules.sha256,
            }
        )

    return _curated


CURATED_TABLES = {name: _curated_asset(kind) for name, kind in DATASET_KINDS.items()}
"""Dataset name → the asset of its curated table (`sft` → `sft_examples`)."""
_curated_table_assets = list(CURATED_TABLES.values())
"""The same assets as a list, the form Dagster's module loader collects."""
