"""Tracing a training run, a dataset version or one row back to the raw log lines behind it.

The walk: run → the dataset versions it pinned → their rows (read from the immutable version files, so a
trace never depends on a registry table being fresh) → the responses and feedback events each row was built
from (``dataset_index.lineage_rows``) → every landing file and line that carried them (``raw_responses`` and
``raw_feedback``, which keep ``source_file``, ``source_line`` and ``landing_date``). An event that arrived
twice has two lines. Only identifiers and locations are read from the raw tables, never their text.

Counts cover every row; details are built for the first ``limit`` rows of each version, so that a trace of
a run over thousands of rows stays readable. A version an erasure withdrew has no rows left to trace: its
node carries the withdrawal (which erasure, when, the replacement) so that a run trained on it shows it.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb
import polars as pl

from feedback_platform.lib.datasets.catalog import (
    DatasetRef,
    admission_columns,
    dataset_kind,
    parse_dataset_ref,
    resolve_version,
)
from feedback_platform.lib.datasets.index import LINEAGE_SCHEMA, lineage_rows, list_dataset_versions
from feedback_platform.lib.datasets.store import read_dataset_version, read_manifest, read_withdrawal
from feedback_platform.lib.datasets.training_runs import TrainingRun, read_training_run, training_run_exists
from feedback_platform.lib.warehouse import table_exists

DEFAULT_ROW_LIMIT = 20

_SOURCE_COLUMNS = ("landing_date", "source_file", "source_line")


@dataclass(frozen=True)
class TracePaths:
    """Where a trace reads from: the dataset versions, the run registry and the landing area."""

    datasets_root: Path
    runs_dir: Path
    landing_dir: Path


class TraceTargetNotFoundError(LookupError):
    """The target is neither a registered run, nor a stored NAME@VERSION, nor a row id of any version."""


def trace_lineage(
    con: duckdb.DuckDBPyConnection, paths: TracePaths, target: str, *, limit: int | None = DEFAULT_ROW_LIMIT
) -> dict[str, Any]:
    """The lineage of ``target`` as a JSON-ready tree; ``limit`` rows of each version in detail (None: all).

    ``target`` is a ``NAME@VERSION``, else a registered run's name, else a row id looked up in every
    stored version. Raises :class:`TraceTargetNotFoundError` when it is none of these and ``LookupError``
    when the raw tables have not been materialised.
    """
    kind, run, manifests, row_id = _resolve_target(paths, target)
    withdrawals = [_withdrawal(paths.datasets_root, manifest) for manifest in manifests]
    versions = [
        _version_rows(paths.datasets_root, manifest, row_id) if withdrawal is None else _erased_rows()
        for manifest, withdrawal in zip(manifests, withdrawals, strict=True)
    ]
    lineage = pl.concat([lineage for _, lineage in versions], how="vertical")
    raw = _raw_lines(con, lineage, paths.landing_dir)
    return {
        "target": target,
        "target_kind": kind,
        "run": run.as_dict() if run is not None else None,
        "landing_dir": str(paths.landing_dir),
        "summary": raw.summary(lineage),
        "datasets": [
            _dataset_node(manifest, admitted, version_lineage, raw, limit) | {"withdrawal": withdrawal}
            for manifest, withdrawal, (admitted, version_lineage) in zip(
                manifests, withdrawals, versions, strict=True
            )
        ],
    }


def _resolve_target(
    paths: TracePaths, target: str
) -> tuple[str, TrainingRun | None, list[dict[str, Any]], str | None]:
    """(target kind, the run, the manifests of the versions to walk, the one row id to keep or None)."""
    if "@" in target:
        manifest = resolve_version(paths.datasets_root, parse_dataset_ref(target, require_version=True))
        return "dataset_version", None, [manifest], None
    if training_run_exists(paths.runs_dir, target):
        run = read_training_run(paths.runs_dir, target)
        pinned = [
            resolve_version(paths.datasets_root, DatasetRef(pin.name, pin.version)) for pin in run.datasets
        ]
        for pin, manifest in zip(run.datasets, pinned, strict=True):
            if manifest["content_hash"] != pin.content_hash:
                raise ValueError(
                    f"{pin.name}@{pin.version} no longer has the content hash run {run.name} recorded: "
                    "the dataset store was altered by hand"
                )
        return "run", run, pinned, None
    registry = list_dataset_versions(paths.datasets_root).filter(pl.col("status") == "published")
    holding = [
        read_manifest(paths.datasets_root, name, version)
        for name, version, key in registry.select("name", "version", "key_column").iter_rows()
        if _has_row(paths.datasets_root, name, version, key, target)
    ]
    if not holding:
        raise TraceTargetNotFoundError(
            f"{target!r} is not a registered training run, a NAME@VERSION, or a row id of any stored version"
        )
    return "row", None, holding, target


def _has_row(datasets_root: Path, name: str, version: str, key: str, row_id: str) -> bool:
    keys = read_dataset_version(datasets_root, name, version).get_column(key).cast(pl.String)
    return bool((keys == row_id).any())


def _withdrawal(datasets_root: Path, manifest: dict[str, Any]) -> dict[str, Any] | None:
    return read_withdrawal(datasets_root, manifest["name"], manifest["version"])


def _erased_rows() -> tuple[pl.DataFrame, pl.DataFrame]:
    """What a withdrawn version lends a trace: no rows (an erasure deleted them) and no lineage."""
    return pl.DataFrame(schema={"row_id": pl.String}), pl.DataFrame(schema=LINEAGE_SCHEMA)


def _version_rows(
    datasets_root: Path, manifest: dict[str, Any], row_id: str | None
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """(row id and admission columns, lineage) of a version, or of its one row ``row_id``."""
    key = manifest["key_column"]
    rows = read_dataset_version(datasets_root, manifest["name"], manifest["version"])
    if row_id is not None:
        rows = rows.filter(pl.col(key).cast(pl.String) == row_id)
    lineage = lineage_rows(rows, name=manifest["name"], version=manifest["version"], key_column=key)
    admitted = rows.select(pl.col(key).cast(pl.String).alias("row_id"), *admission_columns(rows))
    return admitted.sort("row_id"), lineage


@dataclass(frozen=True)
class _RawLines:
    """The raw lines behind a lineage: its responses' and its feedback events' (with response and signal)."""

    responses: pl.DataFrame
    events: pl.DataFrame
    response_lines: dict[str, list[dict[str, Any]]]
    event_lines: dict[str, list[dict[str, Any]]]
    event_info: dict[str, tuple[str, str]]
    """event id → (its response id, its signal), as the raw log says."""

    def summary(self, lineage: pl.DataFrame) -> dict[str, int]:
        responses = lineage.get_column("response_id").drop_nulls().unique()
        events = lineage.get_column("feedback_event_id").drop_nulls().unique()
        lines = pl.concat(
            [frame.select("source_file", "source_line") for frame in (self.responses, self.events)]
        )
        return {
            "dataset_versions": lineage.select("dataset", "version").unique().height,
            "rows": lineage.select("dataset", "version", "row_id").unique().height,
            "responses": responses.len(),
            "feedback_events": events.len(),
            "raw_lines": lines.unique().height,
            "responses_without_raw_line": responses.len() - len(self.response_lines),
            "feedback_events_without_raw_line": events.len() - len(self.event_lines),
        }


def _raw_lines(con: duckdb.DuckDBPyConnection, lineage: pl.DataFrame, landing_dir: Path) -> _RawLines:
    for table in ("raw_responses", "raw_feedback"):
        if not table_exists(con, table):
            raise LookupError(f"table {table} does not exist yet: materialise the raw assets first")
    con.register("_trace_responses", lineage.select("response_id").drop_nulls().unique().to_arrow())
    con.register(
        "_trace_events", lineage.select(event_id="feedback_event_id").drop_nulls().unique().to_arrow()
    )
    try:
        locations = ", ".join(f"r.{column}" for column in _SOURCE_COLUMNS)
        responses = con.sql(
            f"select r.response_id, {locations} from raw_responses r"
            " join _trace_responses using (response_id) order by all"
        ).pl()
        events = con.sql(
            f"select r.event_id, r.response_id, r.signal, {locations} from raw_feedback r"
            " join _trace_events using (event_id) order by all"
        ).pl()
    finally:
        con.unregister("_trace_responses")
        con.unregister("_trace_events")
    return _RawLines(
        responses=responses,
        events=events,
        response_lines=_lines_by(responses, "response_id", landing_dir),
        event_lines=_lines_by(events, "event_id", landing_dir),
        event_info={
            event_id: (response_id, signal)
            for event_id, response_id, signal in events.select(
                "event_id", "response_id", "signal"
            ).iter_rows()
        },
    )


def _lines_by(frame: pl.DataFrame, key: str, landing_dir: Path) -> dict[str, list[dict[str, Any]]]:
    grouped: dict[str, list[dict[str, Any]]] = {}
    for record in frame.iter_rows(named=True):
        grouped.setdefault(record[key], []).append(
            {
                "landing_date": str(record["landing_date"]),
                "source_file": record["source_file"],
                "source_line": record["source_line"],
                "path": str(landing_dir / record["source_file"]),
            }
        )
    return grouped


def _dataset_node(
    manifest: dict[str, Any], admitted: pl.DataFrame, lineage: pl.DataFrame, raw: _RawLines, limit: int | None
) -> dict[str, Any]:
    shown = admitted if limit is None else admitted.head(limit)
    lineage_by_row = lineage.partition_by("row_id", as_dict=True)
    return {
        "name": manifest["name"],
        "version": manifest["version"],
        "kind": dataset_kind(manifest),
        "rows_traced": admitted.height,
        "rows_shown": shown.height,
        "rows": [
            _row_node(row, lineage_by_row[(row["row_id"],)], raw) for row in shown.iter_rows(named=True)
        ],
    }


def _row_node(row: dict[str, Any], lineage: pl.DataFrame, raw: _RawLines) -> dict[str, Any]:
    """A row with its responses, each with the feedback events on it. Events without a raw line, or whose
    raw response is not one of the row's, are listed apart so that nothing is silently dropped."""
    responses = lineage.get_column("response_id").drop_nulls().unique().sort().to_list()
    events = lineage.get_column("feedback_event_id").drop_nulls().unique().sort().to_list()
    placed = {event_id for event_id in events if raw.event_info.get(event_id, (None,))[0] in responses}
    return {
        "row_id": row["row_id"],
        "admitted_by": {column: value for column, value in row.items() if column != "row_id"},
        "responses": [
            {
                "response_id": response_id,
                "sources": raw.response_lines.get(response_id, []),
                "feedback_events": [
                    {
                        "event_id": event_id,
                        "signal": raw.event_info[event_id][1],
                        "sources": raw.event_lines[event_id],
                    }
                    for event_id in events
                    if event_id in placed and raw.event_info[event_id][0] == response_id
                ],
            }
            for response_id in responses
        ],
        "unplaced_feedback_events": [event_id for event_id in events if event_id not in placed],
    }
