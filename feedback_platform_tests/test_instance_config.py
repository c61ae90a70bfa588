"""The Dagster instance's dagster.yaml: written by the platform in its own home and kept in step with the
settings (SQLite or PostgreSQL storage), never rewritten in a home the user named, and refused where it keeps
its runs in another home's files."""

import shutil
from datetime import date
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from feedback_platform.cli.main import main
from feedback_platform.lib.sample_logs import SampleLogConfig, generate_sample_logs
from feedback_platform.local.instance import INSTANCE_CONFIG, prepare_dagster_home
from feedback_platform.local.instance_storage import postgres_storage_config, sqlite_storage_config
from feedback_platform.settings import DAGSTER_POSTGRES_URL_VARIABLE, PlatformSettings

ONE_TINY_DAY = SampleLogConfig(days=1, responses_per_day=5, seed=1, start_date=date(2026, 11, 1))
POSTGRES = {DAGSTER_POSTGRES_URL_VARIABLE: "postgresql://dagster:secret@db.internal:5432/dagster"}


def settings(data_dir: Path, **environ: str) -> PlatformSettings:
    return PlatformSettings.from_environment({"FEEDBACK_PLATFORM_DATA_DIR": str(data_dir), **environ})


def config_in(home: Path) -> dict:
    return yaml.safe_load((home / "dagster.yaml").read_text())


# Guards the storage setting: the platform's home follows it both ways, and the URL (with its password)
# is named as an environment variable, never written into the file.
def test_the_platform_home_follows_the_storage_setting(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("DAGSTER_HOME", raising=False)
    home = prepare_dagster_home(settings(tmp_path))
    assert home == tmp_path / "dagster_home"
    sqlite = {**INSTANCE_CONFIG, "storage": sqlite_storage_config(str(home))}
    assert config_in(home) == sqlite

    prepare_dagster_home(settings(tmp_path, **POSTGRES))
    text = (home / "dagster.yaml").read_text()
    assert config_in(home)["storage"] == postgres_storage_config(DAGSTER_POSTGRES_URL_VARIABLE)
    assert config_in(home)["storage"]["custom"]["config"] == {
        "postgres_url": {"env": DAGSTER_POSTGRES_URL_VARIABLE}
    }
    assert "secret" not in text
    assert config_in(home)["concurrency"] == INSTANCE_CONFIG["concurrency"]

    prepare_dagster_home(settings(tmp_path))
    assert config_in(home) == sqlite


def test_a_home_the_user_named_keeps_its_own_config(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    users_home = tmp_path / "users_home"
    users_home.mkdir()
    (users_home / "dagster.yaml").write_text("telemetry:\n  enabled: false\n")
    monkeypatch.setenv("DAGSTER_HOME", str(users_home))
    assert prepare_dagster_home(settings(tmp_path / "data", **POSTGRES)) == users_home
    assert config_in(users_home) == {"telemetry": {"enabled": False}}


# Guards against a copied home: its dagster.yaml names the original's SQLite files, so the platform refuses
# it, naming both, and records nothing anywhere (the original's history stays the original's); the
# platform's own home in a copied data folder is rewritten for its new place instead.
def test_a_copied_home_is_refused_and_the_platform_home_follows_its_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("DAGSTER_HOME", raising=False)
    original = prepare_dagster_home(settings(tmp_path / "original"))
    shutil.copytree(tmp_path / "original", tmp_path / "copy")
    assert prepare_dagster_home(settings(tmp_path / "copy")) == tmp_path / "copy" / "dagster_home"
    assert config_in(tmp_path / "copy" / "dagster_home")["storage"] == sqlite_storage_config(
        str(tmp_path / "copy" / "dagster_home")
    )

    users_copy = tmp_path / "users_copy"
    shutil.copytree(original, users_copy)
    monkeypatch.setenv("DAGSTER_HOME", str(users_copy))
    generate_sample_logs(ONE_TINY_DAY, tmp_path / "copy" / "landing")
    result = CliRunner().invoke(
        main, ["materialize"], env={"FEEDBACK_PLATFORM_DATA_DIR": str(tmp_path / "copy")}
    )
    assert result.exit_code == 1
    assert (
        f"{users_copy.resolve() / 'dagster.yaml'} keeps the Dagster instance's runs in {original}"
        in result.output
    )
    assert sorted(path.name for path in original.iterdir()) == ["dagster.yaml"]
