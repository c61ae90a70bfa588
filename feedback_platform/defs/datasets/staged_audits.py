"""The audit of a staged dataset version: the blocking checks that decide whether it is published.

Each check reads the staged version's files (the bytes that will be published, not the curated table) and,
where it needs them, the current marts. A failure keeps the version out of the published store and
`latest.json` where it was; the check's metadata says what was found, with texts masked or left out.

A kind's audits are one multi-asset check, one step (`staged_<kind>_dataset_audits`): they read the same
version, and a step of its own per audit cost more than most audits (29 steps, each with its events and its
lookups of the version). Each audit is still a check of its own in the UI, and can be run alone.
"""

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

import dagster as dg
import polars as pl

from feedback_platform.defs.check_history import last_passed_check_metadata
from feedback_platform.defs.curate.rules_file import CurationRulesFile
from feedback_platform.defs.datasets.metadata import recorded_metadata
from feedback_platform.defs.expectation_checks import (
    suite_check_result,
    violations_result,
)
from feedback_platform.lib.curation.config import CurationRules
from feedback_platform.lib.curation.eval import EVAL_KIND
from feedback_platform.lib.datasets.audits import (
    PREFERENCE_AUDIT_VERSION,
    SPLIT_AUDIT_VERSION,
    keys_repeated,
    pairs_without_a_preference,
    prompt_keys_of,
    prompts_shared_with,
    residual_pii_in_rows,
    rows_not_judged,
    rows_of_other_tenants,
    rows_of_withheld_users,
    rows_outside_their_prompts_split,
    rows_selected_by,
    rows_without_known_events,
)
from feedback_platform.lib.datasets.index import response_id_columns
from feedback_platform.lib.datasets.kinds import DATASET_KINDS, DatasetKind
from feedback_platform.lib.datasets.publication import (
    ShardToAudit,
    read_staged_manifest,
    read_staged_version,
    shards_to_audit,
    staged_shard_paths,
)
from feedback_platform.lib.datasets.store import shard_groups
from feedback_platform.lib.pii.residual import RESIDUAL_SCAN_VERSION
from feedback_platform.lib.quality import build_expectations
from feedback_platform.resources import DUCKDB_POOL, DatasetStore, Warehouse

RowLocalAudit = Callable[[pl.DataFrame, CurationRules], pl.DataFrame]
"""Judges rows one by one under the curation rules in force: the rows in violation."""


def _staged_version(instance: dg.DagsterInstance, name: str) -> tuple[str, dict[str, str]]:
    """The version id and per-tenant versions of the latest staging of dataset `name`."""
    metadata = recorded_metadata(instance, dg.AssetKey(f"staged_{name}_dataset"))
    return metadata["version"].value, dict(metadata["tenant_versions"].value)


def _stamped(result: dg.AssetCheckResult, **metadata: object) -> dg.AssetCheckResult:
    """`result` with `metadata` (the versions it audited) put first."""
    return dg.AssetCheckResult(passed=result.passed, metadata={**metadata, **result.metadata})


AUDIT_BATCH_ROWS = 100_000
"""Rows of a staged version that an audit reading the whole version holds at a time (whole shards)."""


def _shard_groups(dataset_store: DatasetStore, name: str, version: str) -> list[list[str]]:
    """The version's shards in groups of about :data:`AUDIT_BATCH_ROWS` rows: a query per shard would cost
    more than the audit (120 shards of a 30-day nightly), a query per version holds the whole history."""
    return shard_groups(read_staged_manifest(dataset_store.path, name, version), AUDIT_BATCH_ROWS)


