"""Raw-text retention end to end on a real, small platform (real DuckDB, dbt, Presidio and Dagster): one
tenant keeps raw text for two landing days; after three days are materialised, its first day's raw text is
gone from every byte under the data folder, the redacted layers are untouched, and a rebuild from the
landing folder gives the same tables without bringing the text back.
"""

import gzip
import json
import shutil
from pathlib import Path

import duckdb
import polars as pl
import pytest

from feedback_platform.lib.erasure.byte_scan import occurrences
from feedback_platform.lib.logs.tombstones import EXPIRED_LINE, EXPIRED_REASON
from feedback_platform.lib.retention.raw_text import raw_text_past_window
from feedback_platform.lib.sample_logs import SampleLogConfig
from feedback_platform.local.materialize import materialize_days
from feedback_platform.settings import DEFAULT_TENANTS_FILE, PlatformSettings
from feedback_platform_tests.conftest import (
    SamplePlatform,
    instance_without_telemetry,
    materialised_sample,
    settings_for,
)
from feedback_platform_tests.planted_user import append_lines, day_file

SAMPLE = SampleLogConfig(
    days=3, responses_per_day=30, seed=5, start_date=__import__("datetime").date(2026, 11, 1)
)
SHORT_TENANT, WINDOW_DAYS = "acme_retail", 2
FIRST_DAY, LAST_DAY = "2026-11-01", "2026-11-03"

EXPIRED = ("zqxexpired0001", "zqxexpired0002", "zqxexpired0003")
"""In the short tenant's first-day message, output and comment, and in a quarantined first-day line."""
KEPT_OTHER_TENANT = "zqxkept0001"
KEPT_RECENT_DAY = "zqxkept0002"


def email(canary: str) -> str:
    return f"{canary}@example.com"


def plant(landing: Path) -> None:
    """Emails with canaries: redaction replaces them, so they survive only where raw text does."""

    def response(number: int, day: str, tenant: str, question: str, output: str) -> dict:
        with gzip.open(day_file(landing, "responses", day), "rt") as file:
            template = json.loads(file.readline())
        return {
            **template,
            "response_id": f"5e5e5e5e-0000-4000-8000-00000000000{number}",
            "tenant_id": tenant,
            "messages": [{"role": "user", "content": question}],
            "output": output,
        }

    expired = response(
        1, FIRST_DAY, SHORT_TENANT, f"Write to {email(EXPIRED[0])} please", f"I wrote to {email(EXPIRED[1])}."
    )
    append_lines(
        day_file(landing, "responses", FIRST_DAY),
        [
            expired,
            response(2, FIRST_DAY, "northwind_bank", f"Mail {email(KEPT_OTHER_TENANT)}", "Done."),
            {"tenant_id": SHORT_TENANT, "messages": [{"role": "user", "content": email(EXPIRED[2])}]},
        ],
    )
    append_lines(
        day_file(landing, "feedback", FIRST_DAY),
        [
            {
                "event_id": "6e6e6e6e-0000-4000-8000-000000000001",
                "response_id": expired["response_id"],
                "tenant_id": SHORT_TENANT,
                "user_id": expired["user_id"],
                "created_at": expired["created_at"],
                "signal": "comment",
                "value": f"Copy {email(EXPIRED[0])} too",
                "client": "web",
            }
        ],
    )
    append_lines(
        day_file(landing, "responses", LAST_DAY),
        [response(3, LAST_DAY, SHORT_TENANT, f"Mail {email(KEPT_RECENT_DAY)}", "Done.")],
    )


@pytest.fixture(scope="module")
def retained(tmp_path_factory: pytest.TempPathFactory, dbt_manifest: Path) -> SamplePlatform:
    folder = tmp_path_factory.mktemp("retention")
    tenants = folder / "tenants.yaml"
    shipped = DEFAULT_TENANTS_FILE.read_text(encoding="utf-8")
    assert "\nraw_text_retention_days: 90\n" in shipped
    own = shipped.replace("\nraw_text_retention_days: 90\n", "\nraw_text_retention_days: null\n").replace(
        f"  - id: {SHORT_TENANT}\n", f"  - id: {SHORT_TENANT}\n    raw_text_retention_days: {WINDOW_DAYS}\n"
    )
    tenants.write_text(own, encoding="utf-8")
    platform = materialised_sample(folder / "data", SAMPLE, plant, tenants_file=tenants)
    assert all(outcome.success for outcome in platform.outcomes), platform.outcomes
    return platform


