"""The dataset kinds: eval, SFT, DPO and KTO, each defined once.

Everything that differs between kinds is an entry here: the curated table and how it is selected, the
column that identifies a row, the suite its rows pass, whether it is split for training, and the formats it
exports to. The curated assets, the staged and published dataset assets, their checks, the exports and the
CLI all iterate over :data:`DATASET_KINDS`, so adding a fifth kind is one entry plus its curation code.

A kind's ``name`` is the one name a user sees: ``feedback-platform datasets show sft``, ``make run``'s
summary, and the tag ``dataset=sft`` on the ``sft_examples``, ``staged_sft_dataset`` and ``sft_dataset``
assets in the UI.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

import polars as pl

from feedback_platform.lib.curation.dpo import DPO_CURATION, DPO_KIND
from feedback_platform.lib.curation.eval import EVAL_CURATION, EVAL_KIND
from feedback_platform.lib.curation.kto import KTO_CURATION, KTO_KIND
from feedback_platform.lib.curation.selection import Curation
from feedback_platform.lib.curation.sft import SFT_CURATION, SFT_KIND
from feedback_platform.lib.curation.suites import DPO_ROWS, EVAL_ROWS, KTO_ROWS, SFT_ROWS, RowSuite
from feedback_platform.lib.datasets import export_records

RecordShape = Callable[[pl.DataFrame], pl.DataFrame]
"""Stored rows → one exported record per row (see :mod:`feedback_platform.lib.datasets.export_records`)."""


@dataclass(frozen=True)
class DatasetKind:
    """One kind of dataset, from the curated table to the files ML tools load."""

    name: str
    """The dataset's name (``sft``): its version folders, the CLI's NAME, the ``<name>_dataset`` asset."""
    curated_table: str
    """The curate layer's table of selected rows (``sft_examples``)."""
    description: str
    """What the curated rows are, shown on the curated asset."""
    curation: Curation
    """How the kind's rows are selected from the ``feedback_with_responses`` mart and written."""
    row_suite: RowSuite
    """The expectations every row meets, on the curated table and again on each staged version."""
    for_training: bool
    """Rows a model trains on: split into train and validation, and never from a user who opted out."""
    export_columns: tuple[str, ...]
    """The columns the record shapes read."""
    record_shapes: Mapping[str, RecordShape] = field(default_factory=dict)
    """Export format → record shape; every kind also exports as ``parquet`` (the rows themselves)."""
    shares_no_prompt_with_eval: bool = False
    """Audited to share no prompt with the eval version staged beside it."""
    pairs_preferences: bool = False
    """Rows pair a chosen text with a rejected one, so each must prefer a different, non-empty text."""

    @property
    def key_column(self) -> str:
        """The column that identifies a row; a version's content hash and its exports are ordered by it."""
        return self.curation.id_column

    @property
    def shard_column(self) -> str:
        """The column a version is sharded by (the rated response's date): a night's new rows land in new
        shards."""
        return self.curation.shard_column

    @property
    def asset_tags(self) -> dict[str, str]:
        """The tag on the kind's curated, staged and published assets: `tag:dataset=sft` in the UI."""
        return {"dataset": self.name}

    @property
    def staged_asset(self) -> str:
        return f"staged_{self.name}_dataset"

    @property
    def published_asset(self) -> str:
        return f"{self.name}_dataset"


DATASET_KINDS: MappingProxyType[str, DatasetKind] = MappingProxyType(
    {
        kind.name: kind
        for kind in (
            DatasetKind(
                name=EVAL_KIND,
                curated_table="eval_examples",
                description=(
                    "Responses that failed their users (by default thumbs-down, rating ≤ 2, regenerated, "
                    "abandoned, or a task whose measured outcome failed)."
                ),
                curation=EVAL_CURATION,
                row_suite=EVAL_ROWS,
                for_training=False,
                export_columns=(
                    "example_id",
                    "messages",
                    "retrieved_context",
                    "reference",
                    "output",
                    "reasons",
                    "feedback_event_ids",
                    *export_records.EVAL_METADATA_COLUMNS,
                ),
                record_shapes={"jsonl": export_records.eval_records},
            ),
            DatasetKind(
                name=SFT_KIND,
                curated_table="sft_examples",
                description=(
                    "Prompt → target pairs: well-rated outputs, and users' edits as the better target."
                ),
                curation=SFT_CURATION,
                row_suite=SFT_ROWS,
                for_training=True,
                export_columns=("example_id", "messages", "completion"),
                record_shapes={
                    "trl": export_records.trl_sft_messages,
                    "trl-prompt-completion": export_records.trl_sft_prompt_completion,
                    "openai": export_records.openai_chat,
                },
                shares_no_prompt_with_eval=True,
            ),
            DatasetKind(
                name=DPO_KIND,
                curated_table="dpo_pairs",
                description=(
                    "Chosen/rejected pairs: an edit over its output, thumbs-up over thumbs-down, a copied "
                    "retry."
                ),
                curation=DPO_CURATION,
                row_suite=DPO_ROWS,
                for_training=True,
                export_columns=("pair_id", "prompt_id", "messages", "chosen", "rejected"),
                record_shapes={"trl": export_records.trl_dpo, "openai": export_records.openai_preference},
                pairs_preferences=True,
            ),
            DatasetKind(
                name=KTO_KIND,
                curated_table="kto_examples",
                description=(
                    "Single completions labelled desirable or not, from thumbs, ratings, edits and implicit "
                    "signals."
                ),
                curation=KTO_CURATION,
                row_suite=KTO_ROWS,
                for_training=True,
                export_columns=("example_id", "messages", "completion", "label"),
                record_shapes={"kto": export_records.trl_kto},
            ),
        )
    }
)
"""Dataset name → its kind, in pipeline order (eval first: the training kinds hold out its prompts)."""
