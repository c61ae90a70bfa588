"""Failure themes on hand-made comments: shared words make a theme, none make only "other", and a small group
stays in "other"."""

from datetime import date

import polars as pl

from feedback_platform.lib.analysis.settings import ThemeSettings
from feedback_platform.lib.analysis.themes import OTHER, group_into_themes


def _cases(texts: list[str]) -> pl.DataFrame:
    n = len(texts)
    return pl.DataFrame(
        {
            "event_id": [f"e{i:03d}" for i in range(n)],
            "response_id": [f"r{i:03d}" for i in range(n)],
            "feedback_date": [date(2026, 11, 1 + i % 3) for i in range(n)],
            "tenant_id": ["t1"] * n,
            "model": ["m1" if i % 2 else "m2" for i in range(n)],
            "prompt_version": ["p1"] * n,
            "feature": ["chat"] * n,
            "language": ["en"] * n,
            "comment_text": texts,
        }
    )


# Guards "quiet where nothing was planted": comments that share no word form no theme (comments that all
# say "bad" would: that is a theme).
def test_comments_without_shared_words_form_no_theme() -> None:
    texts = ["Apple sauce.", "Bridge toll!", "Candle wax?", "Dolphin fin.", "Engine oil.", "Forest fire.",
             "Guitar string.", "Harbor crane.", "Island ferry.", "Jacket zipper."]  # fmt: skip
    themes, themed = group_into_themes(_cases(texts), ThemeSettings())
    assert set(themed["theme"]) == {OTHER}
    assert themes["theme"].to_list() == [OTHER] and themes["cases"].to_list() == [10]


# Guards the grouping itself: comments sharing their words group together, a pair stays below the minimum
# size, and the summary names the terms and counts every case once.
def test_shared_words_make_a_theme_and_small_groups_stay_other() -> None:
    texts = [
        *["The refund never arrived.", "My refund never arrived at all.", "Refund never arrived, again."],
        *["Refund never arrived after two weeks.", "Wrong login steps.", "The login steps are wrong."],
    ]
    themes, themed = group_into_themes(_cases(texts), ThemeSettings(min_theme_size=3))
    assert themed["theme"].to_list() == ["theme-1"] * 4 + [OTHER] * 2
    first = themes.row(0, named=True)
    assert first["cases"] == 4 and first["share"] == 4 / 6
    assert {"refund", "arrived"} <= set(first["top_terms"])
    assert sum(entry["cases"] for entry in first["cases_by_day"]) == 4
    assert themes["cases"].sum() == len(texts)
