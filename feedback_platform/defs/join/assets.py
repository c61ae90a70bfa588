"""The join layer: every dbt model (staging, intermediate, marts) as a Dagster asset, dbt tests as checks."""

from collections.abc import Mapping
from typing import Any

import dagster as dg
from dagster_dbt import DagsterDbtTranslator, DbtCliResource, DbtProject, dbt_assets

from feedback_platform.resources import DUCKDB_POOL, Warehouse, dbt_project


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
def joined_feedback_models(context: dg.AssetExecutionContext, dbt: DbtCliResource, warehouse: Warehouse):
    """`dbt build`: models and their tests, in dependency order, on the redacted tables."""
    with warehouse.visible_to_dbt():
        yield from dbt.cli(["build"], context=context).stream()
