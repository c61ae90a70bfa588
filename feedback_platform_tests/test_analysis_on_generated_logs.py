"""The analysis layer on a larger generated sample: 10 days x 5,000 responses from the sample generator,
whose models and prompt versions differ in built-in quality (`lib/sample_logs/catalog.py`) and whose poor
English answers draw comments from a failure mode planted per prompt version (`lib/sample_logs/phrasing.py`),
turned into `feedback_with_responses` and `cohort_daily_counts` by the real dbt project. Two changes are
planted in the served labels before dbt runs:

- a twin: half of atlas-large's responses (by response id) carry the model version "twin", the same model
  under another name, so a comparison of the two must find nothing;
- a replacement: atlas-mini serves a new version from the third day, and that version is worse (the
  generator's `ModelDegradation` lowers its chance of a good answer by 0.4 from that day).
"""

import json
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import duckdb
import polars as pl
import pytest
from click.testing import CliRunner

from feedback_platform.cli.main import main
from feedback_platform.lib.analysis.cohorts import (
    COHORT,
    rank_uncertain,
    rank_weakest,
)
from feedback_platform.lib.analysis.comparison import (
    NO_DIFFERENCE,
    WORSE,
    compare_arms,
    overall_verdict,
)
from feedback_platform.lib.analysis.replacements import replacement_comparisons
from feedback_platform.lib.analysis.retraining import quality_changes_since
from feedback_platform.lib.analysis.settings import (
    CohortRankingSettings,
    ComparisonSettings,
    RetrainingThresholds,
    ThemeSettings,
)
from feedback_platform.lib.analysis.themes import OTHER, group_into_themes, low_rated_comments
from feedback_platform.lib.logs.validation import landing_dates, validate_landing_day
from feedback_platform.lib.sample_logs import SampleLogConfig, generate_sample_logs
from feedback_platform.lib.sample_logs.config import ModelDegradation
from feedback_platform.lib.sample_logs.phrasing import FAILURE_MODE_COMMENTS, PROMPT_VERSION_FAILURE_MODE
from feedback_platform_tests.join.conftest import run_dbt

NEW_VERSION_DAY = 2
GENERATED = SampleLogConfig(
    days=10,
    responses_per_day=5000,
    seed=11,
    start_date=date(2026, 11, 1),
    degradation=ModelDegradation(model="atlas-mini", from_day=NEW_VERSION_DAY, quality_drop=0.4),
)
PLANTED_IN = {mode: version for version, mode in PROMPT_VERSION_FAILURE_MODE.items()}
SOURCES = {"responses": "redacted_responses", "feedback": "redacted_feedback", "consent": "raw_consent"}
PLANTED_LABELS = f"""
    update redacted_responses set model_version = 'twin'
    where model = 'atlas-large' and hash(response_id) % 2 = 0;
    update redacted_responses set model_version = 'new'
    where model = 'atlas-mini' and cast(created_at as date) >= date '{GENERATED.day(NEW_VERSION_DAY)}';
"""


@dataclass(frozen=True)
class Generated:
    data_dir: Path
    counts: pl.DataFrame
    cases: pl.DataFrame
    """The comments on low-rated responses that failure themes group."""


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Generated:
    """The generated logs, validated by the ingest layer's own rules, loaded as the dbt sources (the text is
    not redacted: nothing here reads it), relabelled, and built by `dbt build` up to cohort_daily_counts."""
    data_dir = tmp_path_factory.mktemp("generated")
    landing = data_dir / "landing"
    generate_sample_logs(GENERATED, landing)
    database = data_dir / "warehouse.duckdb"
    with duckdb.connect(str(database)) as con:
        for stream, table in SOURCES.items():
            batches = [validate_landing_day(landing, stream, day).rows for day in landing_dates(landing)]
            con.register("rows", pl.concat(batches))
            con.execute(f"create table {table} as select * from rows")
        con.execute(PLANTED_LABELS)
    selection = ["--select", "+cohort_daily_counts", "--indirect-selection", "cautious"]
    build = run_dbt("build", database, data_dir, *selection, "--exclude-resource-type", "unit_test")
    assert build.returncode == 0, build.output[-3000:]
    with duckdb.connect(str(database), read_only=True) as con:
        counts = con.sql("select * from cohort_daily_counts").pl()
        cases = low_rated_comments(con, ThemeSettings())
    return Generated(data_dir, counts, cases)


def _verdicts(results: pl.DataFrame) -> dict[str, str]:
    return dict(results.select("metric", "verdict").iter_rows())


# Guards model selection: the generator's atlas-large (quality 0.9) beats nimbus-7b (0.52) on the tenant both
# serve, on the explicit signals, the implicit ones and the measured outcome of its tasks.
def test_the_better_model_is_found_better(generated: Generated) -> None:
    results = compare_arms(generated.counts, "model", ("nimbus-7b", "atlas-large"))
    verdicts = _verdicts(results)
    assert overall_verdict(results) == "better"
    assert verdicts["thumbs_up_rate"] == verdicts["abandon_rate"] == verdicts["success_rate"] == "better"
    assert "worse" not in verdicts.values()


# Guards prompt selection: prompt v2 (+0.15 on the chance of a good answer) beats v1 across models.
def test_the_better_prompt_version_is_found_better(generated: Generated) -> None:
    results = compare_arms(generated.counts, "prompt_version", ("v1", "v2"))
    assert _verdicts(results)["thumbs_up_rate"] == "better"
    assert overall_verdict(results) == "better"


# Guards "no difference between identical ones": the same model under two version labels.
def test_identical_versions_show_no_detectable_difference(generated: Generated) -> None:
    counts = generated.counts.filter(pl.col("model") == "atlas-large")
    results = compare_arms(counts, "model_version", ("2026-09-15", "twin"))
    assert set(results["verdict"]) == {NO_DIFFERENCE}
    assert results["min_detectable_difference"].is_not_null().all()


