"""The analysis as one static HTML page: charts and tables that open offline, with nothing fetched.

Sections: quality over time per model and per prompt version (daily thumbs-up rate with its Wilson band),
the weakest and the least certain cohorts, the comparisons of every pair of models and of prompt versions
that share traffic, the failure themes, and the conversion of feedback into training data. Every figure is
computed by the functions the assets and commands use, from the warehouse as it is; a table the pipeline
has not materialised yet leaves its section saying so. The page holds counts, rates, names of tenants,
models and prompt versions, response ids and theme terms: no comment or conversation text.
"""

import datetime
import itertools
from dataclasses import dataclass, field
from html import escape

import duckdb
import polars as pl

from feedback_platform.lib.analysis.charts import Series, line_chart
from feedback_platform.lib.analysis.cohorts import (
    COHORT,
    rank_uncertain,
    rank_weakest,
    summed,
    with_quality,
)
from feedback_platform.lib.analysis.comparison import COUNTS_TABLE, compare_arms, overall_verdict
from feedback_platform.lib.analysis.settings import CohortRankingSettings, ComparisonSettings, ThemeSettings
from feedback_platform.lib.analysis.themes import group_into_themes, low_rated_comments
from feedback_platform.lib.monitoring.conversion import conversion_by_day
from feedback_platform.lib.warehouse import table_exists

CONVERSION_TABLE = "daily_feedback_conversion"
SHOWN_ROWS = 10
STYLE = """
body { font-family: sans-serif; margin: 2em; color: #222; max-width: 1000px; }
table { border-collapse: collapse; margin: 0.5em 0 1.5em; font-size: 13px; }
th, td { border: 1px solid #ccc; padding: 3px 8px; text-align: left; }
th { background: #f3f3f3; }
.empty { color: #888; }
"""


@dataclass(frozen=True)
class ReportSettings:
    ranking: CohortRankingSettings = field(default_factory=CohortRankingSettings)
    comparison: ComparisonSettings = field(default_factory=ComparisonSettings)
    themes: ThemeSettings = field(default_factory=ThemeSettings)


def _table(frame: pl.DataFrame) -> str:
    if frame.is_empty():
        return '<p class="empty">None.</p>'
    shown = frame.with_columns(pl.col(pl.Float64).round(3))
    header = "".join(f"<th>{escape(column)}</th>" for column in shown.columns)
    rows = "".join(
        "<tr>" + "".join(f"<td>{escape(_cell(value))}</td>" for value in row) + "</tr>"
        for row in shown.iter_rows()
    )
    return f"<table><tr>{header}</tr>{rows}</table>"


def _cell(value: object) -> str:
    if value is None:
        return "-"
    if isinstance(value, list):
        return ", ".join(str(item) for item in value)
    return str(value)


def quality_chart(counts: pl.DataFrame, by: str) -> str:
    """Daily thumbs-up rate per value of `by`, with its Wilson band."""
    daily = with_quality(summed(counts, ["response_date", by]))
    series = [
        Series(
            str(name),
            rows["response_date"].to_list(),
            rows["thumbs_up_rate"].to_list(),
            rows["thumbs_up_rate_low"].to_list(),
            rows["thumbs_up_rate_high"].to_list(),
        )
        for (name,), rows in daily.sort(by, "response_date").group_by(by, maintain_order=True)
    ]
    return line_chart(series, (0.0, 1.0), f"daily thumbs-up rate by {by}")


