"""What fails, and why: low-rated cases grouped into failure themes, offline on the CPU.

A **case** is a comment on a low-rated response: a response whose latest thumb is down, whose latest rating
is 1 or 2, or that was regenerated or abandoned. The comment says in the user's words what went wrong (the
redacted text, as the warehouse holds it). Cases of the trailing `window_days` are grouped by their words:

1. TF-IDF over word unigrams and bigrams (English stop words out, sublinear term frequency, terms in at least
   two comments), each comment's vector of unit length;
2. agglomerative clustering with average linkage on cosine distance, merging groups while their average
   distance stays under `distance_threshold`: no number of themes is fixed in advance, and the result does
   not depend on a random seed (the same cases in the same order give the same themes, run after run);
3. groups smaller than `min_theme_size` (and comments with no term in common with any other) form "other".

Each theme has its size and share of the cases, its top terms (the largest weights of its mean vector), the
prompt version, model and feature it concentrates in (the largest share of its cases, with the lift over
that value's share of all cases: 2.0 means twice as common in the theme as overall), its cases per day, and
example response ids. Comments in languages other than English group by their own words.
"""

import duckdb
import numpy as np
import polars as pl
from scipy import sparse
from sklearn.cluster import AgglomerativeClustering
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.metrics.pairwise import cosine_distances

from feedback_platform.lib.analysis.settings import ThemeSettings

OTHER = "other"
TOP_TERMS = 5
EXAMPLES = 5
CONCENTRATIONS = ("prompt_version", "model", "feature")

CASES_SQL = """
with votes as (
    select
        response_id,
        arg_max(thumb, feedback_created_at) filter (where signal = 'thumb') as latest_thumb,
        arg_max(rating, feedback_created_at) filter (where signal = 'rating') as latest_rating,
        count(*) filter (where signal in ('regenerate', 'abandon')) as regenerated_or_abandoned
    from feedback_with_responses
    group by response_id
),
low_rated as (
    select response_id from votes
    where latest_thumb = 'down' or latest_rating <= 2 or regenerated_or_abandoned > 0
)
select
    comments.event_id,
    comments.response_id,
    cast(comments.feedback_created_at as date) as feedback_date,
    comments.tenant_id,
    comments.model,
    comments.prompt_version,
    comments.feature,
    comments.language,
    comments.comment_text
from feedback_with_responses as comments
join low_rated using (response_id)
where comments.signal = 'comment' and comments.comment_text is not null
    and cast(comments.feedback_created_at as date)
        > (select max(cast(feedback_created_at as date)) from feedback_with_responses) - $window_days
    and (len($tenants) = 0 or list_contains($tenants, comments.tenant_id))
order by comments.feedback_created_at desc, comments.event_id
limit $max_cases
"""

THEME_SCHEMA = pl.Schema(
    {
        "theme": pl.String,
        "cases": pl.Int64,
        "share": pl.Float64,
        "top_terms": pl.List(pl.String),
        **{f"top_{column}": pl.String for column in CONCENTRATIONS},
        **{f"top_{column}_share": pl.Float64 for column in CONCENTRATIONS},
        **{f"top_{column}_lift": pl.Float64 for column in CONCENTRATIONS},
        "cases_by_day": pl.List(pl.Struct({"day": pl.Date, "cases": pl.Int64})),
        "example_response_ids": pl.List(pl.String),
    }
)


def low_rated_comments(
    con: duckdb.DuckDBPyConnection, settings: ThemeSettings, tenants: tuple[str, ...] = ()
) -> pl.DataFrame:
    """The cases of the trailing window (the latest `max_cases`), in event order."""
    parameters = {
        "window_days": settings.window_days,
        "tenants": list(tenants),
        "max_cases": settings.max_cases,
    }
    return con.sql(CASES_SQL, params=parameters).pl().sort("event_id")


