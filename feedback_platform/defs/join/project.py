"""The dbt project behind the join layer, prepared once so its manifest exists before assets load."""

from pathlib import Path

from dagster_dbt import DbtProject

DBT_PROJECT_DIR = Path(__file__).resolve().parents[3] / "dbt_project"

dbt_project = DbtProject(project_dir=DBT_PROJECT_DIR)
if dbt_project.manifest_path.exists():
    dbt_project.prepare_if_dev()
else:
    # A fresh checkout has no manifest yet: parse once (a few seconds) rather than fail to load.
    dbt_project.preparer.prepare(dbt_project)
