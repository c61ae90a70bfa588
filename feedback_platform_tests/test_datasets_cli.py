"""`feedback-platform datasets` on a copy of the real sample platform: list, show, diff, export, errors."""

import json
from pathlib import Path

import polars as pl
import pytest
from click.testing import CliRunner, Result

from feedback_platform.cli.main import main
from feedback_platform.lib.datasets.index import list_dataset_versions
from feedback_platform.lib.datasets.kinds import DATASET_KINDS
from feedback_platform.lib.datasets.publication import publish_dataset_version
from feedback_platform.lib.datasets.store import read_dataset_version, read_manifest, write_dataset_version
from feedback_platform.settings import PlatformSettings
from feedback_platform_tests.conftest import SamplePlatform
from feedback_platform_tests.platform_copy import cli_env, copy_platform


@pytest.fixture
def platform(sample_platform: SamplePlatform, tmp_path: Path) -> PlatformSettings:
    return copy_platform(sample_platform, tmp_path / "data")


def run(settings: PlatformSettings, *args: str) -> Result:
    return CliRunner().invoke(main, list(args), env=cli_env(settings))


def only_version(settings: PlatformSettings, name: str) -> str:
    (version,) = list_dataset_versions(settings.datasets_dir, name).get_column("version")
    return version


def write_changed_eval(settings: PlatformSettings) -> tuple[str, pl.DataFrame, pl.DataFrame]:
    """A second eval version, staged and published: the first three rows dropped, one row re-admitted under
    a new id and rule.

    Returns (its version, the rows removed, the row added)."""
    old_rows = read_dataset_version(settings.datasets_dir, "eval", only_version(settings, "eval"))
    removed = old_rows.head(3)
    added = old_rows.tail(1).with_columns(
        example_id=pl.lit("f" * 32), reasons=pl.lit(["low_rating"], dtype=pl.List(pl.String))
    )
    new_rows = pl.concat([old_rows.slice(3), added])
    version = write_dataset_version(
        new_rows,
        name="eval",
        datasets_root=settings.datasets_dir,
        staged=True,
        rule_version="test-changed",
        inputs={"table": "eval_examples", "rows": new_rows.height},
        key_column="example_id",
        shard_column=DATASET_KINDS["eval"].shard_column,
    )
    assert publish_dataset_version(settings.datasets_dir, "eval", version.version).created
    return version.version, removed, added


# Guards `datasets list --json`: one entry per dataset, its latest version, matching the registry.
def test_list_json_gives_each_datasets_latest_version(platform: PlatformSettings) -> None:
    new_eval, _, _ = write_changed_eval(platform)
    result = run(platform, "datasets", "list", "--json")
    assert result.exit_code == 0, result.output
    listed = {entry["name"]: entry for entry in json.loads(result.output)}
    registry = list_dataset_versions(platform.datasets_dir)
    assert sorted(listed) == sorted(set(registry.get_column("name")))
    assert {"eval", "sft", "dpo"} <= set(listed)
    assert listed["eval"]["version"] == new_eval
    assert listed["eval"]["versions"] == 2
    for name, entry in listed.items():
        manifest = read_manifest(platform.datasets_dir, name, entry["version"])
        assert entry["rows"] == manifest["row_count"]
        assert entry["sequence"] == manifest["sequence"]
    assert listed["eval"]["sequence"] == 2
    text = run(platform, "datasets", "list")
    assert text.exit_code == 0, text.output
    assert f"eval             {new_eval}" in text.output


