"""`feedback-platform pii-eval`: leak rate per entity type and over-redaction of the PII engine, against
the targets of issue 3, on span-labelled sets.

A labelled value is leaked when it is still readable after redaction (the value itself, its digit
sequence for numbers, any name token for names); over-redaction is the share of words outside labelled
spans that are lost. The definitions, the label mapping and the targets are in
`feedback_platform.lib.pii_eval`. Exit status 0 when every target is met, 1 when one is not.
"""

from pathlib import Path

import click

from feedback_platform.cli.options import sample_size_options
from feedback_platform.lib.pii_eval import (
    GENERATED_DEFAULTS,
    NoLabelledSetError,
    ablate_entity_types,
    evaluate_group,
    format_ablation,
    format_group_evaluation,
    format_verdict,
    labelled_groups,
)
from feedback_platform.lib.sample_logs import SampleLogConfig
from feedback_platform.settings import PlatformSettings


@click.command("pii-eval")
@click.argument(
    "sets", nargs=-1, metavar="[SET]...", type=click.Path(exists=True, dir_okay=False, path_type=Path)
)
@click.option(
    "--secrets",
    type=click.IntRange(min=0),
    default=0,
    metavar="N",
    help="Add N generated sentences holding API keys and tokens (OpenAI, AWS, GitHub, Slack, bearer, JWT).",
)
@click.option(
    "--generated",
    is_flag=True,
    help="Also score a set labelled from freshly generated sample logs; the dev set is then scored only "
    "when given as SET.",
)
@sample_size_options(GENERATED_DEFAULTS)
@click.option("--examples", is_flag=True, help="Show leaked values and the ordinary words lost.")
@click.option(
    "--subsets",
    is_flag=True,
    help="Also score the default entity types with LOCATION, DATE_TIME, NRP, URL or ORGANIZATION toggled "
    "(one more analysis per set).",
)
def pii_eval_command(
    sets: tuple[Path, ...],
    secrets: int,
    generated: bool,
    days: int,
    responses_per_day: int,
    seed: int,
    examples: bool,
    subsets: bool,
) -> None:
    """Score PII redaction on labelled SETs (.json dev-set format or .jsonl) against the issue's targets.

    Without SET, the dev set ../shared/pii_dev/synth_dataset_v2.json beside the checkout is used when
    present.
    """
    from feedback_platform.lib.pii import PiiRedactor

    sample = SampleLogConfig(days=days, responses_per_day=responses_per_day, seed=seed) if generated else None
    try:
        groups = labelled_groups(sets, secrets, sample)
    except NoLabelledSetError as error:
        raise click.UsageError(str(error)) from error
    config = PlatformSettings.from_environment().redactor_config()
    redactor = PiiRedactor(config)
    evaluations = []
    for group in groups:
        if evaluations:
            click.echo()
        evaluations.append(evaluate_group(redactor.redact, group))
        click.echo(format_group_evaluation(evaluations[-1], examples))
    if subsets:
        for group, variants in ablate_entity_types(groups, config):
            click.echo(f"\nentity types toggled on {group.name} (detections masked, one analysis):")
            click.echo(format_ablation(variants))
    click.echo(f"\n{format_verdict(evaluations)}")
    if any(evaluation.failed for evaluation in evaluations):
        raise SystemExit(1)