def table(settings: PlatformSettings, sql: str) -> pl.DataFrame:
    with duckdb.connect(str(settings.duckdb_path), read_only=True) as con:
        return con.sql(sql).pl()


# Guards retention's promise (issue 15, item 5): raw text past its tenant's window is gone from every file
# under the data folder (DuckDB, landing files, cache, Dagster's storage), and nothing else went with it.
def test_raw_text_past_its_window_leaves_no_byte_behind(retained: SamplePlatform) -> None:
    settings = retained.settings
    assert occurrences(settings.data_dir, list(EXPIRED)) == []
    kept = {needle for _, needle in occurrences(settings.landing_dir, [KEPT_OTHER_TENANT, KEPT_RECENT_DAY])}
    assert kept == {KEPT_OTHER_TENANT, KEPT_RECENT_DAY}
    raw_kept = table(settings, "select * from raw_responses where output = 'Done.'")
    assert raw_kept.height == 2 and all("@example.com" in str(row) for row in raw_kept.get_column("messages"))

    expiries = table(
        settings, "select tenant_id, landing_date::varchar as day from raw_text_expiries order by all"
    )
    assert expiries.rows() == [(SHORT_TENANT, FIRST_DAY), (None, FIRST_DAY)]
    with duckdb.connect(str(settings.duckdb_path), read_only=True) as con:
        assert not any(raw_text_past_window(con, settings.raw_text_retention()).values())
    quarantined = table(
        settings, "select landing_date::varchar as day, reason, raw_line from quarantined_rows"
    )
    first_day = quarantined.filter(pl.col("day") == FIRST_DAY)
    assert first_day.height > 0 and set(first_day.get_column("raw_line")) == {EXPIRED_LINE}
    assert set(first_day.get_column("reason")) == {EXPIRED_REASON}
    assert EXPIRED_LINE not in set(quarantined.filter(pl.col("day") != FIRST_DAY).get_column("raw_line"))


# Guards what retention keeps: the redacted layer holds each expired row's redaction as before, and the raw
# row holds that same text with every other value unchanged.
def test_expired_raw_rows_hold_their_redaction_and_every_other_value(retained: SamplePlatform) -> None:
    settings = retained.settings
    expired = table(
        settings,
        f"select r.*, d.messages as redacted_messages, d.output as redacted_output from raw_responses r"
        f" join redacted_responses d using (response_id, landing_date)"
        f" where r.tenant_id = '{SHORT_TENANT}' and r.landing_date = '{FIRST_DAY}'",
    )
    assert expired.height > 1
    assert expired.get_column("messages").to_list() == expired.get_column("redacted_messages").to_list()
    assert expired.get_column("output").to_list() == expired.get_column("redacted_output").to_list()
    planted = expired.filter(pl.col("response_id").str.starts_with("5e5e5e5e")).row(0, named=True)
    assert planted["messages"] == [{"role": "user", "content": "Write to <EMAIL_ADDRESS> please"}]
    assert planted["created_at"] is not None and planted["source_line"] > 1


# Guards the landing folder as the source of truth: a rebuild from it after retention gives the same raw,
# redacted and quarantined tables, and brings no expired text back.
def test_a_rebuild_from_the_landing_folder_gives_the_same_tables(
    retained: SamplePlatform, tmp_path: Path
) -> None:
    rebuilt_dir = tmp_path / "data"
    shutil.copytree(retained.settings.landing_dir, rebuilt_dir / "landing")
    rebuilt = settings_for(rebuilt_dir).model_copy(update={"tenants_file": retained.settings.tenants_file})
    outcomes = materialize_days(rebuilt, instance_without_telemetry(rebuilt_dir / "dagster_home"))
    assert all(outcome.success for outcome in outcomes), outcomes
    for name in [
        "raw_responses",
        "raw_feedback",
        "redacted_responses",
        "redacted_feedback",
        "quarantined_rows",
    ]:
        sql = f"select * from {name} order by all"
        assert table(rebuilt, sql).equals(table(retained.settings, sql)), name
    assert occurrences(rebuilt_dir, list(EXPIRED)) == []
