"""One evaluation run: redact each labelled group, score it against the targets, and say what failed.

The redaction is any function from texts to redacted texts, so the engine under any configuration (or
another engine) can be scored; the caller times nothing but this call.
"""

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from feedback_platform.lib.pii_eval.labelled_groups import LabelledGroup
from feedback_platform.lib.pii_eval.metrics import EvaluationReport, evaluate
from feedback_platform.lib.pii_eval.report import format_examples, format_report, target_results
from feedback_platform.lib.pii_eval.targets import TARGETED_ENTITIES

Redact = Callable[[Sequence[str | None]], list[str | None]]
"""Texts -> their redactions, in order: `PiiRedactor(...).redact`."""


@dataclass(frozen=True)
class GroupEvaluation:
    """The scores of one labelled group, how long its redaction took, and each target's verdict."""

    group: LabelledGroup
    seconds: float
    report: EvaluationReport
    results: dict[str, bool]
    """Target row -> met, for the targets whose row the group has."""

    @property
    def failed(self) -> list[str]:
        """The target rows not met."""
        return [row for row, passed in self.results.items() if not passed]


def evaluate_group(redact: Redact, group: LabelledGroup) -> GroupEvaluation:
    """Redact the group's texts with `redact` and score them."""
    started = time.perf_counter()
    redacted = redact([record.text for record in group.records])
    seconds = time.perf_counter() - started
    report = evaluate(group.records, [text or "" for text in redacted], TARGETED_ENTITIES)
    return GroupEvaluation(group, seconds, report, target_results(report))


def format_group_evaluation(evaluation: GroupEvaluation, examples: bool = False) -> str:
    """The group's table against the targets, with leaked values and lost words when `examples`."""
    results = evaluation.results
    lines = [
        f"{len(evaluation.group.records)} texts from {evaluation.group.name}, "
        f"redacted in {evaluation.seconds:.1f} s",
        format_report(evaluation.report),
    ]
    if examples:
        lines += ["", format_examples(evaluation.report)]
    lines.append(f"{len(results) - len(evaluation.failed)}/{len(results)} targets met")
    return "\n".join(lines)


def format_verdict(evaluations: Sequence[GroupEvaluation]) -> str:
    """The closing line: "all targets met", or the failing target rows (with their group's name when
    there are several groups)."""
    failed = [
        f"{row} ({evaluation.group.name})" if len(evaluations) > 1 else row
        for evaluation in evaluations
        for row in evaluation.failed
    ]
    return "all targets met" if not failed else "failing: " + ", ".join(failed)