# Guards the replacement warning: atlas-mini's new version (degraded by the generator) is flagged worse than
# the version it replaced, and nothing else is: the twin came on the same day, so it replaced nothing.
def test_a_worse_new_version_is_flagged_against_the_one_it_replaced(generated: Generated) -> None:
    results = replacement_comparisons(generated.counts, ComparisonSettings())
    assert set(results.select("model", "older", "newer").iter_rows()) == {("atlas-mini", "2026-08-01", "new")}
    assert WORSE in set(results.filter(pl.col("metric") == "thumbs_up_rate")["verdict"])


# Guards the significance half of the retraining trigger: since the day atlas-mini was degraded, its feedback
# is detectably worse than in the days before; the other models, unchanged, show no difference.
def test_feedback_worse_since_a_day_is_found_for_the_degraded_model_alone(generated: Generated) -> None:
    changes = quality_changes_since(generated.counts, GENERATED.day(NEW_VERSION_DAY), RetrainingThresholds())
    assert set(changes["model"]) == {"atlas-mini"}
    assert set(changes["verdict"]) == {WORSE}
    assert "thumbs_up_rate" in set(changes["metric"])


# Guards the rankings on real volume: the weakest cohort with enough votes is served by the weakest model or
# prompt of the catalogue, and every cohort of the window is ranked by uncertainty.
def test_the_weakest_cohorts_are_the_planted_weak_ones(generated: Generated) -> None:
    settings = CohortRankingSettings(window_days=28, min_votes=10)
    weakest = rank_weakest(generated.counts, settings)
    assert weakest.height > 0 and (weakest["thumb_votes"] >= 10).all()
    first = weakest.row(0, named=True)
    assert first["model"] in {"orca-legacy", "nimbus-7b"} or first["prompt_version"] == "v3-exp", first
    uncertain = rank_uncertain(generated.counts, settings)
    assert uncertain.height == generated.counts.select(COHORT).n_unique()
    assert uncertain["uncertainty_weight"].is_sorted(descending=True)


# Guards failure themes: each failure mode the generator planted comes out as a theme of its own, holding
# nearly all of that mode's comments and little else, and concentrated in the prompt version it was planted
# in; the same cases give the same themes.
def test_planted_failure_modes_come_out_as_separate_themes(generated: Generated) -> None:
    themes, themed = group_into_themes(generated.cases, ThemeSettings())
    mode_of = {text: mode for mode, texts in FAILURE_MODE_COMMENTS.items() for text in texts}
    themed = themed.with_columns(mode=pl.col("comment_text").replace_strict(mode_of, default=None))
    found = {}
    for mode in FAILURE_MODE_COMMENTS:
        in_mode = themed.filter(pl.col("mode") == mode)
        theme, held = in_mode["theme"].value_counts(sort=True).row(0)
        members = themed.filter(pl.col("theme") == theme)
        assert in_mode.height >= 5 and held / in_mode.height >= 0.9, (mode, in_mode["theme"].value_counts())
        assert (members["mode"] == mode).mean() >= 0.9, (mode, members["comment_text"].value_counts())
        summary = themes.filter(pl.col("theme") == theme).row(0, named=True)
        assert summary["top_prompt_version"] == PLANTED_IN[mode] and summary["top_prompt_version_lift"] > 1.5
        found[mode] = theme
    assert len(set(found.values())) == len(FAILURE_MODE_COMMENTS) and OTHER not in found.values()
    assert group_into_themes(generated.cases, ThemeSettings())[0].equals(themes)


# Guards `feedback-platform themes`: the themes as text and JSON, from the warehouse.
def test_themes_command_prints_the_themes(generated: Generated) -> None:
    env = {"FEEDBACK_PLATFORM_DATA_DIR": str(generated.data_dir), "FEEDBACK_PLATFORM_DUCKDB": None}
    shown = CliRunner().invoke(main, ["themes"], env=env)
    assert shown.exit_code == 0, shown.output
    assert shown.output.startswith(
        f"{generated.cases.height:,} comments on low-rated responses in the last 28 days"
    )
    assert "prompt version v3-exp (100% of the theme" in shown.output
    as_json = json.loads(
        CliRunner().invoke(main, ["themes", "--json", "--tenant", "acme_retail"], env=env).output
    )
    assert as_json["tenants"] == ["acme_retail"]
    assert 0 < as_json["cases"] < generated.cases.height


# Guards `feedback-platform compare`: the verdict, the table and the JSON, and the errors.
def test_compare_command_prints_verdicts_and_explains_errors(generated: Generated) -> None:
    env = {"FEEDBACK_PLATFORM_DATA_DIR": str(generated.data_dir), "FEEDBACK_PLATFORM_DUCKDB": None}
    runner = CliRunner()
    shown = runner.invoke(main, ["compare", "--model", "nimbus-7b", "--model", "atlas-large"], env=env)
    assert shown.exit_code == 0, shown.output
    assert "stratified by tenant_id x feature x language x prompt_version" in shown.output
    assert "Verdict: better" in shown.output
    as_json = runner.invoke(
        main, ["compare", "--prompt-version", "v1", "--prompt-version", "v2", "--json"], env=env
    )
    assert '"verdict": "better"' in as_json.output
    unknown = runner.invoke(main, ["compare", "--model", "nimbus-7b", "--model", "gpt-9"], env=env)
    assert unknown.exit_code == 1 and "no responses of model 'gpt-9'" in unknown.output
    ambiguous = runner.invoke(main, ["compare", "--model", "nimbus-7b"], env=env)
    assert ambiguous.exit_code == 2 and "give exactly one of --model" in ambiguous.output
