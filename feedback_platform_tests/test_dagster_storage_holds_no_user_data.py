"""Dagster's own storage holds none of a user's texts nor their user id.

The Dagster home (`<data dir>/dagster_home`: the SQLite event log with asset and check metadata, run logs,
compute logs) is the one store the platform cannot rewrite row by row, so erasing a user can only be
complete if nothing of theirs was ever written there.
"""

from pathlib import Path

import pytest

from feedback_platform.lib.erasure.byte_scan import occurrences
from feedback_platform_tests.conftest import SamplePlatform, materialised_sample
from feedback_platform_tests.planted_user import (
    CANARIES,
    CANARY_COMMENT,
    CANARY_EDIT,
    CANARY_EVAL_PROMPT,
    CANARY_PROMPT,
    CANARY_QUARANTINED,
    SMALL_SAMPLE,
    plant_user,
    planted_user,
)


@pytest.fixture(scope="module")
def planted_platform(tmp_path_factory: pytest.TempPathFactory, dbt_manifest: Path) -> SamplePlatform:
    return materialised_sample(tmp_path_factory.mktemp("planted"), SMALL_SAMPLE, plant_user)


# Guards the erasure guarantee's precondition: no asset or check metadata (dataset previews, check
# samples, quarantine reasons), run log or compute log stores a user's message, comment, edit or
# quarantined line, nor their user id, while the warehouse and the dataset files (which an erasure
# rewrites) do hold them.
def test_dagster_home_holds_no_text_or_id_of_a_user(planted_platform: SamplePlatform) -> None:
    assert all(outcome.success for outcome in planted_platform.outcomes), planted_platform.outcomes
    data_dir = planted_platform.settings.data_dir
    user = planted_user(planted_platform.settings.landing_dir).user_id
    datasets = "\n".join(path.read_text() for path in (data_dir / "datasets").rglob("data.jsonl"))
    assert all(canary in datasets for canary in (CANARY_PROMPT, CANARY_EDIT, CANARY_EVAL_PROMPT))
    assert CANARY_COMMENT in planted_platform.table_text("redacted_feedback")
    quarantined = planted_platform.table_text("quarantined_rows")
    assert CANARY_QUARANTINED in quarantined and user in quarantined

    assert occurrences(data_dir / "dagster_home", [*CANARIES, user]) == []
