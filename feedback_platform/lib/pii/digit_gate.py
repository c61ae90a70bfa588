"""A cheap test run before recognizers that only ever match digits: most texts hold too few to try them."""

from functools import cache

import regex as re


@cache
def _at_least(count: int) -> re.Pattern:
    return re.compile(rf"(?:\D*\d){{{count}}}")


def has_digits(text: str, count: int) -> bool:
    """True when `text` holds at least `count` digits; stops reading at the `count`-th."""
    return _at_least(count).match(text) is not None
