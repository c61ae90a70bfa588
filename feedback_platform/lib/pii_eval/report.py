"""The evaluation report as a readable table, with each target and whether it is met."""

from collections.abc import Sequence
from dataclasses import replace

from feedback_platform.lib.pii_eval.metrics import EntityScore, EvaluationReport, TextTally
from feedback_platform.lib.pii_eval.targets import (
    ISSUE_TARGETS,
    LANGUAGE_TARGETS,
    NON_PII_KEPT,
    OVERALL,
    PII_FREE_SYSTEM_PROMPTS_CHANGED,
    PII_FREE_UNCHANGED,
    SYSTEM_PROMPT_FIELD,
    Target,
    language_row,
)

ROW_WIDTH = 32
"""Characters of the first column: the longest row name fits."""


def target_results(report: EvaluationReport, targets: Sequence[Target] = ISSUE_TARGETS) -> dict[str, bool]:
    """Target row -> met, for each target whose row the report has (a type absent from the set is skipped),
    then the per-language targets of each language the set names."""
    results = _results(report, targets)
    for language, scores in report.by_language.items():
        for row, passed in _results(scores, LANGUAGE_TARGETS).items():
            results[language_row(row, language)] = passed
    return results


def _results(report: EvaluationReport, targets: Sequence[Target]) -> dict[str, bool]:
    results = {}
    for target in targets:
        value = _row_value(report, target.row)
        if value is not None:
            results[target.row] = target.passes(value)
    return results


def format_report(report: EvaluationReport, targets: Sequence[Target] = ISSUE_TARGETS) -> str:
    """One line per entity type, then overall, then what was kept (ordinary words, PII-free texts, PII-free
    system prompts when the set names fields), then per language the overall leak and the words kept, each
    with its target and verdict."""
    by_row = {target.row: target for target in targets}
    header = (
        f"{'entity type':<{ROW_WIDTH}}{'spans':>7}{'leaked':>8}{'leak':>8}{'words left':>12}"
        f"   {'target':<10}result"
    )
    lines = [header, "-" * len(header)]
    for score in [*report.entities.values(), report.overall]:
        lines.append(_score_line(score, by_row.get(score.entity_type)))
    lost = report.non_pii_words - report.non_pii_words_kept
    lines.append(_kept_line(NON_PII_KEPT, report.non_pii_words, lost, report.non_pii_kept_rate, by_row))
    tally = report.pii_free
    lines.append(
        _kept_line(
            PII_FREE_UNCHANGED, tally.texts, tally.texts - tally.unchanged, tally.unchanged_rate, by_row
        )
    )
    if (prompts := _system_prompts(report)) is not None:
        changed = prompts.texts - prompts.unchanged
        lines.append(
            _kept_line(PII_FREE_SYSTEM_PROMPTS_CHANGED, prompts.texts, changed, prompts.changed_rate, by_row)
        )
    for language, scores in report.by_language.items():
        lines += _language_lines(language, scores)
    return "\n".join(lines)


def _language_lines(language: str, scores: EvaluationReport) -> list[str]:
    """The overall leak and the ordinary words kept over one language's texts, against its targets."""
    by_row = {language_row(target.row, language): target for target in LANGUAGE_TARGETS}
    overall = replace(scores.overall, entity_type=language_row(OVERALL, language))
    lost = scores.non_pii_words - scores.non_pii_words_kept
    kept_row = language_row(NON_PII_KEPT, language)
    return [
        _score_line(overall, by_row.get(overall.entity_type)),
        _kept_line(kept_row, scores.non_pii_words, lost, scores.non_pii_kept_rate, by_row),
    ]


def _kept_line(row: str, counted: int, lost: int, rate: float, by_row: dict[str, Target]) -> str:
    """A row about what redaction keeps: how many words or texts were counted, lost, and the rate."""
    return f"{row:<{ROW_WIDTH}}{counted:>7}{lost:>8}{rate:>8.1%}{'':>12}   {_verdict(by_row.get(row), rate)}"


def _system_prompts(report: EvaluationReport) -> TextTally | None:
    """The PII-free system prompts of the set, None when its records do not say which texts those are."""
    return report.pii_free_by_field.get(SYSTEM_PROMPT_FIELD)


def format_examples(report: EvaluationReport, per_type: int = 8) -> str:
    """Some leaked values per entity type and the ordinary words most often lost, to see what goes wrong."""
    lines = []
    for score in report.entities.values():
        if score.leaked_values:
            shown = " | ".join(repr(value) for value in score.leaked_values[:per_type])
            lines.append(f"leaked {score.entity_type}: {shown}")
    if report.lost_words:
        lines.append("ordinary words lost: " + ", ".join(f"{w} ({n})" for w, n in report.lost_words.items()))
    for changed in report.pii_free.changed_examples[:per_type]:
        lines.append(f"PII-free text changed: {changed!r}")
    return "\n".join(lines)


def _score_line(score: EntityScore, target: Target | None) -> str:
    return (
        f"{score.entity_type:<{ROW_WIDTH}}{score.spans:>7}{score.leaked:>8}{score.leak_rate:>8.1%}"
        f"{score.words_left_rate:>12.1%}   {_verdict(target, score.leak_rate)}"
    )


def _verdict(target: Target | None, value: float) -> str:
    if target is None:
        return "-"
    return f"{target.describe():<10}{'PASS' if target.passes(value) else 'FAIL'}"


def _row_value(report: EvaluationReport, row: str) -> float | None:
    if row == NON_PII_KEPT:
        return report.non_pii_kept_rate
    if row == PII_FREE_UNCHANGED:
        return report.pii_free.unchanged_rate if report.pii_free.texts else None
    if row == PII_FREE_SYSTEM_PROMPTS_CHANGED:
        prompts = _system_prompts(report)
        return prompts.changed_rate if prompts is not None else None
    if row == OVERALL:
        return report.overall.leak_rate
    score = report.entities.get(row)
    return score.leak_rate if score is not None else None
