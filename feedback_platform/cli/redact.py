"""`feedback-platform redact`: redact named text fields of a JSONL file with the same engine as the assets.

The streaming itself is `feedback_platform.lib.redaction.jsonl`. With `--pseudonyms-by FIELD`, entities
become keyed pseudonyms ("<PERSON_3fa92c1b>") that stay the same across every row sharing that field's
value, e.g. a conversation id; the secret key is read from the environment variable
FEEDBACK_PLATFORM_PSEUDONYM_KEY, never from the command line (shell history).
"""

import os
import sys
from collections.abc import Sequence
from pathlib import Path

import click

from feedback_platform.lib.pii import KeyedPseudonyms
from feedback_platform.lib.pii.config import MAX_DEFAULT_WORKERS, default_workers
from feedback_platform.lib.redaction.jsonl import (
    DEFAULT_CHUNK_ROWS,
    DEFAULT_FIELDS,
    RedactInputError,
    RedactSummary,
    TextRedactor,
    redact_jsonl,
)
from feedback_platform.settings import PSEUDONYM_KEY_VARIABLE, PlatformSettings


@click.command("redact")
@click.option(
    "--input",
    "source",
    type=click.Path(path_type=Path, dir_okay=False),
    required=True,
    help="JSONL file to read.",
)
@click.option(
    "--output",
    "target",
    type=click.Path(path_type=Path, dir_okay=False),
    required=True,
    help="JSONL file to write (replaced if it exists).",
)
@click.option(
    "--field",
    "fields",
    multiple=True,
    default=DEFAULT_FIELDS,
    show_default=True,
    help="Top-level string field to redact; repeat for several.",
)
@click.option(
    "--cache",
    "cache_path",
    type=click.Path(path_type=Path, dir_okay=False),
    default=None,
    help="SQLite cache of redacted texts [default: the platform's, <data dir>/pii_redaction_cache.sqlite].",
)
@click.option("--no-cache", is_flag=True, help="Analyse every text, reading and writing no cache.")
@click.option(
    "--workers",
    type=click.IntRange(min=1),
    default=default_workers,
    show_default=f"CPU cores, at most {MAX_DEFAULT_WORKERS}",
    help="Processes that analyse uncached texts; 1 runs in this process.",
)
@click.option("--chunk-rows", type=click.IntRange(min=1), default=DEFAULT_CHUNK_ROWS, show_default=True)
@click.option(
    "--pseudonyms-by",
    "scope_field",
    default=None,
    metavar="FIELD",
    help=f"Keyed pseudonyms (<PERSON_3fa92c1b>) instead of typed placeholders, the same for one value "
    f"across rows with the same FIELD (e.g. conversation_id); the key is read from {PSEUDONYM_KEY_VARIABLE}.",
)
def redact_command(
    source: Path,
    target: Path,
    fields: tuple[str, ...],
    cache_path: Path | None,
    no_cache: bool,
    workers: int,
    chunk_rows: int,
    scope_field: str | None,
) -> None:
    """Replace personal data in text fields of a JSONL file with placeholders such as <PERSON>."""
    from feedback_platform.lib.pii.bulk import BulkRedactor

    if not source.is_file():
        raise click.ClickException(f"cannot read {source}: no such file")
    settings = PlatformSettings.from_environment()
    cache = None if no_cache else (cache_path or settings.pii_cache_path)
    pseudonyms = _pseudonyms_from_environment() if scope_field is not None else None
    with BulkRedactor(
        settings.redactor_config(), cache_path=cache, workers=workers, pseudonyms=pseudonyms
    ) as redactor:
        try:
            summary = _run_with_progress(source, target, fields, chunk_rows, redactor.redact, scope_field)
        except RedactInputError as error:
            raise click.ClickException(str(error)) from error
        stats = redactor.stats
    click.echo(
        f"Redacted {summary.texts:,} texts in {summary.rows:,} rows into {target} "
        f"({stats.distinct:,} distinct per chunk: {stats.cached:,} from the cache, "
        f"{stats.analysed:,} analysed).",
        err=True,
    )


def _pseudonyms_from_environment() -> KeyedPseudonyms:
    key = os.environ.get(PSEUDONYM_KEY_VARIABLE)
    if not key:
        raise click.ClickException(
            f"--pseudonyms-by needs the secret key in the environment: {PSEUDONYM_KEY_VARIABLE}"
        )
    try:
        return KeyedPseudonyms(key)
    except ValueError as error:
        raise click.ClickException(f"{PSEUDONYM_KEY_VARIABLE}: {error}") from error


def _run_with_progress(
    source: Path,
    target: Path,
    fields: Sequence[str],
    chunk_rows: int,
    redact: TextRedactor,
    scope_field: str | None,
) -> RedactSummary:
    """`redact_jsonl` with a progress bar over the input's bytes on stderr, only when stderr is a terminal."""
    if not sys.stderr.isatty():
        return redact_jsonl(source, target, redact, fields, chunk_rows, scope_field=scope_field)
    with click.progressbar(length=source.stat().st_size, label="Redacting", file=sys.stderr) as bar:
        return redact_jsonl(
            source,
            target,
            redact,
            fields,
            chunk_rows,
            on_progress=lambda done: bar.update(done - bar.pos),
            scope_field=scope_field,
        )