def assign_themes(cases: pl.DataFrame, settings: ThemeSettings) -> tuple[pl.DataFrame, dict[str, list[str]]]:
    """The cases with their `theme` (themes named "theme-1", "theme-2" ... by size, then "other"), and
    each theme's top terms."""
    texts = cases["comment_text"].to_list()
    labels = np.full(len(texts), -1)
    matrix, terms = _tfidf(texts)
    worded = np.flatnonzero(matrix.getnnz(axis=1) > 0) if matrix is not None else np.array([], dtype=int)
    if len(worded) >= 2:
        distances = cosine_distances(matrix[worded])
        clustering = AgglomerativeClustering(
            n_clusters=None,
            distance_threshold=settings.distance_threshold,
            metric="precomputed",
            linkage="average",
        ).fit(distances)
        labels[worded] = clustering.labels_
    sizes = {label: int((labels == label).sum()) for label in set(labels.tolist()) if label >= 0}
    kept = sorted((label for label, size in sizes.items() if size >= settings.min_theme_size),
                  key=lambda label: (-sizes[label], int(np.flatnonzero(labels == label)[0])))  # fmt: skip
    names = {label: f"theme-{rank}" for rank, label in enumerate(kept, start=1)}
    themed = cases.with_columns(
        theme=pl.Series([names.get(label, OTHER) for label in labels.tolist()], dtype=pl.String)
    )
    return themed, {names[label]: _top_terms(matrix[labels == label], terms) for label in kept}


def _tfidf(texts: list[str]) -> tuple[sparse.csr_matrix | None, np.ndarray]:
    """The comments' TF-IDF vectors (sparse, unit length) and the terms; None when no term is in two."""
    if len(texts) < 2:
        return None, np.array([])
    vectorizer = TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True, min_df=2, stop_words="english")
    try:
        return vectorizer.fit_transform(texts), vectorizer.get_feature_names_out()
    except ValueError:  # no term in two comments: nothing in common to group by
        return None, np.array([])


def _top_terms(members: sparse.csr_matrix, terms: np.ndarray) -> list[str]:
    """The terms of the largest mean weight among a theme's comments (ties in vocabulary order)."""
    weights = np.asarray(members.mean(axis=0)).ravel()
    return terms[np.argsort(-weights, kind="stable")[:TOP_TERMS]].tolist()


def _concentration(theme_cases: pl.DataFrame, all_cases: pl.DataFrame, column: str) -> dict[str, object]:
    counts = theme_cases[column].value_counts(sort=True, name="n")
    top, n = counts.sort(["n", column], descending=[True, False]).row(0)
    share = n / theme_cases.height
    overall = all_cases.filter(pl.col(column) == top).height / all_cases.height
    return {f"top_{column}": top, f"top_{column}_share": share, f"top_{column}_lift": share / overall}


def summarise(themed: pl.DataFrame, top_terms: dict[str, list[str]]) -> pl.DataFrame:
    """One row per theme (schema THEME_SCHEMA), largest first, "other" last."""
    rows = []
    for theme in [*top_terms, OTHER]:
        members = themed.filter(pl.col("theme") == theme)
        if members.is_empty():
            continue
        by_day = members.group_by("feedback_date").len().sort("feedback_date")
        rows.append(
            {
                "theme": theme,
                "cases": members.height,
                "share": members.height / themed.height,
                "top_terms": top_terms.get(theme, []),
                **{
                    k: v
                    for column in CONCENTRATIONS
                    for k, v in _concentration(members, themed, column).items()
                },
                "cases_by_day": [{"day": day, "cases": n} for day, n in by_day.iter_rows()],
                "example_response_ids": sorted(set(members["response_id"]))[:EXAMPLES],
            }
        )
    return pl.DataFrame(rows, schema=THEME_SCHEMA)


def group_into_themes(cases: pl.DataFrame, settings: ThemeSettings) -> tuple[pl.DataFrame, pl.DataFrame]:
    """The themes (THEME_SCHEMA) and the cases with their theme."""
    themed, top_terms = assign_themes(cases, settings)
    return summarise(themed, top_terms), themed


def theme_mix(themes: pl.DataFrame) -> pl.DataFrame:
    """One row per case, its feedback day (`response_date`, as `traffic_drift` names a day) and theme, from
    the themes' `cases_by_day`: the mix a day's cases make, without reading or grouping them again."""
    return (
        themes.select("theme", "cases_by_day")
        .explode("cases_by_day")
        .unnest("cases_by_day")
        .with_columns(pl.col("theme").repeat_by("cases"))
        .explode("theme")
        .select(response_date="day", theme="theme")
    )
