"""The expectations every curated row must meet, one suite per dataset kind.

The same suites run twice: on the curated tables (defs/curate/checks.py), and on each staged dataset version
before it is published (defs/datasets/staged_audits.py), so a version is audited on the bytes it will be
read as. Each kind names its suite in `feedback_platform.lib.datasets.kinds`.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from types import ModuleType
from typing import TYPE_CHECKING

import polars as pl

from feedback_platform.lib.hashing import canonical_json, sha256_hex
from feedback_platform.lib.quality import ExpectationFactory, referenced_columns

if TYPE_CHECKING:
    from great_expectations.expectations import Expectation

SPLITS = ["train", "validation"]


@dataclass(frozen=True)
class RowSuite:
    """Expectations over rows, some of them on the lengths of texts (`<column>_length`, see `prepare`)."""

    name: str
    """What the rows have, as the end of the check's name: `sft_examples_<name>`."""
    description: str
    expectations: ExpectationFactory
    """The suite's expectations, built from `great_expectations.expectations` when a check runs."""
    lengths_of: tuple[str, ...] = ()
    """The text columns: the expectations judge their `<column>_length` and whether they are null."""

    def prepare(self, rows: pl.DataFrame) -> pl.DataFrame:
        """Adds `<column>_length` for `lengths_of`: the characters once surrounding whitespace is stripped."""
        return rows.with_columns(
            pl.col(column).str.strip_chars().str.len_chars().alias(f"{column}_length")
            for column in self.lengths_of
        )

    def judged_rows(self, batches: Iterable[pl.DataFrame]) -> pl.DataFrame:
        """The rows of ``batches`` as the expectations judge them, one batch's texts in memory at a time:
        prepared (:meth:`prepare`), and each text of ``lengths_of`` replaced by whether it is there (true,
        or null where the text is null)."""
        present = [
            pl.when(pl.col(column).is_not_null()).then(True).alias(column) for column in self.lengths_of
        ]
        return pl.concat([self.prepare(batch).with_columns(present) for batch in batches], how="vertical")

    def columns_read(self, expectations: Sequence["Expectation"]) -> list[str]:
        """The columns of the rows that `expectations` (built from this suite) and `prepare` read."""
        lengths = {f"{column}_length" for column in self.lengths_of}
        named = [column for column in referenced_columns(expectations) if column not in lengths]
        return list(dict.fromkeys([*named, *self.lengths_of]))

    def version(self, expectations: Sequence["Expectation"]) -> str:
        """What the suite judges, as a digest: `expectations` (built from this suite) and the texts `prepare`
        measures. A row that passed under one version passes again under it, so only an edit of the suite
        has the rows an audit already judged judged again."""
        configurations = [expectation.configuration.to_json_dict() for expectation in expectations]
        return f"suite-{sha256_hex(canonical_json([configurations, list(self.lengths_of)]))[:16]}"


def _non_empty(gxe: ModuleType, *columns: str) -> list["Expectation"]:
    return [gxe.ExpectColumnValuesToBeBetween(column=f"{column}_length", min_value=1) for column in columns]


EVAL_ROWS = RowSuite(
    name="have_unique_ids_and_outputs",
    description="example_id is unique; every example has the rated output and why it was admitted.",
    expectations=lambda gxe: [
        gxe.ExpectColumnValuesToBeUnique(column="example_id"),
        gxe.ExpectColumnValuesToNotBeNull(column="example_id"),
        gxe.ExpectColumnValuesToNotBeNull(column="output"),
        gxe.ExpectColumnValuesToNotBeNull(column="reasons"),
    ],
    lengths_of=("output",),
)


SFT_ROWS = RowSuite(
    name="have_unique_ids_and_non_empty_targets",
    description="example_id is unique; every target is non-empty, from the output or the user's edit.",
    expectations=lambda gxe: [
        gxe.ExpectColumnValuesToBeUnique(column="example_id"),
        gxe.ExpectColumnValuesToNotBeNull(column="completion"),
        *_non_empty(gxe, "completion"),
        gxe.ExpectColumnValuesToBeInSet(column="target_source", value_set=["output", "user_edit"]),
        gxe.ExpectColumnValuesToBeInSet(column="split", value_set=SPLITS),
    ],
    lengths_of=("completion",),
)


DPO_ROWS = RowSuite(
    name="have_unique_ids_and_both_sides",
    description="pair_id is unique; chosen and rejected are both non-empty; known sources and splits.",
    expectations=lambda gxe: [
        gxe.ExpectColumnValuesToBeUnique(column="pair_id"),
        gxe.ExpectColumnValuesToNotBeNull(column="chosen"),
        gxe.ExpectColumnValuesToNotBeNull(column="rejected"),
        *_non_empty(gxe, "chosen", "rejected"),
        gxe.ExpectColumnValuesToBeInSet(
            column="pair_source", value_set=["user_edit", "thumbs", "regenerate_then_copy"]
        ),
        gxe.ExpectColumnValuesToBeInSet(column="split", value_set=SPLITS),
    ],
    lengths_of=("chosen", "rejected"),
)


KTO_ROWS = RowSuite(
    name="have_unique_ids_labels_and_splits",
    description="example_id is unique; each row has a non-empty completion, a label, a weight in (0, 1].",
    expectations=lambda gxe: [
        gxe.ExpectColumnValuesToBeUnique(column="example_id"),
        gxe.ExpectColumnValuesToNotBeNull(column="completion"),
        *_non_empty(gxe, "completion"),
        gxe.ExpectColumnValuesToNotBeNull(column="label"),
        gxe.ExpectColumnValuesToBeBetween(column="weight", min_value=0, max_value=1, strict_min=True),
        gxe.ExpectColumnValuesToBeInSet(column="split", value_set=SPLITS),
    ],
    lengths_of=("completion",),
)
