"""Running one asset check through Dagster on a tampered copy of the sample platform.

The tests that prove a check catches its defect all follow the same steps: copy the platform
(`platform_copy` fixture in conftest), inject the defect with SQL (`tamper`), run only that check with
the real resources (`run_check`), and assert it failed for the right reason (`assert_fails`).
"""

from collections.abc import Callable, Sequence

import dagster as dg
import duckdb

from feedback_platform.definitions import build_definitions
from feedback_platform.settings import PlatformSettings


def tamper(settings: PlatformSettings, *statements: str) -> None:
    """Run `statements` against the platform's warehouse, e.g. to inject one defect."""
    with duckdb.connect(str(settings.duckdb_path)) as con:
        for statement in statements:
            con.execute(statement)


def query_rows(settings: PlatformSettings, query: str) -> list[tuple]:
    """The rows `query` returns from the platform's warehouse."""
    with duckdb.connect(str(settings.duckdb_path), read_only=True) as con:
        return con.execute(query).fetchall()


def run_check(
    settings: PlatformSettings,
    instance: dg.DagsterInstance,
    asset: str,
    check: str,
    partition_key: str | None = None,
) -> dg.AssetCheckEvaluation:
    """Execute only the check `check` on `asset` (for one partition if given) and return its evaluation."""
    (evaluation,) = run_checks(
        settings, instance, [dg.AssetCheckKey(dg.AssetKey(asset), check)], partition_key
    ).values()
    return evaluation


def run_checks(
    settings: PlatformSettings,
    instance: dg.DagsterInstance,
    checks: Sequence[dg.AssetCheckKey],
    partition_key: str | None = None,
) -> dict[dg.AssetCheckKey, dg.AssetCheckEvaluation]:
    """Execute only `checks`, in one run, materialising nothing; their evaluations by key.

    The checks must all be partitioned (then pass `partition_key`) or all unpartitioned.
    """
    only_these_checks = dg.define_asset_job("only_these_checks", selection=dg.AssetSelection.checks(*checks))
    definitions = dg.Definitions.merge(build_definitions(settings), dg.Definitions(jobs=[only_these_checks]))
    # A check-only selection has no asset to take the partitions from: pass the partition as a run tag.
    result = definitions.resolve_job_def("only_these_checks").execute_in_process(
        instance=instance,
        tags={"dagster/partition": partition_key} if partition_key else {},
        raise_on_error=False,
    )
    return {evaluation.asset_check_key: evaluation for evaluation in result.get_asset_check_evaluations()}


def assert_fails(evaluation: dg.AssetCheckEvaluation, found_in_metadata: Callable[[str], bool]) -> None:
    """The check failed, and its metadata (rendered as text) shows why."""
    assert evaluation.passed is False
    rendered = str({key: value.value for key, value in evaluation.metadata.items()})
    assert found_in_metadata(rendered), rendered
