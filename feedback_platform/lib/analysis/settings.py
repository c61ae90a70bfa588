"""The analysis layer's settings, apart from its statistics so that the platform's settings can name them
without importing SciPy."""

from dataclasses import dataclass, field


@dataclass(frozen=True)
class CohortRankingSettings:
    """The trailing window the rankings look at, and the thumb votes a cohort needs to be ranked weak."""

    window_days: int = 28
    min_votes: int = 30

    def __post_init__(self) -> None:
        if self.window_days < 1 or self.min_votes < 1:
            raise ValueError("window_days and min_votes must be at least 1")


@dataclass(frozen=True)
class ComparisonSettings:
    alpha: float = 0.05
    power: float = 0.8
    min_trials: int = 30
    """Each arm's trials (votes, ratings or responses) a metric needs to be tested."""

    def __post_init__(self) -> None:
        if not (0 < self.alpha < 1 and 0 < self.power < 1):
            raise ValueError("alpha and power must lie strictly between 0 and 1")


@dataclass(frozen=True)
class RetrainingThresholds:
    min_new_rows: dict[str, int] = field(default_factory=lambda: {"sft": 200, "dpo": 50})
    """Per watched dataset, the new rows its latest version needs."""
    baseline_days: int = 14
    """The days before the training run that the feedback since it is compared with."""
    comparison: ComparisonSettings = field(default_factory=ComparisonSettings)


@dataclass(frozen=True)
class ThemeSettings:
    """How failure themes are found (`feedback_platform.lib.analysis.themes`)."""

    window_days: int = 28
    distance_threshold: float = 0.9
    """Average-linkage cosine distance under which groups of comments merge: 0.9 joins comments whose
    TF-IDF vectors are on average at least 0.1 alike, i.e. share some distinctive words."""
    min_theme_size: int = 3
    """Smaller groups are left in "other": a theme is something several users said."""
    max_cases: int = 5000
    """The latest cases clustered at most: their pairwise distances, 8 bytes each, are 200 MB at 5,000."""
