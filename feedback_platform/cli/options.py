"""Click options shared by several `feedback-platform` commands."""

from collections.abc import Callable
from typing import Any

import click

from feedback_platform.lib.sample_logs import SampleLogConfig


def sample_size_options(defaults: SampleLogConfig) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """--days, --responses-per-day and --seed of generated sample logs, with `defaults` shown."""

    def decorate(command: Callable[..., Any]) -> Callable[..., Any]:
        for option in reversed(
            [
                click.option("--days", type=click.IntRange(min=1), default=defaults.days, show_default=True),
                click.option(
                    "--responses-per-day",
                    type=click.IntRange(min=1),
                    default=defaults.responses_per_day,
                    show_default=True,
                ),
                click.option("--seed", type=int, default=defaults.seed, show_default=True),
            ]
        ):
            command = option(command)
        return command

    return decorate
