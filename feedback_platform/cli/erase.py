"""`feedback-platform erase`: delete one user's data everywhere the platform writes it."""

from dataclasses import asdict

import click

from feedback_platform.cli.options import echo_json, user_errors
from feedback_platform.lib.erasure.log import ErasureRecord
from feedback_platform.settings import PlatformSettings


@click.command("erase")
@click.option("--user", "user_id", required=True, help="The user id, as the logs carry it.")
@click.option("--tenant", "tenant_id", required=True, help="The tenant the user belongs to.")
@click.option("--reason", default="erasure requested by the user", show_default=True)
@click.option("--json", "as_json", is_flag=True, help="Print the erasure's log record as JSON.")
def erase_command(user_id: str, tenant_id: str, reason: str, as_json: bool) -> None:
    """Erase a user's data: their responses, the texts they wrote and every feedback event on or by them,
    from the warehouse, the landing files, the dataset versions (withdrawn and replaced) and the redaction
    cache, bytes included (docs/privacy.md). Finishes any erasure that was interrupted first.

    Run it while no materialisation runs: it holds the warehouse for its whole length."""
    from feedback_platform.lib.erasure.run import COMMAND, carry_out, pending_erasures, subject_request
    from feedback_platform.lib.erasure.subject import Subject

    places = PlatformSettings.from_environment().erasure_places()
    with user_errors():
        resumed = pending_erasures(places)
        statuses = {earlier.erasure_id: earlier.status for earlier in resumed}
        record = subject_request(places, Subject(tenant_id, user_id), reason, COMMAND)
        carry_out(places, [*resumed, record])
    if as_json:
        echo_json({**asdict(record), "resumed": [earlier.erasure_id for earlier in resumed]})
        return
    for earlier in resumed:
        click.echo(f"Finished the erasure {earlier.erasure_id} ({statuses[earlier.erasure_id]} before).")
    _print_record(record)


def _print_record(record: ErasureRecord) -> None:
    scope = record.steps["scope"]
    datasets = record.steps["datasets"]
    click.echo(
        f"Erasure {record.erasure_id} {record.status}: {scope['response']} responses and"
        f" {scope['event']} feedback events of the user, {scope['line']} landing lines."
    )
    tables = record.steps["warehouse"]["rows_deleted"]
    click.echo(f"  rows deleted: {sum(tables.values()):,} in {len(tables)} tables; warehouse file rewritten")
    click.echo(f"  redaction cache entries deleted: {record.steps['redaction_cache']['entries_deleted']}")
    for version in datasets["versions_withdrawn"]:
        click.echo(f"  withdrawn: {version}")
    for version in datasets["versions_published"]:
        click.echo(f"  published in its place: {version}")