@dataclass(frozen=True)
class _StagedVersion:
    """The latest staging of one dataset, as every audit of it reads it, with the resources they read with."""

    context: dg.AssetCheckExecutionContext
    name: str
    version: str
    tenant_versions: dict[str, str]
    dataset_store: DatasetStore
    warehouse: Warehouse
    curation_rules: CurationRulesFile

    def check_key(self, check: str) -> dg.AssetCheckKey:
        """The key of the audit named `check` (:class:`_Audit`) of this dataset."""
        return _audit_key(DATASET_KINDS[self.name], check)

    @cached_property
    def shard_paths(self) -> list[Path]:
        """The Parquet files of the version's shards."""
        return staged_shard_paths(self.dataset_store.path, self.name, self.version)

    @cached_property
    def shard_groups(self) -> list[list[str]]:
        """The version's shards, grouped (:func:`_shard_groups`)."""
        return _shard_groups(self.dataset_store, self.name, self.version)


@dataclass(frozen=True)
class _Audit:
    """One blocking check on a staged version: `judge` gives its result."""

    check: str
    """The end of the check's name: `staged_<kind>_dataset_<check>`."""
    description: str
    judge: Callable[[_StagedVersion], dg.AssetCheckResult]
    additional_deps: list[str] = field(default_factory=list)


def _passes_its_suite(kind: DatasetKind) -> _Audit:
    name, suite, key_column = kind.name, kind.row_suite, kind.key_column

    def judge(staged: _StagedVersion) -> dg.AssetCheckResult:
        expectations = build_expectations(suite.expectations)
        unjudged = _UnjudgedRows(
            staged, "passes_its_suite", suite.version(expectations), suite.columns_read(expectations)
        )
        rows = suite.judged_rows(unjudged.batches())  # of the texts, only their lengths are kept
        result = suite_check_result(f"staged_{name}_dataset", rows, expectations)
        with staged.warehouse.connect() as con:
            repeated = keys_repeated(con, staged.shard_paths, key_column)
        return _stamped(
            dg.AssetCheckResult(
                passed=result.passed and repeated.height == 0,
                metadata={
                    **result.metadata,
                    f"{key_column}_repeated_in_version": dg.MetadataValue.json(repeated.head(5).to_dicts()),
                },
            ),
            **unjudged.metadata(),
        )

    return _Audit(
        "passes_its_suite",
        f"{suite.description} Each row is judged once under the same expectations: the rows of the last "
        f"version that passed are not judged again, and {key_column} is unique over the whole version.",
        judge,
    )


@dataclass(frozen=True)
class _UnjudgedRows:
    """The rows of the staged version that a check judging each row alone has not passed under the same
    ``audit_version`` (only their ``columns``; every column when None): the shards the last version it
    passed does not list, and in each of them only the rows whose ``columns`` differ from every row of that
    version's shard of the same date (:func:`rows_not_judged`). Edited settings that ``audit_version``
    names have every row judged again; an edit of other rules does not."""

    staged: _StagedVersion
    check: str
    audit_version: str
    columns: Sequence[str] | None

    @cached_property
    def passed_version(self) -> str | None:
        """The version the check last passed under ``audit_version``, or None."""
        key = self.staged.check_key(self.check)
        metadata = last_passed_check_metadata(self.staged.context.instance, key) or {}
        if "audit_version" not in metadata or metadata["audit_version"].value != self.audit_version:
            return None
        return metadata["staged_version"].value

    @cached_property
    def shards(self) -> list[ShardToAudit]:
        staged = self.staged
        return shards_to_audit(staged.dataset_store.path, staged.name, staged.version, self.passed_version)

    def batches(self) -> Iterator[pl.DataFrame]:
        """The rows to judge, a shard at a time; an empty frame (the version's columns) when there is none."""
        root, name, version = self.staged.dataset_store.path, self.staged.name, self.staged.version
        if not self.shards:
            yield read_staged_version(root, name, version, self.columns, only_shards=[])
        for shard in self.shards:
            rows = read_staged_version(root, name, version, self.columns, only_shards=[shard.shard])
            if shard.judged_shard is not None:
                judged = read_staged_version(
                    root, name, self.passed_version, self.columns, only_shards=[shard.judged_shard]
                )
                rows = rows_not_judged(rows, judged)
            yield rows

    def metadata(self) -> dict[str, object]:
        """What the check's result records, so that the next evaluation knows what this one judged."""
        return {
            "staged_version": self.staged.version,
            "audit_version": self.audit_version,
            "shards_audited": len(self.shards),
            "carried_over_from": self.passed_version or "-",
        }


