"""`feedback-platform lineage trace`: from a training run, a dataset version or a row to the raw log lines.

Prints a tree (run → dataset versions → rows → responses → feedback events, each with the landing file
and line it came from), or the same as JSON. A trace over many rows shows counts for all of them and the
first rows of each version in detail; ``--limit N`` or ``--all`` show more.
"""

from typing import Any

import click

from feedback_platform.cli.options import echo_json, user_errors
from feedback_platform.lib.datasets.lineage import DEFAULT_ROW_LIMIT, TracePaths, trace_lineage
from feedback_platform.lib.datasets.store import erasure_requested_at
from feedback_platform.lib.warehouse import read_only_warehouse
from feedback_platform.settings import PlatformSettings

Tree = tuple[str, list["Tree"]]
"""A label and its children."""


@click.group("lineage")
def lineage_command() -> None:
    """Where dataset rows came from."""


@lineage_command.command("trace")
@click.argument("target", metavar="RUN | NAME@VERSION | ROW_ID")
@click.option("--json", "as_json", is_flag=True, help="The trace as JSON.")
@click.option(
    "--limit",
    type=click.IntRange(min=0),
    default=DEFAULT_ROW_LIMIT,
    show_default=True,
    help="Rows of each dataset version shown in detail (counts always cover every row).",
)
@click.option("--all", "show_all", is_flag=True, help="Show every row in detail.")
def trace_command(target: str, as_json: bool, limit: int, show_all: bool) -> None:
    """Walk TARGET back to the responses, feedback events and raw log lines behind its rows."""
    settings = PlatformSettings.from_environment()
    paths = TracePaths(settings.datasets_dir, settings.training_runs_dir, settings.landing_dir)
    with user_errors(), read_only_warehouse(settings.duckdb_path) as con:
        trace = trace_lineage(con, paths, target, limit=None if show_all else limit)
    if as_json:
        echo_json(trace)
        return
    summary = trace["summary"]
    click.echo(_title(trace))
    click.echo(
        f"  {summary['rows']:,} rows in {summary['dataset_versions']} dataset version(s), "
        f"{summary['responses']:,} responses, {summary['feedback_events']:,} feedback events, "
        f"{summary['raw_lines']:,} raw log lines under {trace['landing_dir']}"
    )
    missing = summary["responses_without_raw_line"] + summary["feedback_events_without_raw_line"]
    if missing:
        click.echo(
            f"  not found in the raw tables: {summary['responses_without_raw_line']:,} responses, "
            f"{summary['feedback_events_without_raw_line']:,} feedback events"
        )
    for line in _render([_dataset_tree(dataset) for dataset in trace["datasets"]]):
        click.echo(line)


def _title(trace: dict[str, Any]) -> str:
    run = trace["run"]
    if run is None:
        return f"{trace['target_kind'].replace('_', ' ')} {trace['target']}"
    details = "".join(f"  {key} {run[key]}" for key in ("model", "notes") if run[key])
    return f"training run {run['name']}  registered {run['registered_at']}{details}"


def _dataset_tree(dataset: dict[str, Any]) -> Tree:
    label = f"{dataset['name']}@{dataset['version']} ({dataset['kind'] or 'unknown kind'}): "
    withdrawal = dataset["withdrawal"]
    if withdrawal is not None:
        label += (
            f"WITHDRAWN by erasure {withdrawal['erasure_id']},"
            f" requested {erasure_requested_at(withdrawal)[:10]}:"
            f" trained on data later erased; its rows are deleted (replaced by"
            f" {withdrawal['replaced_by'] or 'none'})"
        )
        return label, []
    label += f"{dataset['rows_traced']:,} rows"
    hidden = dataset["rows_traced"] - dataset["rows_shown"]
    if hidden:
        label += f", first {dataset['rows_shown']:,} shown (--limit N or --all for more)"
    return label, [_row_tree(row) for row in dataset["rows"]]


def _row_tree(row: dict[str, Any]) -> Tree:
    admitted = "; ".join(
        f"{column}={','.join(value) if isinstance(value, list) else value}"
        for column, value in row["admitted_by"].items()
    )
    children = [
        (
            f"response {response['response_id']}  {_locations(response['sources'])}",
            [
                (f"feedback {event['event_id']} {event['signal']}  {_locations(event['sources'])}", [])
                for event in response["feedback_events"]
            ],
        )
        for response in row["responses"]
    ]
    children += [
        (f"feedback {event_id}  (no raw line on this row's responses)", [])
        for event_id in row["unplaced_feedback_events"]
    ]
    return f"row {row['row_id']}  admitted by {admitted or '-'}", children


def _locations(sources: list[dict[str, Any]]) -> str:
    return (
        ", ".join(f"{source['source_file']}:{source['source_line']}" for source in sources) or "(no raw line)"
    )


def _render(trees: list[Tree], prefix: str = "") -> list[str]:
    lines: list[str] = []
    for index, (label, children) in enumerate(trees):
        last = index == len(trees) - 1
        lines.append(f"{prefix}{'└── ' if last else '├── '}{label}")
        lines.extend(_render(children, prefix + ("    " if last else "│   ")))
    return lines
