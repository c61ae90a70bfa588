"""`feedback-platform datasets`: list, show, diff and export the stored dataset versions, and list every
version of one dataset.

Reads only the version folders under the data directory, so it works while a Dagster run writes the
warehouse. ``NAME`` alone means the dataset's latest version; ``NAME@VERSION`` pins one.
"""

import json
from pathlib import Path
from typing import Any

import click

from feedback_platform.cli.options import DatasetRefType, echo_json, user_errors
from feedback_platform.lib.datasets.catalog import (
    DatasetRef,
    export_version,
    latest_versions,
    resolve_version,
    version_history,
    version_summary,
)
from feedback_platform.lib.datasets.diff import diff_dataset_versions
from feedback_platform.lib.datasets.exports import (
    ExportedFile,
    UnsupportedExportError,
    export_formats,
    exported_files,
)
from feedback_platform.lib.datasets.store import require_standing
from feedback_platform.settings import PlatformSettings

ALL_FORMATS = sorted({fmt for formats in export_formats().values() for fmt in formats})


def _datasets_root() -> Path:
    return PlatformSettings.from_environment().datasets_dir


@click.group("datasets")
def datasets_command() -> None:
    """The versioned datasets (eval, SFT, DPO, KTO): list, versions, show, diff, export."""


@datasets_command.command("list")
@click.option("--json", "as_json", is_flag=True, help="One JSON object per dataset, in a list.")
def list_command(as_json: bool) -> None:
    """Each dataset with its latest version."""
    latest = latest_versions(_datasets_root()).select(
        "name", "version", "sequence", rows="row_count", written_at="written_at", versions="versions"
    )
    if as_json:
        echo_json(latest.to_dicts())
        return
    if latest.is_empty():
        click.echo(f"No dataset versions under {_datasets_root()}.")
        return
    click.echo(f"{'NAME':<16} {'VERSION':<16} {'SEQ':>4} {'ROWS':>9} {'VERSIONS':>8}  WRITTEN_AT")
    for name, version, sequence, rows, written_at, versions in latest.iter_rows():
        click.echo(f"{name:<16} {version:<16} {sequence:>4} {rows:>9,} {versions:>8}  {written_at}")


@datasets_command.command("versions")
@click.argument("name")
@click.option("--json", "as_json", is_flag=True, help="One JSON object per version, newest first.")
def versions_command(name: str, as_json: bool) -> None:
    """Every stored version of dataset NAME, newest first, and which one is latest."""
    with user_errors():
        history = version_history(_datasets_root(), name)
    history = history.select(
        "version",
        "sequence",
        rows="row_count",
        written_at="written_at",
        rule_version="rule_version",
        latest="latest",
        status="status",
        withdrawn_by="withdrawn_by",
    )
    if as_json:
        echo_json(history.to_dicts())
        return
    click.echo(
        f"{'VERSION':<16} {'SEQ':>4} {'ROWS':>9}  {'WRITTEN_AT':<25}  {'RULES':<8}  {'LATEST':<6}  STATUS"
    )
    for version, sequence, rows, written_at, rule_version, latest, status, erasure in history.iter_rows():
        withdrawn = f" by erasure {erasure}" if erasure else ""
        click.echo(
            f"{version:<16} {sequence:>4} {rows:>9,}  {written_at:<25}  {rule_version:<8}"
            f"  {'*' if latest else '':<6}  {status}{withdrawn}"
        )


@datasets_command.command("show")
@click.argument("dataset", type=DatasetRefType())
@click.option("--json", "as_json", is_flag=True, help="The manifest and summary as JSON.")
def show_command(dataset: DatasetRef, as_json: bool) -> None:
    """The manifest of one version (the latest when no @VERSION), with its rows by curation rule."""
    with user_errors():
        summary = version_summary(_datasets_root(), dataset)
    if as_json:
        echo_json(summary)
        return
    click.echo(f"{summary['name']}@{summary['version']}  ({summary['kind'] or 'unknown kind'})")
    for label, value in (
        ("rows", f"{summary['row_count']:,}"),
        ("content hash", summary["content_hash"]),
        ("key column", summary["key_column"]),
        ("rule version", summary["rule_version"]),
        ("sequence", summary["sequence"]),
        ("written at", summary["written_at"]),
        ("inputs", json.dumps(summary["inputs"], sort_keys=True, default=str)),
        (
            "code version",
            ", ".join(f"{part} {v}" for part, v in summary.get("code_version", {}).items()) or "-",
        ),
        ("upstream", _upstream_summary(summary.get("upstream", {}))),
        ("path", summary["path"]),
        ("columns", ", ".join(summary["schema"])),
        ("export formats", ", ".join(summary["export_formats"]) or "-"),
    ):
        click.echo(f"  {label:<15} {value}")
    for column, counts in summary["rows_by_rule"].items():
        tally = ", ".join(f"{rule} {rows:,}" for rule, rows in counts.items())
        click.echo(f"  {'rows by ' + column:<15} {tally}")


