"""What the feedback says about the product: cohort quality with intervals, the weakest and least certain
cohorts, and comparisons of models and prompt versions. Everything is computed from `cohort_daily_counts`,
where every count is a number of responses."""
