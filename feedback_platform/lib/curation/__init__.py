"""Curation: turn the ``feedback_with_responses`` mart into eval examples, SFT examples and DPO pairs.

Each ``select_*`` function is pure: a Polars frame in, a Polars frame out, one lazy chain and one collect.
The rules themselves are in :mod:`feedback_platform.lib.curation.rules`.
"""

from feedback_platform.lib.curation.dpo import DPO_COLUMNS, select_dpo_pairs
from feedback_platform.lib.curation.eval import EVAL_COLUMNS, select_eval_examples
from feedback_platform.lib.curation.rules import RULE_VERSION
from feedback_platform.lib.curation.sft import SFT_COLUMNS, select_sft_examples

__all__ = [
    "DPO_COLUMNS",
    "EVAL_COLUMNS",
    "RULE_VERSION",
    "SFT_COLUMNS",
    "select_dpo_pairs",
    "select_eval_examples",
    "select_sft_examples",
]
