"""What several `feedback-platform` commands share: option sets, argument types, JSON output, user errors."""

import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import click

from feedback_platform.lib.datasets.catalog import DatasetRef, parse_dataset_ref
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


class DatasetRefType(click.ParamType):
    """A ``NAME[@VERSION]`` argument; ``pinned`` demands the version."""

    name = "NAME@VERSION"

    def __init__(self, pinned: bool = False) -> None:
        self.pinned = pinned

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> DatasetRef:
        if isinstance(value, DatasetRef):
            return value
        try:
            return parse_dataset_ref(value, require_version=self.pinned)
        except ValueError as error:
            self.fail(str(error), param, ctx)


def echo_json(value: Any) -> None:
    click.echo(json.dumps(value, indent=2, ensure_ascii=False, default=str))


@contextmanager
def user_errors() -> Iterator[None]:
    """An unknown dataset, version or run, or an impossible request, becomes a one-line CLI error."""
    try:
        yield
    except (LookupError, ValueError, RuntimeError, OSError) as error:
        raise click.ClickException(str(error)) from error
