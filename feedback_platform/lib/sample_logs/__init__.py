"""Deterministic, realistic sample logs of an AI product: responses, feedback and consent events.

Several tenants, models and prompt versions of different quality; common questions that recur across users;
planted PII; consent changes; and a small share of malformed, duplicate and late lines. See
`docs/log-format.md` for the format written.
"""

from feedback_platform.lib.sample_logs.config import STREAMS, SampleLogConfig
from feedback_platform.lib.sample_logs.generator import generate_sample_logs
from feedback_platform.lib.sample_logs.pii import ENTITY_TYPES
from feedback_platform.lib.sample_logs.summary import SUMMARY_FILE, GenerationSummary, read_generation_summary

__all__ = [
    "ENTITY_TYPES",
    "STREAMS",
    "SUMMARY_FILE",
    "GenerationSummary",
    "SampleLogConfig",
    "generate_sample_logs",
    "read_generation_summary",
]
