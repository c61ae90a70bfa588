"""`feedback-platform themes`: what fails and why, from the comments on low-rated responses.

The grouping is `feedback_platform.lib.analysis.themes`'s, the one the `failure_themes` asset stores; this
command runs it on the current warehouse, for every tenant or the ones named.
"""

import click

from feedback_platform.cli.options import echo_json, user_errors
from feedback_platform.lib.analysis.settings import ThemeSettings
from feedback_platform.lib.analysis.themes import group_into_themes, low_rated_comments
from feedback_platform.lib.warehouse import read_only_warehouse
from feedback_platform.settings import PlatformSettings


@click.command("themes")
@click.option("--tenant", "tenants", multiple=True, help="Only this tenant's cases; repeat for several.")
@click.option("--days", type=click.IntRange(min=1), default=ThemeSettings().window_days, show_default=True,
              help="The trailing window of feedback days.")  # fmt: skip
@click.option("--json", "as_json", is_flag=True, help="The themes as JSON.")
def themes_command(tenants: tuple[str, ...], days: int, as_json: bool) -> None:
    """Group the comments on low-rated responses (thumb down, rating 1-2, regenerated or abandoned) into
    failure themes, with the prompt version, model and feature each concentrates in."""
    settings = PlatformSettings.from_environment()
    theme_settings = ThemeSettings(window_days=days)
    with user_errors(), read_only_warehouse(settings.duckdb_path) as con:
        cases = low_rated_comments(con, theme_settings, tenants)
    themes, _ = group_into_themes(cases, theme_settings)
    if as_json:
        echo_json(
            {
                "cases": cases.height,
                "window_days": days,
                "tenants": list(tenants),
                "themes": themes.to_dicts(),
            }
        )
        return
    click.echo(
        f"{cases.height:,} comments on low-rated responses in the last {days} days, {themes.height} groups"
    )
    for theme in themes.iter_rows(named=True):
        for line in _theme_lines(theme):
            click.echo(line)


def _theme_lines(theme: dict) -> list[str]:
    share, lift = theme["top_prompt_version_share"], theme["top_prompt_version_lift"]
    trend = ", ".join(f"{entry['day']}: {entry['cases']}" for entry in theme["cases_by_day"])
    return [
        f"{theme['theme']}: {theme['cases']:,} cases ({theme['share']:.0%})  {', '.join(theme['top_terms'])}",
        f"  prompt version {theme['top_prompt_version']} ({share:.0%} of the theme, {lift:.1f}x its share of"
        f" all cases), model {theme['top_model']}, feature {theme['top_feature']}",
        f"  by day: {trend}",
        f"  e.g. responses {', '.join(theme['example_response_ids'])}",
    ]