def comparisons(counts: pl.DataFrame, compared: str, settings: ComparisonSettings) -> pl.DataFrame:
    """Every pair of `compared` values that share a stratum: the verdict and the thumbs-up difference."""
    rows = []
    for first, second in itertools.combinations(sorted(counts[compared].drop_nulls().unique()), 2):
        results = compare_arms(counts, compared, (first, second), settings)
        thumbs = results.filter(pl.col("metric") == "thumbs_up_rate").row(0, named=True)
        if thumbs["strata"] == 0:
            continue
        rows.append(
            {
                "a": first,
                "b": second,
                "verdict (b against a)": overall_verdict(results),
                "thumbs-up a": thumbs["estimate_a"],
                "thumbs-up b": thumbs["estimate_b"],
                "difference": thumbs["difference"],
                "95% low": thumbs["difference_low"],
                "95% high": thumbs["difference_high"],
                "p (Holm)": thumbs["p_adjusted"],
            }
        )
    return pl.DataFrame(rows)


def build_report(con: duckdb.DuckDBPyConnection, settings: ReportSettings, now: datetime.datetime) -> str:
    sections = [
        f"<h1>feedback_platform report</h1><p>Written {escape(now.isoformat(timespec='seconds'))}.</p>"
    ]
    if not table_exists(con, COUNTS_TABLE):
        sections.append(f'<p class="empty">No {COUNTS_TABLE} table: materialise the assets first.</p>')
        return _page(sections)
    counts = con.sql(f"select * from {COUNTS_TABLE}").pl()
    ranked = [
        *COHORT,
        "responses",
        "thumb_votes",
        "thumbs_up_rate",
        "thumbs_up_rate_low",
        "thumbs_up_rate_high",
    ]
    uncertain = rank_uncertain(counts, settings.ranking)
    themes, _ = group_into_themes(low_rated_comments(con, settings.themes), settings.themes)
    sections += [
        f"<h2>Quality over time</h2><p>Responses {counts['responses'].sum():,}, "
        f"{counts['response_date'].min()} to {counts['response_date'].max()}. Daily thumbs-up rate with "
        "its 95% Wilson interval.</p><h3>By model</h3>",
        quality_chart(counts, "model"),
        "<h3>By prompt version</h3>",
        quality_chart(counts, "prompt_version"),
        f"<h2>Weakest cohorts</h2><p>At least {settings.ranking.min_votes} thumb votes in the last "
        f"{settings.ranking.window_days} days, by the low end of the thumbs-up interval.</p>",
        _table(rank_weakest(counts, settings.ranking).head(SHOWN_ROWS).select("rank", *ranked)),
        "<h2>Least certain cohorts</h2><p>Interval width times share of traffic: where feedback pays.</p>",
        _table(uncertain.head(SHOWN_ROWS).select("rank", *ranked, "uncertainty_weight")),
        "<h2>Comparisons</h2><p>Stratified by tenant, feature, language and the configuration held fixed; "
        f"Holm over the metrics, alpha {settings.comparison.alpha}.</p><h3>Models</h3>",
        _table(comparisons(counts, "model", settings.comparison)),
        "<h3>Prompt versions</h3>",
        _table(comparisons(counts, "prompt_version", settings.comparison)),
        "<h2>Failure themes</h2><p>Comments on low-rated responses grouped by their words.</p>",
        _table(themes.drop("cases_by_day")),
        "<h2>Conversion to training data</h2>",
        _conversion(con)
        if table_exists(con, CONVERSION_TABLE)
        else f'<p class="empty">No {CONVERSION_TABLE} table.</p>',
    ]
    return _page(sections)


def _conversion(con: duckdb.DuckDBPyConnection) -> str:
    by_day = conversion_by_day(con.sql(f"select * from {CONVERSION_TABLE}").pl())
    series = [
        Series(
            "events in any dataset", by_day["feedback_date"].to_list(), by_day["conversion_rate"].to_list()
        )
    ]
    return (
        "<p>Share of each feedback day's events that a row of a dataset's latest version traces to.</p>"
        + (line_chart(series, (0.0, 1.0), "daily conversion rate"))
    )


def _page(sections: list[str]) -> str:
    body = "\n".join(sections)
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8"><title>feedback_platform report</title>'
        f"<style>{STYLE}</style></head><body>\n{body}\n</body></html>\n"
    )
