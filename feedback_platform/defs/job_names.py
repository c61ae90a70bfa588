"""The names of the nightly jobs, apart from their definitions so that tools can name a job without
loading the code location (which reads the settings for the partitions)."""

LANDING_DAY_JOB = "landing_day_job"
DATASETS_JOB = "datasets_job"
