"""The Dagster instance's dagster.yaml: written by the platform in its own home and kept in step with the
settings (SQLite or PostgreSQL storage), never rewritten in a home the user named."""

from pathlib import Path

import pytest
import yaml

from feedback_platform.local.instance import INSTANCE_CONFIG, prepare_dagster_home
from feedback_platform.local.instance_storage import postgres_storage_config, sqlite_storage_config
from feedback_platform.settings import DAGSTER_POSTGRES_URL_VARIABLE, PlatformSettings

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
