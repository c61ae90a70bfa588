"""Raw tables: each landing day's logs checked against the log contract, bad lines kept in quarantine."""

import warnings
from dataclasses import asdict
from datetime import date

import dagster as dg
import polars as pl

from feedback_platform.defs.partitions import daily_landing_partitions, landing_backfill_policy
from feedback_platform.lib.hashing import canonical_json, sha256_hex
from feedback_platform.lib.logs.landing import unread_entries
from feedback_platform.lib.logs.quarantine_share import reason_counts
from feedback_platform.lib.logs.validation import STREAMS, validate_landing_day
from feedback_platform.resources import DUCKDB_POOL, PARTITION_COLUMN_KEY, LandingZone

LANDING_DATE = "landing_date"

_STREAM_TABLES = {stream: f"raw_{stream}" for stream in STREAMS}
_DESCRIPTIONS = {
    "raw_responses": "Every well-formed response line, one row per response_id and landing day.",
    "raw_feedback": "Every well-formed feedback event, one row per event_id and landing day.",
    "raw_consent": "Consent events (opt out, opt in, erase) exactly as users gave them.",
    "quarantined_rows": "Lines that broke the log contract or repeated an id, with file, line and reason.",
}


def _table_out(table: str) -> dg.AssetOut:
    return dg.AssetOut(
        key=table,
        description=_DESCRIPTIONS[table],
        metadata={PARTITION_COLUMN_KEY: LANDING_DATE},
        kinds={"duckdb", "polars"},
    )


@dg.multi_asset(
    outs={table: _table_out(table) for table in [*_STREAM_TABLES.values(), "quarantined_rows"]},
    partitions_def=daily_landing_partitions,
    backfill_policy=landing_backfill_policy,
    group_name="ingest",
    pool=DUCKDB_POOL,
)
def ingest_landing_days(context: dg.AssetExecutionContext, landing: LandingZone):
    """Validates every stream of the run's landing days. Lines read = rows kept + rows quarantined; what the
    landing folder holds that is never read (a misnamed day folder, a link, a file of another kind) is
    logged and listed in the metadata of `quarantined_rows` (`not_read`), beside every file read with its
    size and SHA-256 as stored (`files_read`, taken from the bytes the lines were read from): what an auditor
    compares with the producer's delivery.

    Each table's data version is the hash of the files it was read from (`_output`), so the
    layers below, whose versions Dagster derives from their code versions and inputs, get the same data
    versions, and the dataset manifests that record them the same bytes, whenever the same files are read."""
    days = [date.fromisoformat(key) for key in context.partition_keys]
    quarantined, files_read = [], []
    for stream, table in _STREAM_TABLES.items():
        batches = [validate_landing_day(landing.path, stream, day) for day in days]
        rows = pl.concat([batch.rows for batch in batches], how="vertical")
        quarantined.extend(batch.quarantined for batch in batches)
        stream_files = [asdict(read) for batch in batches for read in batch.files_read]
        files_read.extend(stream_files)
        lines_read = sum(batch.lines_read for batch in batches)
        context.log.info(
            f"{stream}: {lines_read} lines, {rows.height} kept, {lines_read - rows.height} quarantined"
        )
        yield _output(rows, table, stream_files, metadata={"lines_read": lines_read})
    all_quarantined = pl.concat(quarantined, how="vertical")
    unread = unread_entries(landing.path)
    for path, reason in unread:
        context.log.warning(f"not read: {path}: {reason}")
    yield _output(
        all_quarantined,
        "quarantined_rows",
        files_read,
        metadata={
            "reasons": _reason_counts(all_quarantined),
            "files_read": dg.MetadataValue.json(sorted(files_read, key=lambda read: read["file"])),
            "not_read": dg.MetadataValue.json([{"path": path, "reason": reason} for path, reason in unread]),
        },
    )


def _output(rows: pl.DataFrame, table: str, files_read: list[dict], metadata: dict) -> dg.Output:
    """The table's output, its data version the SHA-256 over the files read (path under the landing root
    and content hash, in path order). Setting a data version is marked beta in Dagster; it is the
    documented way to version a root asset by its content, so the warning is not repeated each run."""
    listed = sorted((read["file"], read["sha256"]) for read in files_read)
    data_version = dg.DataVersion(sha256_hex(canonical_json(listed)))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", dg.BetaWarning)
        return dg.Output(rows, output_name=table, metadata=metadata, data_version=data_version)


def _reason_counts(quarantined: pl.DataFrame) -> dg.MetadataValue:
    """The kinds of reason with their counts (`reason_counts`: no value of a line is quoted)."""
    counts = reason_counts(quarantined)
    return dg.MetadataValue.md(
        "\n".join(f"- {reason}: {count}" for reason, count in counts.iter_rows()) or "none"
    )