# Guards `datasets versions`: every version of one dataset, newest first, the latest marked, as the
# manifests say; an unknown dataset is a one-line error naming the ones that exist.
def test_versions_lists_every_version_newest_first(platform: PlatformSettings) -> None:
    old_eval = only_version(platform, "eval")
    new_eval, _, _ = write_changed_eval(platform)
    result = run(platform, "datasets", "versions", "eval", "--json")
    assert result.exit_code == 0, result.output
    listed = json.loads(result.output)
    assert [entry["version"] for entry in listed] == [new_eval, old_eval]
    assert [entry["latest"] for entry in listed] == [True, False]
    for entry in listed:
        manifest = read_manifest(platform.datasets_dir, "eval", entry["version"])
        assert entry["rows"] == manifest["row_count"]
        assert entry["sequence"] == manifest["sequence"]
        assert entry["rule_version"] == manifest["rule_version"]
        assert (entry["status"], entry["withdrawn_by"]) == ("published", None)
    text = run(platform, "datasets", "versions", "eval")
    assert text.exit_code == 0, text.output
    lines = text.output.splitlines()
    assert lines[1].startswith(new_eval) and lines[1].split()[-2:] == ["*", "published"]
    assert lines[2].startswith(old_eval) and "*" not in lines[2].split() and lines[2].endswith("published")
    unknown = run(platform, "datasets", "versions", "sft_dataset")
    assert unknown.exit_code == 1
    assert "no dataset 'sft_dataset'" in unknown.output and "sft" in unknown.output


# Guards `datasets show`: the manifest of the latest version, or of a pinned one, with rows per rule.
def test_show_json_is_the_manifest_with_rows_by_rule(platform: PlatformSettings) -> None:
    old_eval = only_version(platform, "eval")
    new_eval, _, _ = write_changed_eval(platform)

    latest = json.loads(run(platform, "datasets", "show", "eval", "--json").output)
    pinned = json.loads(run(platform, "datasets", "show", f"eval@{old_eval}", "--json").output)
    assert latest["version"] == new_eval
    assert latest["rule_version"] == "test-changed"
    manifest = read_manifest(platform.datasets_dir, "eval", old_eval)
    assert {key: pinned[key] for key in manifest} == manifest
    assert pinned["kind"] == "eval"
    assert pinned["export_formats"] == ["jsonl", "parquet"]
    rows = read_dataset_version(platform.datasets_dir, "eval", old_eval)
    expected = rows.get_column("reasons").explode().value_counts(name="rows")
    assert pinned["rows_by_rule"]["reasons"] == dict(expected.iter_rows())

    sft = json.loads(run(platform, "datasets", "show", "sft", "--json").output)
    assert set(sft["rows_by_rule"]) == {"reasons", "target_source"}
    assert sum(sft["rows_by_rule"]["target_source"].values()) == sft["row_count"]
    text = run(platform, "datasets", "show", f"eval@{old_eval}")
    assert text.exit_code == 0, text.output
    assert f"eval@{old_eval}  (eval)" in text.output
    assert f"rows            {manifest['row_count']}" in text.output
    assert f"staged_eval_dataset {manifest['code_version']['staged_eval_dataset']}" in text.output
    assert "upstream        " in text.output and "partitions 2026-11-01 to 2026-11-03" in text.output


# Guards `datasets diff`: exactly the rows added and removed, each with the rule that admitted it.
def test_diff_lists_rows_added_and_removed_with_their_rules(platform: PlatformSettings) -> None:
    old_eval = only_version(platform, "eval")
    new_eval, removed, _ = write_changed_eval(platform)

    result = run(platform, "datasets", "diff", f"eval@{old_eval}", f"eval@{new_eval}", "--json")
    assert result.exit_code == 0, result.output
    diff = json.loads(result.output)
    assert diff["added"] == [{"example_id": "f" * 32, "reasons": ["low_rating"]}]
    assert diff["removed"] == removed.select("example_id", "reasons").to_dicts()
    assert diff["changed"] == 0
    assert diff["unchanged"] == read_manifest(platform.datasets_dir, "eval", old_eval)["row_count"] - 3
    assert diff["old"]["version"] == old_eval and diff["new"]["version"] == new_eval

    text = run(platform, "datasets", "diff", f"eval@{old_eval}", "eval")
    assert text.exit_code == 0, text.output
    assert "1 added, 3 removed" in text.output
    assert f"+ {'f' * 32}  reasons=low_rating" in text.output
    first = removed.row(0, named=True)
    assert f"- {first['example_id']}  reasons={','.join(first['reasons'])}" in text.output


