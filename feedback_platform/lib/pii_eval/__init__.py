"""Evaluation of PII redaction on span-labelled sets: leak rate per entity type and over-redaction.

Plain Python with no Dagster: `bench/pii_eval.py` runs it on the dev set; any redaction function can be
scored, since only its output texts are read.
"""

from feedback_platform.lib.pii_eval.labelled_sets import (
    LabelledSetError,
    LabelledSpan,
    LabelledText,
    load_labelled_set,
)
from feedback_platform.lib.pii_eval.labels import DEV_SET_LABELS, NAME_ENTITIES, NUMERIC_ENTITIES
from feedback_platform.lib.pii_eval.leaks import is_leaked
from feedback_platform.lib.pii_eval.metrics import EntityScore, EvaluationReport, evaluate, surviving_words
from feedback_platform.lib.pii_eval.report import format_examples, format_report, target_results
from feedback_platform.lib.pii_eval.targets import ISSUE_TARGETS, TARGETED_ENTITIES, Target

__all__ = [
    "DEV_SET_LABELS",
    "ISSUE_TARGETS",
    "NAME_ENTITIES",
    "NUMERIC_ENTITIES",
    "TARGETED_ENTITIES",
    "EntityScore",
    "EvaluationReport",
    "LabelledSetError",
    "LabelledSpan",
    "LabelledText",
    "Target",
    "evaluate",
    "format_examples",
    "format_report",
    "is_leaked",
    "load_labelled_set",
    "surviving_words",
    "target_results",
]
