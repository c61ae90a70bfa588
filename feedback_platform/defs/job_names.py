"""The names of the nightly jobs, apart from their definitions so that tools can name a job without
loading the code location (which reads the settings for the partitions)."""

LANDING_DAY_JOB = "landing_day_job"
DATASETS_JOB = "datasets_job"

LANDING_DAY_LAYERS = ("ingest", "redact")
"""The asset groups (pipeline layers) a landing day's run materialises, in order."""
DATASETS_JOB_LAYERS = ("join", "curate", "datasets", "analysis")
"""The asset groups the datasets job materialises after the landing days, in order."""
LAYERS = (*LANDING_DAY_LAYERS, *DATASETS_JOB_LAYERS)
"""Every layer, in pipeline order; each is the asset group of that name."""

RETRAINING_TAG = "feedback_platform/retraining"
"""The tag of the dataset refresh runs the retraining trigger requests: the recommendation's key."""