# Guards `datasets export`: a version's files land in its folder under --out, in a format its kind supports,
# one per split with the export manifest saying which is which, and each is printed with its split and rows.
def test_export_writes_the_version_in_the_format_asked(platform: PlatformSettings, tmp_path: Path) -> None:
    dpo = only_version(platform, "dpo")
    out = tmp_path / "exports"
    result = run(platform, "datasets", "export", f"dpo@{dpo}", "--format", "trl", "--out", str(out))
    assert result.exit_code == 0, result.output
    rows = read_dataset_version(platform.datasets_dir, "dpo", dpo)
    folder = out / f"dpo-{dpo}.trl"
    manifest = json.loads((folder / "export.json").read_text(encoding="utf-8"))
    assert (manifest["name"], manifest["version"], manifest["kind"], manifest["format"]) == (
        "dpo",
        dpo,
        "dpo",
        "trl",
    )
    assert manifest["splits"] == {
        split: {"file": f"{split}.jsonl", "rows": count}
        for split, count in rows.group_by("split").len().sort("split").iter_rows()
    }
    for split, entry in manifest["splits"].items():
        records = [
            json.loads(line) for line in (folder / entry["file"]).read_text(encoding="utf-8").splitlines()
        ]
        assert len(records) == entry["rows"]
        assert set(records[0]) >= {"prompt", "chosen", "rejected"}
        assert f"  {split} split ({entry['rows']:,} rows): {folder / entry['file']}\n" in result.output
    assert result.output.startswith(
        f"Wrote dpo@{dpo} as trl to {folder} (load it with datasets.load_dataset("
    )
    assert result.output.endswith(f"  export manifest: {folder / 'export.json'}\n")

    result = run(platform, "datasets", "export", "sft", "--format", "parquet", "--out", str(out))
    assert result.exit_code == 0, result.output
    sft = only_version(platform, "sft")
    stored = read_dataset_version(platform.datasets_dir, "sft", sft).sort("example_id")  # as exports write
    for split in ("train", "validation"):
        exported = pl.read_parquet(out / f"sft-{sft}.parquet" / f"{split}.parquet")
        assert exported.equals(stored.filter(pl.col("split") == split))

    result = run(platform, "datasets", "export", "eval", "--format", "jsonl", "--out", str(tmp_path / "eval"))
    assert result.exit_code == 0, result.output
    eval_version = only_version(platform, "eval")
    (folder,) = (tmp_path / "eval").iterdir()
    assert folder.name == f"eval-{eval_version}.jsonl"
    rows = read_manifest(platform.datasets_dir, "eval", eval_version)["row_count"]
    assert result.output.splitlines() == [
        f"Wrote eval@{eval_version} as jsonl to {folder} "
        f"(load it with datasets.load_dataset({str(folder)!r}))",
        f"  test split ({rows:,} rows): {folder / 'test.jsonl'}",
        f"  export manifest: {folder / 'export.json'}",
    ]


# Guards clear errors: a format the kind cannot take (a usage error naming every valid kind and format), an
# unknown dataset or version, a malformed reference.
@pytest.mark.parametrize(
    ("args", "exit_code", "message"),
    [
        (["export", "eval", "--format", "trl"], 2, "--format': eval@"),
        # KTO rows come from the kto dataset only: a dpo version is not turned into unpaired rows.
        (
            ["export", "dpo", "--format", "kto"],
            2,
            "cannot export 'dpo' rows as 'kto'; valid kinds and formats are dpo: trl, openai, parquet; "
            "eval: jsonl, parquet; kto: kto, parquet; sft: trl, trl-prompt-completion, openai, parquet",
        ),
        (["export", "eval@0000000000000000", "--format", "jsonl"], 1, "has no version '0000000000000000'"),
        (["show", "nosuch"], 1, "no dataset 'nosuch'"),
        (["show", "sft@deadbeef"], 1, "dataset 'sft' has no version 'deadbeef'; its versions: "),
        (["diff", "eval", "eval@"], 2, "not a dataset reference: 'eval@'"),
        (["show", "sft@a@b"], 2, "expected NAME or NAME@VERSION"),
    ],
)
def test_bad_references_fail_clearly(
    platform: PlatformSettings, tmp_path: Path, args: list[str], exit_code: int, message: str
) -> None:
    out = ["--out", str(tmp_path / "out")] if args[0] == "export" else []
    result = run(platform, "datasets", *args, *out)
    assert result.exit_code == exit_code, result.output
    assert message in " ".join(result.output.split())
    assert not (tmp_path / "out").exists()