def _row_local_audit(
    check: str,
    description: str,
    find_violations: RowLocalAudit,
    audit_version: Callable[[CurationRules], str],
    columns: Sequence[str] | None = None,
) -> _Audit:
    """A check that judges each row alone, from ``columns`` of it (every column when None), under the
    settings of the rules that ``audit_version`` names: it judges the rows the last version it passed did
    not hold (:class:`_UnjudgedRows`), so a nightly judges the rows it wrote, shard by shard, and memory holds
    one shard."""

    def judge(staged: _StagedVersion) -> dg.AssetCheckResult:
        rules = staged.curation_rules.rules
        unjudged = _UnjudgedRows(staged, check, audit_version(rules), columns)
        rows_judged, violations = 0, []
        for rows in unjudged.batches():
            rows_judged += rows.height
            violations.append(find_violations(rows, rules))
        return _stamped(violations_result(rows_judged, pl.concat(violations)), **unjudged.metadata())

    return _Audit(check, description, judge)


def _holds_no_residual_pii(key_column: str) -> _Audit:
    return _row_local_audit(
        "holds_no_residual_pii",
        "A pattern scan of every text in the version (prompts, context, outputs, targets) finds no email, "
        "phone number, card number or credential. The shards of the last version that passed this scan, "
        "with the same patterns, are not scanned again: a nightly scans the shards it wrote.",
        lambda rows, _rules: residual_pii_in_rows(rows, key_column),
        audit_version=lambda _rules: f"residual-{RESIDUAL_SCAN_VERSION}",
    )


def _keeps_each_prompt_in_one_split() -> _Audit:
    return _row_local_audit(
        "keeps_each_prompt_in_one_split",
        "Every row is in the split its normalised prompt is assigned by the rules' validation_percent, so no "
        "prompt has rows in both train and validation. The shards of the last version that passed, at the "
        "same validation_percent, are not judged again.",
        lambda rows, rules: rows_outside_their_prompts_split(rows, rules.split.validation_percent),
        audit_version=lambda rules: f"split-{SPLIT_AUDIT_VERSION} at {rules.split.validation_percent}%",
        columns=["messages", "split"],
    )


_NAMED_IDS = "staged_ids"
"""The temporary view of the ids the staged rows name (column ``id``) that a mart audit's query reads."""


def _mart_audit(
    name: str,
    check: str,
    description: str,
    mart: str,
    query: str,
    audit: Callable[[pl.DataFrame, pl.DataFrame], pl.DataFrame],
    columns: Sequence[str],
    named_ids: Callable[[pl.DataFrame], pl.Series],
) -> _Audit:
    """A check of the staged rows' ``columns`` against one mart: passes when `audit(rows, mart_rows)` finds no
    violation. `query` reads the mart's rows of the ids the staged rows name (`named_ids(rows)`, in the view
    :data:`_NAMED_IDS`). The version is audited some shards at a time (:func:`_shard_groups`), so what
    Python and DuckDB hold is bounded whatever the length of the history the version covers."""

    def judge(staged: _StagedVersion) -> dg.AssetCheckResult:
        rows_checked, violations = 0, []
        with staged.warehouse.connect() as con:
            for shards in staged.shard_groups:
                rows = read_staged_version(
                    staged.dataset_store.path, name, staged.version, columns, only_shards=shards
                )
                con.register(_NAMED_IDS, named_ids(rows).alias("id").to_frame().to_arrow())
                try:
                    mart_rows = con.sql(query).pl()
                finally:
                    con.unregister(_NAMED_IDS)
                rows_checked += rows.height
                violations.append(audit(rows, mart_rows))
        return _stamped(violations_result(rows_checked, pl.concat(violations)), staged_version=staged.version)

    return _Audit(check, description, judge, additional_deps=[mart])


