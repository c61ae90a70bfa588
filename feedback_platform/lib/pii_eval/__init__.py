"""Evaluation of PII redaction on span-labelled sets: leak rate per entity type and over-redaction.

Plain Python with no Dagster: `feedback-platform pii-eval` (and `bench/pii_eval.py`, which calls it) runs
it on the dev set; any redaction function can be scored, since only its output texts are read.
"""

from feedback_platform.lib.pii_eval.entity_ablation import (
    OPTIONAL_ENTITIES,
    AblationVariant,
    ablate_entity_types,
    candidate_entities,
    entity_ablation,
    format_ablation,
    mask_detections,
)
from feedback_platform.lib.pii_eval.group_evaluation import (
    GroupEvaluation,
    evaluate_group,
    format_group_evaluation,
    format_verdict,
)
from feedback_platform.lib.pii_eval.labelled_groups import (
    DEV_SET,
    GENERATED_DEFAULTS,
    LabelledGroup,
    NoLabelledSetError,
    generated_set,
    labelled_groups,
)
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
    "DEV_SET",
    "DEV_SET_LABELS",
    "GENERATED_DEFAULTS",
    "ISSUE_TARGETS",
    "NAME_ENTITIES",
    "NUMERIC_ENTITIES",
    "OPTIONAL_ENTITIES",
    "TARGETED_ENTITIES",
    "AblationVariant",
    "EntityScore",
    "EvaluationReport",
    "GroupEvaluation",
    "LabelledGroup",
    "LabelledSetError",
    "LabelledSpan",
    "LabelledText",
    "NoLabelledSetError",
    "Target",
    "ablate_entity_types",
    "candidate_entities",
    "entity_ablation",
    "evaluate",
    "evaluate_group",
    "format_ablation",
    "format_examples",
    "format_group_evaluation",
    "format_report",
    "format_verdict",
    "generated_set",
    "is_leaked",
    "labelled_groups",
    "load_labelled_set",
    "mask_detections",
    "surviving_words",
    "target_results",
]
