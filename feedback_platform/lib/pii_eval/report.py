"""The evaluation report as a readable table, with each target and whether it is met."""

from collections.abc import Sequence

from feedback_platform.lib.pii_eval.metrics import EntityScore, EvaluationReport
from feedback_platform.lib.pii_eval.targets import ISSUE_TARGETS, NON_PII_KEPT, OVERALL, Target


def target_results(report: EvaluationReport, targets: Sequence[Target] = ISSUE_TARGETS) -> dict[str, bool]:
    """Target row -> met, for each target whose row the report has (a type absent from the set is skipped)."""
    results = {}
    for target in targets:
        value = _row_value(report, target.row)
        if value is not None:
            results[target.row] = target.passes(value)
    return results


def format_report(report: EvaluationReport, targets: Sequence[Target] = ISSUE_TARGETS) -> str:
    """One line per entity type, then overall and non-PII words kept, each with its target and verdict."""
    by_row = {target.row: target for target in targets}
    header = (
        f"{'entity type':<20}{'spans':>7}{'leaked':>8}{'leak':>8}{'words left':>12}   {'target':<10}result"
    )
    lines = [header, "-" * len(header)]
    for score in [*report.entities.values(), report.overall]:
        lines.append(_score_line(score, by_row.get(score.entity_type)))
    kept = by_row.get(NON_PII_KEPT)
    verdict = _verdict(kept, report.non_pii_kept_rate)
    lines.append(
        f"{NON_PII_KEPT:<20}{report.non_pii_words:>7}{report.non_pii_words - report.non_pii_words_kept:>8}"
        f"{report.non_pii_kept_rate:>8.1%}{'':>12}   {verdict}"
    )
    return "\n".join(lines)


def format_examples(report: EvaluationReport, per_type: int = 8) -> str:
    """Some leaked values per entity type and the ordinary words most often lost, to see what goes wrong."""
    lines = []
    for score in report.entities.values():
        if score.leaked_values:
            shown = " | ".join(repr(value) for value in score.leaked_values[:per_type])
            lines.append(f"leaked {score.entity_type}: {shown}")
    if report.lost_words:
        lines.append("ordinary words lost: " + ", ".join(f"{w} ({n})" for w, n in report.lost_words.items()))
    return "\n".join(lines)


def _score_line(score: EntityScore, target: Target | None) -> str:
    return (
        f"{score.entity_type:<20}{score.spans:>7}{score.leaked:>8}{score.leak_rate:>8.1%}"
        f"{score.words_left_rate:>12.1%}   {_verdict(target, score.leak_rate)}"
    )


def _verdict(target: Target | None, value: float) -> str:
    if target is None:
        return "-"
    return f"{target.describe():<10}{'PASS' if target.passes(value) else 'FAIL'}"


def _row_value(report: EvaluationReport, row: str) -> float | None:
    if row == NON_PII_KEPT:
        return report.non_pii_kept_rate
    if row == OVERALL:
        return report.overall.leak_rate
    score = report.entities.get(row)
    return score.leak_rate if score is not None else None