def _upstream_summary(upstream: dict[str, dict[str, Any]]) -> str:
    """``12 assets read; partitions 2026-11-01 to 2026-11-03`` (the manifest has each data version)."""
    if not upstream:
        return "-"
    partitions = sorted({day for read in upstream.values() for day in read.get("partitions", {})})
    span = f"; partitions {partitions[0]} to {partitions[-1]}" if partitions else ""
    return f"{len(upstream)} assets read{span} (data versions in the manifest)"


@datasets_command.command("diff")
@click.argument("old", type=DatasetRefType())
@click.argument("new", type=DatasetRefType())
@click.option("--json", "as_json", is_flag=True, help="Added and removed rows as JSON.")
def diff_command(old: DatasetRef, new: DatasetRef, as_json: bool) -> None:
    """Rows added and removed from OLD to NEW, each with the rule that admitted it."""
    with user_errors():
        diff = diff_dataset_versions(_datasets_root(), old, new)
    if as_json:
        echo_json(diff.as_dict())
        return
    click.echo(
        f"{diff.old['name']}@{diff.old['version']} -> {diff.new['name']}@{diff.new['version']}: "
        f"{diff.added.height:,} added, {diff.removed.height:,} removed, "
        f"{diff.changed:,} changed, {diff.unchanged:,} unchanged"
    )
    for sign, rows in (("+", diff.added), ("-", diff.removed)):
        for row in rows.iter_rows(named=True):
            admitted = "; ".join(
                f"{column}={_rule_text(value)}" for column, value in row.items() if column != diff.key_column
            )
            click.echo(f"{sign} {row[diff.key_column]}  {admitted}")


def _rule_text(value: Any) -> str:
    return ",".join(value) if isinstance(value, list) else str(value)


@datasets_command.command("export")
@click.argument("dataset", type=DatasetRefType())
@click.option(
    "--format",
    "fmt",
    type=click.Choice(ALL_FORMATS),
    required=True,
    help="Formats per kind: "
    + "; ".join(f"{kind}: {', '.join(formats)}" for kind, formats in export_formats().items()),
)
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path), required=True)
def export_command(dataset: DatasetRef, fmt: str, out_dir: Path) -> None:
    """Write one version in a format ML tools load as is (the latest when no @VERSION).

    The version gets a folder of its own, OUT/NAME-VERSION.FORMAT, which `datasets.load_dataset` loads as
    its splits whatever the name holds: an sft, dpo or kto version one file per split (train, validation), an
    eval version one test file, beside an export manifest saying which file holds which split. The folder is
    printed, then each file with its split and rows. Which formats a kind takes is decided by the export
    library alone, so a refusal here names the same valid kinds and formats as the library's error.
    """
    with user_errors():
        manifest = resolve_version(_datasets_root(), dataset)
        require_standing(_datasets_root(), manifest["name"], manifest["version"])
    pinned = f"{manifest['name']}@{manifest['version']}"
    try:
        paths = export_version(_datasets_root(), manifest, fmt, out_dir)
    except UnsupportedExportError as error:
        raise click.BadParameter(f"{pinned}: {error}", param_hint="'--format'") from error
    folder = paths[-1].parent
    click.echo(f"Wrote {pinned} as {fmt} to {folder} (load it with datasets.load_dataset({str(folder)!r}))")
    for file in exported_files(paths):
        click.echo(f"  {_contents(file)}: {file.path}")


def _contents(file: ExportedFile) -> str:
    """``train split (1,234 rows)`` or ``export manifest``."""
    if file.rows is None:
        return "export manifest"
    return f"{file.split} split ({file.rows:,} rows)"
