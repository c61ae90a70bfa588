"""The curation rules as Polars expressions: the labels a response can carry, and the rules built on them.

The settings (thresholds, which labels admit a response to which dataset, weights, precedence) are in the
rules file, loaded as :class:`feedback_platform.lib.curation.config.CurationRules`. This module turns them
into named expressions over the per-response frame of
:func:`feedback_platform.lib.curation.signals.response_signals`, each with the expression listing the
feedback events that are its evidence. ``docs/curation-rules.md`` states the same rules in prose.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import polars as pl

from feedback_platform.lib.curation.config import CurationRules, Thresholds

# Sources of a target or a preference pair.
SOURCE_OUTPUT = "output"
SOURCE_USER_EDIT = "user_edit"
SOURCE_THUMBS = "thumbs"
SOURCE_REGENERATE_THEN_COPY = "regenerate_then_copy"

_EMPTY_IDS = pl.lit([], dtype=pl.List(pl.String))
"""An empty list of event ids (or of rule names)."""


@dataclass(frozen=True)
class Rule:
    """A named rule: when it fires for a response, and which events are its evidence."""

    name: str
    fires: pl.Expr
    evidence: pl.Expr  # list of event ids (a scalar event id is wrapped into a one-element list)


# Facts that do not depend on any threshold.
thumb_down = pl.col("latest_thumb").eq("down").fill_null(False)
thumb_up = pl.col("latest_thumb").eq("up").fill_null(False)
has_edit = pl.col("latest_edit_event_id").is_not_null()
changed_by_edit = has_edit & (pl.col("latest_edit_shape") != pl.col("output_shape"))
"""The latest edit differs from the output in more than whitespace (see ``text_facts.text_shape``)."""
copied = pl.col("copy_event_ids").list.len() > 0
regenerated = pl.col("regenerate_event_ids").list.len() > 0
task_succeeded = pl.col("task_succeeded").fill_null(False)
task_failed = pl.col("task_succeeded").not_().fill_null(False)
"""The measured outcome of the response's task (tests passed, ticket resolved) succeeded / failed."""

_thumb_event = pl.concat_list(pl.col("latest_thumb_event_id"))
_rating_event = pl.concat_list(pl.col("latest_rating_event_id"))
_edit_event = pl.concat_list(pl.col("latest_edit_event_id"))

REFERENCE_EVIDENCE = pl.when(has_edit).then(_edit_event).otherwise(_EMPTY_IDS)
"""The edit event behind an eval example's reference answer, so lineage reaches it too."""


def _events(column: str) -> Rule:
    name = column.removesuffix("_event_ids")
    return Rule(name, pl.col(column).list.len() > 0, pl.col(column))


def labels(thresholds: Thresholds) -> dict[str, Rule]:
    """Every label a rule can name (``config.Label``), as a rule over the per-response frame."""
    rating = pl.col("latest_rating")
    every = (
        Rule("thumb_up", thumb_up, _thumb_event),
        Rule("thumb_down", thumb_down, _thumb_event),
        Rule("high_rating", rating.ge(thresholds.high_rating_min).fill_null(False), _rating_event),
        Rule("low_rating", rating.le(thresholds.low_rating_max).fill_null(False), _rating_event),
        Rule("regenerated", regenerated, pl.col("regenerate_event_ids")),
        Rule("abandoned", pl.col("abandon_event_ids").list.len() > 0, pl.col("abandon_event_ids")),
        _events("quick_abandon_event_ids"),
        _events("long_dwell_event_ids"),
        Rule("copied", copied, pl.col("copy_event_ids")),
        Rule(
            "thumb_up_copied",
            thumb_up & copied,
            pl.concat_list(pl.col("latest_thumb_event_id"), pl.col("copy_event_ids")),
        ),
        Rule("user_edit", has_edit, _edit_event),
        Rule("changed_by_edit", changed_by_edit, _edit_event),
        Rule("task_succeeded", task_succeeded, pl.col("outcome_event_ids")),
        Rule("task_failed", task_failed, pl.col("outcome_event_ids")),
    )
    return {rule.name: rule for rule in every}


def eval_rules(rules: CurationRules) -> tuple[Rule, ...]:
    """A response is an eval example when any of these fires: the output failed the user."""
    named = labels(rules.thresholds)
    return tuple(named[name] for name in rules.eval.admitted_by)


def sft_output_rules(rules: CurationRules) -> tuple[Rule, ...]:
    """The output itself is an SFT target when one of these fires; each already includes the veto."""
    named = labels(rules.thresholds)
    veto = any_fires([named[name] for name in rules.sft.output_vetoed_by])
    return tuple(
        Rule(name, named[name].fires & ~veto, named[name].evidence) for name in rules.sft.output_admitted_by
    )


def sft_rules(rules: CurationRules) -> tuple[Rule, ...]:
    """Every SFT rule: the output rules, then the user's edit (never vetoed) when edits are targets."""
    edit = (labels(rules.thresholds)["user_edit"],) if rules.sft.user_edits else ()
    return (*sft_output_rules(rules), *edit)


def any_fires(rules: Sequence[Rule]) -> pl.Expr:
    """True when at least one rule fires (never, for no rules)."""
    return pl.any_horizontal([rule.fires for rule in rules]) if rules else pl.lit(False)


def reasons(rules: Sequence[Rule]) -> pl.Expr:
    """The sorted names of the rules that fire."""
    named = [pl.when(rule.fires).then(pl.lit(rule.name)) for rule in rules]
    return pl.concat_list(named).list.drop_nulls().list.sort() if named else _EMPTY_IDS


def evidence_event_ids(rules: Sequence[Rule], *extra: pl.Expr) -> pl.Expr:
    """The sorted, distinct event ids behind the rules that fire, plus any extra lists of event ids."""
    parts = [pl.when(rule.fires).then(rule.evidence).otherwise(_EMPTY_IDS) for rule in rules]
    return pl.concat_list([_EMPTY_IDS, *parts, *extra]).list.drop_nulls().list.unique().list.sort()
