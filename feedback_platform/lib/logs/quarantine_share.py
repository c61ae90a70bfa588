"""When a landing day's quarantine is a broken producer rather than a few bad lines.

One bad line never stops a night: the contract quarantines it and the day goes on. But when a large share
of a stream's lines fails on one day, the producer is broken (a renamed field, a new client writing another
format), and the rows that got through are a biased remainder no one should train on. `QuarantineLimit`
says where that line lies; tombstones (erased and expired lines) are the platform's own doing and count on
neither side.
"""

from dataclasses import dataclass
from typing import Any

import polars as pl

from feedback_platform.lib.logs.tombstones import tombstone_reason_expr


@dataclass(frozen=True)
class QuarantineLimit:
    """At most `max_share` of a stream's lines of one landing day may be quarantined, once the day holds
    `min_lines` lines or more (on a smaller day one or two bad lines are a large share of nothing)."""

    max_share: float = 0.2
    min_lines: int = 20

    def __post_init__(self) -> None:
        if not 0 <= self.max_share <= 1:
            raise ValueError(f"max_share must lie between 0 and 1, got {self.max_share}")
        if self.min_lines < 1:
            raise ValueError(f"min_lines must be at least 1, got {self.min_lines}")

    def exceeded(self, kept: int, quarantined: int) -> bool:
        lines = kept + quarantined
        return lines >= self.min_lines and quarantined > self.max_share * lines


def broken_lines(quarantined_rows: pl.DataFrame) -> pl.DataFrame:
    """The quarantined rows that are lines a producer wrote, not tombstones the platform left."""
    return quarantined_rows.filter(tombstone_reason_expr(pl.col("raw_line")).is_null())


def days_over_limit(
    counts: list[dict[str, Any]], quarantined_rows: pl.DataFrame, limit: QuarantineLimit
) -> list[dict[str, Any]]:
    """The entries of `counts` (landing_date, stream, kept, broken) over `limit`, each with its share of
    broken lines and the reasons most of them were quarantined for."""
    broken = broken_lines(quarantined_rows)
    return [
        {
            **entry,
            "share": round(entry["broken"] / (entry["kept"] + entry["broken"]), 4),
            "top_reasons": _top_reasons(
                broken.filter(
                    (pl.col("landing_date").cast(pl.String) == str(entry["landing_date"]))
                    & (pl.col("stream") == entry["stream"])
                )
            ),
        }
        for entry in counts
        if limit.exceeded(entry["kept"], entry["broken"])
    ]


def describe(over: list[dict[str, Any]]) -> str:
    """One clause per stream and day over the limit: what share, and the main reason."""
    return "; ".join(
        f"{entry['stream']} {entry['landing_date']}: {entry['broken']} of {entry['kept'] + entry['broken']}"
        f" lines quarantined ({entry['share']:.0%}), most for {entry['top_reasons'][0]['reason']!r}"
        for entry in over
    )


def reason_counts(quarantined_rows: pl.DataFrame) -> pl.DataFrame:
    """How many lines were quarantined for each kind of reason (`reason`, `lines`), most frequent first.

    A duplicate's reason quotes the values that make it one (its id; a consent event's user id, tenant,
    time and action) and where its first copy is: that part is cut off, so similar failures count together
    and nothing of a line reaches Dagster's storage, which an erasure cannot rewrite. A contract reason
    names the field and the rule, never the value.
    """
    return (
        quarantined_rows.group_by(pl.col("reason").str.replace(r"^(duplicate [^']*?) \(?'.*$", "$1"))
        .len("lines")
        .sort(["lines", "reason"], descending=[True, False])
    )


def _top_reasons(quarantined_rows: pl.DataFrame, limit: int = 5) -> list[dict[str, Any]]:
    return reason_counts(quarantined_rows).head(limit).to_dicts()
