"""What every dataset does to its rows once the rules chose them: length floor, prompt dedup, split.

Kept in one place so that eval, SFT, DPO and KTO cannot drift apart on what "near-duplicate" or "validation"
means. All of it keys on ``prompt_key`` (the normalised prompt of
:func:`feedback_platform.lib.curation.text_facts.prompt_key_expr`).
"""

from __future__ import annotations

from collections.abc import Sequence

import polars as pl

from feedback_platform.lib.curation.config import CurationRules

TRAIN = "train"
VALIDATION = "validation"

_SPLIT_HEX_CHARS = 8


def split_expr(prompt_key: pl.Expr, validation_percent: int) -> pl.Expr:
    """``validation`` when ``int(prompt_key[:8], 16) % 100 < validation_percent``, else ``train``.

    It depends on the prompt alone, never on the other rows, the run or the dataset, so a prompt keeps its
    side in every version and every dataset, and all rows of one prompt are on the same side. Raising
    ``validation_percent`` only moves prompts from train to validation, never back.
    """
    bucket = prompt_key.str.slice(0, _SPLIT_HEX_CHARS).str.to_integer(base=16) % 100
    return pl.when(bucket < validation_percent).then(pl.lit(VALIDATION)).otherwise(pl.lit(TRAIN))


def finish_rows(
    rows: pl.LazyFrame,
    rules: CurationRules,
    *,
    id_column: str,
    completion_chars_columns: Sequence[str] = (),
    with_split: bool = True,
    held_out_prompt_keys: pl.LazyFrame | None = None,
) -> pl.LazyFrame:
    """Drop held-out prompts, apply the completion length floor, near-duplicate prompt dedup and (optionally)
    the ``split`` column.

    ``rows`` must hold ``tenant_id``, ``prompt_key`` and ``id_column``, and each completion's length
    without surrounding whitespace in ``completion_chars_columns``; ``held_out_prompt_keys`` (a
    ``prompt_key`` column, e.g. the eval set's) names prompts this dataset must not contain. Dedup keeps,
    per tenant and normalised prompt, the ``keep_per_prompt`` rows with the smallest ids: ids are hashes,
    so that is an arbitrary but deterministic choice that does not favour any model or time.
    """
    floor = rules.min_lengths.completion_chars
    if held_out_prompt_keys is not None:
        rows = rows.join(held_out_prompt_keys, on="prompt_key", how="anti")
    finished = rows.filter(
        pl.all_horizontal(pl.lit(True), *[pl.col(column) >= floor for column in completion_chars_columns])
    )
    if rules.dedup_prompts.enabled:
        finished = finished.sort(id_column).filter(
            pl.int_range(pl.len()).over("tenant_id", "prompt_key") < rules.dedup_prompts.keep_per_prompt
        )
    if with_split:
        finished = finished.with_columns(
            split=split_expr(pl.col("prompt_key"), rules.split.validation_percent)
        )
    return finished
