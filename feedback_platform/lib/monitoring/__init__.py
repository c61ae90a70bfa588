"""Watching the pipeline over time: landing-day arrival, feedback drift, feedback-to-training conversion."""
