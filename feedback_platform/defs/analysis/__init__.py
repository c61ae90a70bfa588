"""The analysis layer: cohort quality with intervals, the weakest and least certain cohorts, and whether a
newer model or prompt version is worse than the one it replaced."""
