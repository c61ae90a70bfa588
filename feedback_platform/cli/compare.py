"""`feedback-platform compare`: is model (or model version, or prompt version) B better than A?

The comparison and its test are `feedback_platform.lib.analysis.comparison`'s; this command picks the two
arms and the traffic to compare from the options, and prints a verdict per metric with its interval.
"""

import click

from feedback_platform.cli.options import echo_json, user_errors
from feedback_platform.lib.analysis.comparison import (
    compare_arms,
    overall_verdict,
    read_counts,
    strata_for,
    unknown_arms,
)
from feedback_platform.lib.analysis.settings import ComparisonSettings
from feedback_platform.lib.warehouse import read_only_warehouse
from feedback_platform.settings import PlatformSettings


def _compared_and_fixed(given: dict[str, tuple[str, ...]]) -> tuple[str, tuple[str, str], dict[str, str]]:
    """The dimension given twice (the arms), and the others given once (held fixed)."""
    twice = [column for column, values in given.items() if len(values) == 2]
    if len(twice) != 1 or any(len(values) > 2 for values in given.values()):
        raise click.UsageError(
            "give exactly one of --model, --model-version or --prompt-version twice (A, then B); "
            "the others at most once, to hold them fixed"
        )
    (compared,) = twice
    first, second = given[compared]
    fixed = {column: values[0] for column, values in given.items() if len(values) == 1}
    return compared, (first, second), fixed


@click.command("compare")
@click.option("--model", "models", multiple=True, help="A model; give it twice to compare two models.")
@click.option("--model-version", "model_versions", multiple=True, help="A model version (twice to compare).")
@click.option(
    "--prompt-version", "prompt_versions", multiple=True, help="A prompt version (twice to compare)."
)
@click.option("--tenant", "tenants", multiple=True, help="Only this tenant's traffic; repeat for several.")
@click.option("--days", type=click.IntRange(min=1), help="Only the latest N response days.")
@click.option("--alpha", type=click.FloatRange(0, 1, min_open=True, max_open=True), default=0.05,
              show_default=True, help="Family-wise significance level over the metrics.")  # fmt: skip
@click.option("--json", "as_json", is_flag=True, help="The comparison as JSON.")
def compare_command(
    models: tuple[str, ...],
    model_versions: tuple[str, ...],
    prompt_versions: tuple[str, ...],
    tenants: tuple[str, ...],
    days: int | None,
    alpha: float,
    as_json: bool,
) -> None:
    """Compare B with A on comparable traffic: thumbs-up rate, mean rating and the implicit rates, each
    with its difference, 95% interval, Holm-adjusted p-value and verdict.

    Example: feedback-platform compare --model atlas-large --model atlas-mini --prompt-version v2
    """
    given = {"model": models, "model_version": model_versions, "prompt_version": prompt_versions}
    compared, arms, fixed = _compared_and_fixed(given)
    settings = PlatformSettings.from_environment()
    comparison = ComparisonSettings(alpha=alpha)
    with user_errors(), read_only_warehouse(settings.duckdb_path) as con:
        counts = read_counts(con, fixed, tenants, days)
        if missing := unknown_arms(counts, compared, arms):
            raise LookupError(f"no responses of {compared} {', '.join(map(repr, missing))} in that traffic")
        results = compare_arms(counts, compared, arms, comparison)
    verdict = overall_verdict(results)
    strata = strata_for(compared)
    if as_json:
        echo_json(
            {
                "compared": compared,
                "a": arms[0],
                "b": arms[1],
                "fixed": fixed,
                "tenants": list(tenants),
                "strata_by": strata,
                "settings": {
                    "alpha": comparison.alpha,
                    "power": comparison.power,
                    "min_trials": comparison.min_trials,
                },
                "verdict": verdict,
                "metrics": results.to_dicts(),
            }
        )
        return
    click.echo(f"{compared} {arms[1]} (B) against {arms[0]} (A), stratified by {' x '.join(strata)}")
    if fixed or tenants:
        held = [f"{column} {value}" for column, value in fixed.items()] + [f"tenant {t}" for t in tenants]
        click.echo(f"  traffic: {', '.join(held)}")
    click.echo(
        f"  {'metric':<16} {'A':>7} {'B':>7} {'B - A':>8}  {'95% interval':<19} {'p (Holm)':>8}  verdict"
    )
    for row in results.iter_rows(named=True):
        click.echo("  " + _metric_line(row))
    click.echo(f"Verdict: {verdict}")
    click.echo(
        f"Test: two-sided z-test of the stratified difference (Cochran-Mantel-Haenszel weights), p-values "
        f"adjusted by Holm over the {results['p_adjusted'].is_not_null().sum()} metrics tested, "
        f"alpha {comparison.alpha}; a metric needs {comparison.min_trials} trials in each arm."
    )


def _metric_line(row: dict) -> str:
    if row["difference"] is None:
        return f"{row['metric']:<16} no stratum served by both with trials in each"
    interval = f"[{row['difference_low']:+.3f}, {row['difference_high']:+.3f}]"
    p_value = f"{row['p_adjusted']:.4f}" if row["p_adjusted"] is not None else "-"
    verdict = row["verdict"]
    if row["min_detectable_difference"] is not None and verdict != "better" and verdict != "worse":
        verdict += f" (detectable: {row['min_detectable_difference']:.3f})"
    if verdict == "not tested":
        verdict += f" ({row['trials_a']} and {row['trials_b']} trials)"
    estimates = f"{row['estimate_a']:>7.3f} {row['estimate_b']:>7.3f} {row['difference']:>+8.3f}"
    return f"{row['metric']:<16} {estimates}  {interval:<19} {p_value:>8}  {verdict}"
