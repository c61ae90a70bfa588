"""Expectations declared when the code location loads, built when a check runs.

Importing Great Expectations takes about 3 s, and every process that loads the code location (the UI, the
daemon, each CLI command, a nightly that is skipped) declares every check. So a check names its
expectations as a function of the module `great_expectations.expectations`, which it is handed only when
it runs: `lambda gxe: [gxe.ExpectColumnValuesToNotBeNull(column="event_id")]`.
"""

import importlib
from collections.abc import Callable, Sequence
from types import ModuleType
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from great_expectations.expectations import Expectation

ExpectationFactory = Callable[[ModuleType], Sequence["Expectation"]]


def build_expectations(factory: ExpectationFactory) -> list["Expectation"]:
    """The expectations `factory` declares, with Great Expectations imported now if it was not yet."""
    return list(factory(importlib.import_module("great_expectations.expectations")))


def referenced_columns(expectations: Sequence["Expectation"]) -> list[str]:
    """The columns named by `column`, `column_list` or `column_A`/`column_B`, in first-seen order."""
    names: list[str] = []
    for expectation in expectations:
        named = [
            getattr(expectation, "column", None),
            *(getattr(expectation, "column_list", None) or []),
            getattr(expectation, "column_A", None),
            getattr(expectation, "column_B", None),
        ]
        names.extend(name for name in named if name and name not in names)
    return names
