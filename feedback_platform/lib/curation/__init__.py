"""Curation: turn the ``feedback_with_responses`` mart into eval, SFT and KTO examples and DPO pairs.

Each ``select_*`` function is pure: a Polars frame and the rules in, a Polars frame out, one lazy chain and
one collect. The settings are in the rules file (:mod:`feedback_platform.lib.curation.config`), the
expressions built from them in :mod:`feedback_platform.lib.curation.rules`.
"""

from feedback_platform.lib.curation.config import (
    DEFAULT_RULES_PATH,
    CurationRules,
    CurationRulesError,
    load_rules,
    parse_rules,
)
from feedback_platform.lib.curation.dpo import DPO_COLUMNS, select_dpo_pairs
from feedback_platform.lib.curation.eval import EVAL_COLUMNS, select_eval_examples
from feedback_platform.lib.curation.kto import KTO_COLUMNS, select_kto_examples
from feedback_platform.lib.curation.selection import CURATION_CODE_VERSION
from feedback_platform.lib.curation.sft import SFT_COLUMNS, select_sft_examples

__all__ = [
    "CURATION_CODE_VERSION",
    "DEFAULT_RULES_PATH",
    "DPO_COLUMNS",
    "EVAL_COLUMNS",
    "KTO_COLUMNS",
    "SFT_COLUMNS",
    "CurationRules",
    "CurationRulesError",
    "load_rules",
    "parse_rules",
    "select_dpo_pairs",
    "select_eval_examples",
    "select_kto_examples",
    "select_sft_examples",
]
