"""The join layer's dbt manifest is parsed again when the project changed since it was written, so the
assets never run on a manifest that lacks a model or test the project now has."""

import os
import shutil
from pathlib import Path

from dagster_dbt import DbtProject

from feedback_platform.resources import DBT_PROJECT_DIR, manifest_is_stale


# Guards the freshness rule: no manifest, or any project file newer than it, means parse again.
def test_a_project_file_newer_than_the_manifest_makes_it_stale(tmp_path: Path) -> None:
    project_dir = tmp_path / "dbt_project"
    shutil.copytree(DBT_PROJECT_DIR, project_dir, ignore=shutil.ignore_patterns("target", "logs"))
    project = DbtProject(project_dir=project_dir)
    assert manifest_is_stale(project)

    project.manifest_path.parent.mkdir(parents=True)
    project.manifest_path.write_text("{}")
    parsed_at = project.manifest_path.stat().st_mtime
    for path in project_dir.rglob("*"):
        if path.is_file() and path != project.manifest_path:
            os.utime(path, (parsed_at - 60, parsed_at - 60))
    assert not manifest_is_stale(project)

    singular_test = next((project_dir / "tests").rglob("*.sql"))
    os.utime(singular_test, (parsed_at + 60, parsed_at + 60))
    assert manifest_is_stale(project)
