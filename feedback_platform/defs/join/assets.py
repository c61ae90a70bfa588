"""The join layer: every dbt model (staging, intermediate, marts) as a Dagster asset, dbt tests as checks."""

from collections.abc import Mapping
from contextlib import redirect_stdout
from typing import Any

import dagster as dg
from dagster_dbt import DagsterDbtTranslator, DbtProject, dbt_assets

from feedback_platform.defs.join.recompute_days import days_to_recompute, write_recompute_days
from feedback_platform.resources import DUCKDB_POOL, DbtCli, Warehouse, dbt_project


class FeedbackDbtTranslator(DagsterDbtTranslator):
    """dbt sources are the redact and ingest layers' own assets; every model sits in the `join` group."""

    def get_asset_spec(
        self, manifest: Mapping[str, Any], unique_id: str, project: DbtProject | None
    ) -> dg.AssetSpec:
        spec = super().get_asset_spec(manifest, unique_id, project)
        props = self.get_resource_props(manifest, unique_id)
        if props["resource_type"] == "source":
            return spec.replace_attributes(key=dg.AssetKey(props["name"]))
        return spec.replace_attributes(group_name="join", kinds={"dbt", "duckdb"})


@dbt_assets(
    manifest=dbt_project.manifest_path,
    project=dbt_project,
    dagster_dbt_translator=FeedbackDbtTranslator(),
    pool=DUCKDB_POOL,
)
def joined_feedback_models(context: dg.AssetExecutionContext, dbt: DbtCli, warehouse: Warehouse):
    """`dbt build`: models and their tests, in dependency order, on the redacted tables.

    `feedback_with_responses` is incremental: dbt recomputes only the events of the landing days written
    since its last build (`recompute_days.py`).

    dagster-dbt echoes every dbt event (a line per model and test) to stdout, which in an in-process run
    is the terminal of `feedback-platform materialize`; the echo goes to `console.log` beside dbt's own
    `dbt.log` in the warehouse's dbt target folder (`<data dir>/dbt_target`) instead. A failure still
    reaches the run: a failed model or test fails the step (or its check) with dbt's error messages and
    the path of that log."""
    recompute_days = days_to_recompute(context)
    context.log.info(
        "rebuilding every event of feedback_with_responses"
        if recompute_days is None
        else f"feedback_with_responses: recomputing the events of landing days {recompute_days}"
    )
    with warehouse.connect() as con:
        write_recompute_days(con, recompute_days or [])
    with warehouse.visible_to_dbt():
        invocation = dbt.build(context, full_refresh=recompute_days is None)
        with (invocation.target_path / "console.log").open("a") as console, redirect_stdout(console):
            yield from invocation.stream()