def _event_ids(rows: pl.DataFrame) -> pl.Series:
    return rows.get_column("feedback_event_ids").explode().drop_nulls().unique()


def _response_ids(rows: pl.DataFrame) -> pl.Series:
    columns = response_id_columns(rows.columns)
    return pl.concat([rows.get_column(column) for column in columns]).drop_nulls().unique()


def _traces_to_feedback_events(kind: DatasetKind) -> _Audit:
    name, key_column = kind.name, kind.key_column
    return _mart_audit(
        name,
        "traces_to_feedback_events",
        "Every row names the feedback events it was selected by, and each is an event of "
        "feedback_with_responses (dataset row → lineage → feedback event).",
        "feedback_with_responses",
        f"select event_id from feedback_with_responses where event_id in (select id from {_NAMED_IDS})",
        lambda rows, events: rows_without_known_events(rows, key_column, events.get_column("event_id")),
        columns=[key_column, "feedback_event_ids"],
        named_ids=_event_ids,
    )


def _selected_only_by_events_their_authors_allow(kind: DatasetKind) -> _Audit:
    return _mart_audit(
        kind.name,
        "selected_only_by_events_their_authors_allow",
        "No row was selected by a feedback event from another tenant than its response's, or written by "
        "someone else than the response's user who does not allow training (author_allows_training in "
        "feedback_with_responses): another tenant's or a non-consenting author's words are in no row.",
        "feedback_with_responses",
        "select event_id from feedback_with_responses"
        f" where not author_allows_training and event_id in (select id from {_NAMED_IDS})",
        lambda rows, events: rows_selected_by(rows, kind.key_column, events.get_column("event_id")),
        columns=[kind.key_column, "feedback_event_ids"],
        named_ids=_event_ids,
    )


def _excludes_users_who_opted_out(kind: DatasetKind) -> _Audit:
    id_columns = response_id_columns(kind.curation.columns)
    return _mart_audit(
        kind.name,
        "excludes_users_who_opted_out",
        "No row comes from a response whose user opted out of training or asked for erasure.",
        "response_signals",
        "select response_id, training_allowed from response_signals"
        f" where response_id in (select id from {_NAMED_IDS})",
        lambda rows, consent: rows_of_withheld_users(rows, id_columns, consent),
        columns=id_columns,
        named_ids=_response_ids,
    )


def _tenant_versions_hold_one_tenant(name: str) -> _Audit:
    def judge(staged: _StagedVersion) -> dg.AssetCheckResult:
        dataset_store, tenant_versions = staged.dataset_store, staged.tenant_versions
        foreign = (
            pl.concat(
                [
                    rows_of_other_tenants(
                        read_staged_version(dataset_store.path, f"{name}-{tenant}", version, ["tenant_id"]),
                        tenant,
                    ).select(
                        version=pl.lit(f"{name}-{tenant}@{version}"), other_tenant="tenant_id", rows="rows"
                    )
                    for tenant, version in tenant_versions.items()
                ],
                how="vertical",
            )
            if tenant_versions
            else pl.DataFrame()
        )
        return dg.AssetCheckResult(
            passed=foreign.height == 0,
            metadata={
                "tenant_versions": dg.MetadataValue.json(tenant_versions),
                "rows_of_other_tenants": dg.MetadataValue.json(foreign.to_dicts()),
            },
        )

    return _Audit(
        "tenant_versions_hold_one_tenant",
        "Each per-tenant version staged beside the dataset holds that tenant's rows only.",
        judge,
    )


def _shares_no_prompt_with_eval(name: str) -> _Audit:
    def judge(staged: _StagedVersion) -> dg.AssetCheckResult:
        dataset_store, version = staged.dataset_store, staged.version
        eval_version, _ = _staged_version(staged.context.instance, EVAL_KIND)
        keys, eval_keys = (
            prompt_keys_of(  # some shards' messages at a time: the eval version's are the history's
                read_staged_version(dataset_store.path, dataset, of_version, ["messages"], only_shards=shards)
                for shards in _shard_groups(dataset_store, dataset, of_version)
            )
            for dataset, of_version in ((name, version), (EVAL_KIND, eval_version))
        )
        shared = prompts_shared_with(keys, eval_keys)
        result = violations_result(keys.height, shared)
        return _stamped(result, staged_version=version, eval_version=eval_version)

    return _Audit(
        "shares_no_prompt_with_eval",
        f"No normalised prompt of the staged {name} version is in the eval version staged beside it: a model "
        "is not trained on what it is evaluated on.",
        judge,
        additional_deps=[DATASET_KINDS[EVAL_KIND].staged_asset],
    )


def _prefers_a_different_non_empty_text() -> _Audit:
    return _row_local_audit(
        "prefers_a_different_non_empty_text",
        "No pair prefers a text over itself (whitespace normalised), and neither side is empty. The shards "
        "of the last version that passed are not judged again.",
        lambda rows, _rules: pairs_without_a_preference(rows),
        audit_version=lambda _rules: f"preference-{PREFERENCE_AUDIT_VERSION}",
    )


def _audits_of(kind: DatasetKind) -> list[_Audit]:
    """The blocking checks on a staged version of `kind`: every kind's, then those its flags call for."""
    name = kind.name
    return [
        _passes_its_suite(kind),
        _holds_no_residual_pii(kind.key_column),
        _traces_to_feedback_events(kind),
        _excludes_users_who_opted_out(kind),
        _selected_only_by_events_their_authors_allow(kind),
        _tenant_versions_hold_one_tenant(name),
        *((_keeps_each_prompt_in_one_split(),) if kind.for_training else ()),
        *((_shares_no_prompt_with_eval(name),) if kind.shares_no_prompt_with_eval else ()),
        *((_prefers_a_different_non_empty_text(),) if kind.pairs_preferences else ()),
    ]


def _audits_check(kind: DatasetKind) -> dg.AssetChecksDefinition:
    """The audits of `kind` (:func:`_audits_of`) as one multi-asset check: each is judged when selected (all
    of them in a job; one of them when a user runs it alone), on the latest staged version."""
    audits = _audits_of(kind)
    specs = [
        dg.AssetCheckSpec(
            name=_audit_key(kind, audit.check).name,
            asset=kind.staged_asset,
            description=audit.description,
            blocking=True,
            additional_deps=audit.additional_deps,
        )
        for audit in audits
    ]

    @dg.multi_asset_check(specs=specs, can_subset=True, name=f"{kind.staged_asset}_audits", pool=DUCKDB_POOL)
    def _audit_staged_version(
        context: dg.AssetCheckExecutionContext,
        dataset_store: DatasetStore,
        warehouse: Warehouse,
        curation_rules: CurationRulesFile,
    ) -> Iterator[dg.AssetCheckResult]:
        version, tenant_versions = _staged_version(context.instance, kind.name)
        staged = _StagedVersion(
            context, kind.name, version, tenant_versions, dataset_store, warehouse, curation_rules
        )
        for audit, spec in zip(audits, specs, strict=True):
            if spec.key in context.selected_asset_check_keys:
                result = audit.judge(staged)
                yield dg.AssetCheckResult(
                    asset_key=spec.asset_key,
                    check_name=spec.name,
                    passed=result.passed,
                    metadata=result.metadata,
                )

    return _audit_staged_version


def _audit_key(kind: DatasetKind, check: str) -> dg.AssetCheckKey:
    return dg.AssetCheckKey(dg.AssetKey(kind.staged_asset), f"{kind.staged_asset}_{check}")


_AUDITS = [_audits_check(kind) for kind in DATASET_KINDS.values()]
