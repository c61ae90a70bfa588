"""Dataset exports loaded the way ML teams load them, with Hugging Face `datasets`, from real stored versions.

The rows are the eval, SFT, DPO and KTO versions the sample platform stored, read back from the dataset store
as `datasets export` reads them; one test goes through `datasets export` itself. An export folder is loaded as
a user would load it, `load_dataset(str(folder))`, naming neither a builder nor the files, so the splits are
the ones `datasets` infers from the paths in the folder.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import polars as pl
import pytest
from click.testing import CliRunner

from feedback_platform.cli.main import main
from feedback_platform.lib.curation.config import Split, load_rules
from feedback_platform.lib.curation.selection import curate_frame
from feedback_platform.lib.datasets.exports import (
    UnsupportedExportError,
    export_dataset,
    export_formats,
    export_records,
    read_export_manifest,
)
from feedback_platform.lib.datasets.index import list_dataset_versions
from feedback_platform.lib.datasets.kinds import DATASET_KINDS
from feedback_platform.lib.datasets.store import read_dataset_version, write_dataset_version
from feedback_platform_tests.conftest import SamplePlatform
from feedback_platform_tests.platform_copy import cli_env

Loader = Callable[[Path], Any]


@pytest.fixture(scope="module")
def stored(
    sample_platform: SamplePlatform, tmp_path_factory: pytest.TempPathFactory
) -> dict[str, pl.DataFrame]:
    """The latest stored version of each dataset, by name (eval, sft, dpo, kto), each split kind with rows in
    both splits."""
    root = sample_platform.settings.datasets_dir
    latest = list_dataset_versions(root).group_by("name", maintain_order=True).agg(pl.col("version").last())
    rows = {name: read_in_key_order(root, name, version) for name, version in latest.iter_rows()}
    # The sample's 20 DPO pairs all fall on the train side of the shipped 10 %, so the dpo rows are curated
    # again from the sample's mart with half the prompts for validation, and stored and read back as the rest.
    rows["dpo"] = stored_with_validation_percent(sample_platform, "dpo", 50, tmp_path_factory.mktemp("dpo"))
    # The assertions below mean something only if the sample holds every source of rows and both splits.
    assert set(rows["sft"]["target_source"]) == {"output", "user_edit"}
    assert set(rows["dpo"]["pair_source"]) == {"thumbs", "user_edit", "regenerate_then_copy"}
    assert rows["eval"]["reference"].null_count() < rows["eval"].height
    assert set(rows["kto"]["label"]) == {True, False}
    assert all(set(rows[kind]["split"]) == {"train", "validation"} for kind in ("sft", "dpo", "kto"))
    return rows


def stored_with_validation_percent(
    sample_platform: SamplePlatform, kind: str, percent: int, datasets_root: Path
) -> pl.DataFrame:
    """The rows of ``kind`` the shipped rules select from the sample's mart, but ``percent`` % of the prompts
    for validation, as a version in ``datasets_root`` reads them back."""
    rules = load_rules()
    rules = rules.model_copy(update={"split": Split(validation_percent=percent)})
    spec = DATASET_KINDS[kind]
    version = write_dataset_version(
        curate_frame(spec.curation, sample_platform.table("feedback_with_responses"), rules),
        name=kind,
        datasets_root=datasets_root,
        rule_version=rules.version,
        inputs={"table": spec.curated_table, "validation_percent": percent},
        key_column=spec.key_column,
        shard_column=spec.shard_column,
    )
    return read_in_key_order(datasets_root, kind, version.version)


def read_in_key_order(datasets_root: Path, kind: str, version: str) -> pl.DataFrame:
    """A stored version's rows sorted by the kind's key, as the exports write them (the store keeps them
    shard by shard)."""
    return read_dataset_version(datasets_root, kind, version).sort(DATASET_KINDS[kind].key_column)


@pytest.fixture
def load(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Loader:
    """Loads an export folder with `datasets`, offline, with its cache in tmp_path (outside the folder)."""
    monkeypatch.setenv("HF_DATASETS_OFFLINE", "1")
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    import datasets  # after the variables: `datasets` reads them on import

    monkeypatch.setattr(datasets.config, "HF_HUB_OFFLINE", True)

    def _load(folder: Path) -> Any:
        return datasets.load_dataset(str(folder), cache_dir=str(tmp_path / "hf-cache"))

    return _load


TRAINING_EXPORTS = [
    (kind, fmt) for kind, formats in export_formats().items() if kind != "eval" for fmt in formats
]
"""Every format of every kind a model trains on, whose rows carry a split."""


def assistant(text: str) -> list[dict[str, str]]:
    return [{"role": "assistant", "content": text}]


def export_folder(rows: pl.DataFrame, kind: str, fmt: str, tmp_path: Path, stem: str | None = None) -> Path:
    """The folder of the export of ``rows``, the last path's parent."""
    return export_dataset(rows, kind, fmt, tmp_path, stem=stem)[-1].parent


def by_split(rows: pl.DataFrame) -> dict[str, pl.DataFrame]:
    """The rows of each split, in the order of ``rows`` (key order, as the exports write them)."""
    return {split: rows.filter(pl.col("split") == split) for split in ("train", "validation")}


def test_sft_trl_messages_are_the_prompt_then_the_completion(stored, load, tmp_path) -> None:
    loaded = load(export_folder(stored["sft"], "sft", "trl", tmp_path))
    for split, rows in by_split(stored["sft"]).items():
        assert loaded[split].column_names == ["messages"]
        for record, row in zip(loaded[split], rows.iter_rows(named=True), strict=True):
            assert record["messages"] == [*row["messages"], *assistant(row["completion"])]


def test_sft_prompt_completion_splits_off_the_assistant_turn(stored, load, tmp_path) -> None:
    loaded = load(export_folder(stored["sft"], "sft", "trl-prompt-completion", tmp_path))
    for split, rows in by_split(stored["sft"]).items():
        assert sorted(loaded[split].column_names) == ["completion", "prompt"]
        for record, row in zip(loaded[split], rows.iter_rows(named=True), strict=True):
            assert record["prompt"] == row["messages"]
            assert record["completion"] == assistant(row["completion"])


def test_openai_chat_lines_are_trl_messages_with_openai_roles_only(stored, load, tmp_path) -> None:
    # One shape serves both consumers; OpenAI refuses other roles, so the export checks them up front.
    *openai, _ = export_dataset(stored["sft"], "sft", "openai", tmp_path / "openai")
    *trl, _ = export_dataset(stored["sft"], "sft", "trl", tmp_path / "trl")
    assert [path.read_bytes() for path in openai] == [path.read_bytes() for path in trl]
    loaded = load(openai[0].parent)
    roles = {
        message["role"] for split in loaded.values() for record in split for message in record["messages"]
    }
    assert roles == {"system", "user", "assistant"}


def test_dpo_trl_prompt_chosen_and_rejected(stored, load, tmp_path) -> None:
    loaded = load(export_folder(stored["dpo"], "dpo", "trl", tmp_path))
    for split, rows in by_split(stored["dpo"]).items():
        assert sorted(loaded[split].column_names) == ["chosen", "prompt", "rejected"]
        for record, row in zip(loaded[split], rows.iter_rows(named=True), strict=True):
            assert record["prompt"] == row["messages"]
            assert record["prompt"][-1]["role"] == "user"
            assert record["chosen"] == assistant(row["chosen"])
            assert record["rejected"] == assistant(row["rejected"])


def test_openai_preference_lines_hold_input_preferred_and_non_preferred(stored, load, tmp_path) -> None:
    train, _validation, _manifest = export_dataset(stored["dpo"], "dpo", "openai", tmp_path / "out")
    first = json.loads(train.read_text(encoding="utf-8").splitlines()[0])
    assert set(first) == {"input", "preferred_output", "non_preferred_output"}
    assert set(first["input"]) == {"messages"}
    loaded = load(train.parent)
    for split, rows in by_split(stored["dpo"]).items():
        for record, row in zip(loaded[split], rows.iter_rows(named=True), strict=True):
            assert record["input"]["messages"] == row["messages"]
            assert record["preferred_output"] == assistant(row["chosen"])
            assert record["non_preferred_output"] == assistant(row["rejected"])


# Guards the kto format on the curated kto version: TRL's unpaired shape, one line per stored row.
def test_kto_lines_are_the_prompt_an_assistant_completion_and_its_label(stored, load, tmp_path) -> None:
    loaded = load(export_folder(stored["kto"], "kto", "kto", tmp_path))
    for split, rows in by_split(stored["kto"]).items():
        assert sorted(loaded[split].column_names) == ["completion", "label", "prompt"]
        for record, row in zip(loaded[split], rows.iter_rows(named=True), strict=True):
            assert record["prompt"] == row["messages"]
            assert record["completion"] == assistant(row["completion"])
            assert record["label"] is row["label"]


# Guards the split a trainer must see: a training kind's export folder, loaded as it is, is exactly a train
# and a validation split, each with the records of the stored rows of that split; the manifest is no data.
@pytest.mark.parametrize(("kind", "fmt"), TRAINING_EXPORTS)
def test_training_export_folder_loads_as_train_and_validation(stored, load, tmp_path, kind, fmt) -> None:
    rows = stored[kind]
    loaded = load(export_folder(rows, kind, fmt, tmp_path))
    assert list(loaded) == ["train", "validation"]
    for split, split_rows in by_split(rows).items():
        assert 0 < loaded[split].num_rows == split_rows.height
        if fmt == "parquet":
            assert loaded[split].column_names == rows.columns
            key = DATASET_KINDS[kind].key_column
            assert loaded[split][key] == split_rows[key].to_list()
        else:
            assert loaded[split].to_list() == export_records(split_rows, kind, fmt).to_dicts()


KEYWORD_STEMS = [
    "{kind}-globex_dev-6a204e3824c58fce",
    "eval-{kind}-6a204e3824c58fce",
    "{kind}-initech.test2",
    "train_{kind}",
    "{kind} validation-val",
]
"""Stems holding `datasets`' split keywords (dev, eval, test, train, validation, val) between its separators,
as a per-tenant dataset's name and an eval version's name do."""


def rows_by_export_split(rows: pl.DataFrame, kind: str) -> dict[str, pl.DataFrame]:
    """The stored rows each split of an export holds: train and validation, or eval's one test split."""
    return by_split(rows) if DATASET_KINDS[kind].for_training else {"test": rows}


# Guards the split a trainer must see whatever the dataset is called: a stem holding split keywords (a
# tenant's `..._dev`, an `eval-...` version) names the folder only, so it loads as the export's own splits,
# each with the records of its rows, rather than everything in the split the stem's keyword names.
@pytest.mark.parametrize("stem", KEYWORD_STEMS)
@pytest.mark.parametrize("kind", ["sft", "dpo", "kto", "eval"])
def test_split_keywords_in_the_stem_do_not_change_the_splits(stored, load, tmp_path, kind, stem) -> None:
    fmt = export_formats()[kind][0]
    folder = export_folder(stored[kind], kind, fmt, tmp_path, stem.format(kind=kind))
    assert folder.name == f"{stem.format(kind=kind)}.{fmt}"
    loaded = load(folder)
    expected = rows_by_export_split(stored[kind], kind)
    assert list(loaded) == list(expected)
    for split, split_rows in expected.items():
        assert loaded[split].to_list() == export_records(split_rows, kind, fmt).to_dicts()


# Guards "which is which": the export manifest names the version, and each split's file and rows.
def test_export_manifest_names_each_splits_file_and_rows(stored, tmp_path) -> None:
    rows = stored["dpo"]
    paths = export_dataset(rows, "dpo", "trl", tmp_path, stem="dpo-v1", name="dpo", version="v1")
    assert [path.relative_to(tmp_path).as_posix() for path in paths] == [
        "dpo-v1.trl/train.jsonl",
        "dpo-v1.trl/validation.jsonl",
        "dpo-v1.trl/export.json",
    ]
    manifest = read_export_manifest(paths[-1])
    assert manifest == {
        "name": "dpo",
        "version": "v1",
        "kind": "dpo",
        "format": "trl",
        "splits": {
            split: {"file": f"{split}.jsonl", "rows": split_rows.height}
            for split, split_rows in by_split(rows).items()
        },
    }
    for entry in manifest["splits"].values():
        lines = (paths[-1].parent / entry["file"]).read_text(encoding="utf-8").splitlines()
        assert len(lines) == entry["rows"]
    unnamed_path = export_dataset(rows, "dpo", "parquet", tmp_path)[-1]
    assert unnamed_path == tmp_path / "dpo.parquet" / "export.json"
    unnamed = read_export_manifest(unnamed_path)
    assert (unnamed["name"], unnamed["version"]) == (None, None)
    assert unnamed["splits"]["train"]["file"] == "train.parquet"


# Guards the CLI path end to end: `datasets export kto@VERSION --format kto` writes the kto version's lines
# per split with a manifest naming the version into the version's folder, prints the folder and each file,
# and `datasets` loads the folder as TRL would.
def test_cli_exports_a_kto_version_that_datasets_loads(sample_platform, stored, load, tmp_path) -> None:
    (version,) = list_dataset_versions(sample_platform.settings.datasets_dir, "kto").get_column("version")
    out = tmp_path / "exports"
    result = CliRunner().invoke(
        main,
        ["datasets", "export", f"kto@{version}", "--format", "kto", "--out", str(out)],
        env=cli_env(sample_platform.settings),
    )
    assert result.exit_code == 0, result.output
    splits = by_split(stored["kto"])
    folder = out / f"kto-{version}.kto"
    assert result.output.splitlines() == [
        f"Wrote kto@{version} as kto to {folder} (load it with datasets.load_dataset({str(folder)!r}))",
        *(
            f"  {split} split ({rows.height:,} rows): {folder / f'{split}.jsonl'}"
            for split, rows in splits.items()
        ),
        f"  export manifest: {folder / 'export.json'}",
    ]
    manifest = read_export_manifest(folder / "export.json")
    assert (manifest["name"], manifest["version"], manifest["kind"]) == ("kto", version, "kto")
    direct = export_dataset(stored["kto"], "kto", "kto", tmp_path / "direct", stem=f"kto-{version}")
    for path in direct[:-1]:
        assert (folder / path.name).read_bytes() == path.read_bytes()
    loaded = load(folder)
    assert sorted(loaded["train"].column_names) == ["completion", "label", "prompt"]
    for split, rows in splits.items():
        assert loaded[split]["label"] == rows["label"].to_list()


def test_eval_records_carry_input_reference_output_signals_and_metadata(stored, load, tmp_path) -> None:
    rows = stored["eval"]
    # Eval rows are not split; the one file is named for the split `datasets` calls a held-out set.
    loaded = load(export_folder(rows, "eval", "jsonl", tmp_path))["test"]
    assert sorted(loaded.column_names) == sorted(
        ["example_id", "input", "retrieved_context", "reference", "output", "signals", "metadata"]
    )
    assert loaded.num_rows == rows.height
    for record, row in zip(loaded, rows.iter_rows(named=True), strict=True):
        assert record["example_id"] == row["example_id"]
        assert record["input"] == row["messages"]
        assert record["retrieved_context"] == row["retrieved_context"]
        assert record["reference"] == row["reference"]
        assert record["output"] == row["output"]
        assert record["signals"] == {
            "reasons": row["reasons"],
            "feedback_event_ids": row["feedback_event_ids"],
        }
        assert record["metadata"]["response_id"] == row["response_id"]
        assert record["metadata"]["model_version"] == row["model_version"]
    reasons = {reason for record in loaded for reason in record["signals"]["reasons"]}
    assert reasons and reasons <= set(load_rules().eval.admitted_by)


# Guards that eval, which has no split, is exported as one test file beside its manifest, and that the
# folder loads as exactly that test split (an eval stem starts with `eval`, one of `test`'s keywords).
@pytest.mark.parametrize("fmt", ["jsonl", "parquet"])
def test_eval_export_is_one_test_file_and_its_manifest(stored, load, tmp_path, fmt) -> None:
    rows = stored["eval"]
    test, manifest = export_dataset(rows, "eval", fmt, tmp_path, stem="eval-v1", name="eval", version="v1")
    folder = tmp_path / f"eval-v1.{fmt}"
    assert (test, manifest) == (folder / f"test.{fmt}", folder / "export.json")
    assert sorted(folder.iterdir()) == [manifest, test]
    assert read_export_manifest(manifest)["splits"] == {"test": {"file": test.name, "rows": rows.height}}
    loaded = load(folder)
    assert list(loaded) == ["test"]
    assert loaded["test"].num_rows == rows.height


@pytest.mark.parametrize("kind", ["eval", "sft", "dpo", "kto"])
def test_parquet_export_is_the_stored_rows(stored, tmp_path, kind) -> None:
    rows = stored[kind]
    *files, _manifest = export_dataset(rows, kind, "parquet", tmp_path)
    exported = pl.concat([pl.read_parquet(path) for path in files])
    assert exported.sort(DATASET_KINDS[kind].key_column).equals(rows)
    if kind != "eval":
        for path, split_rows in zip(files, by_split(rows).values(), strict=True):
            assert pl.read_parquet(path).equals(split_rows)


def test_same_rows_in_any_order_give_identical_bytes(stored, tmp_path) -> None:
    for kind, formats in export_formats().items():
        rows = stored[kind]
        shuffled = rows.sample(fraction=1.0, shuffle=True, seed=3)
        for fmt in formats:
            first = export_dataset(rows, kind, fmt, tmp_path / "first")
            second = export_dataset(shuffled, kind, fmt, tmp_path / "second")
            assert [path.name for path in first] == [path.name for path in second]
            assert len(first) == (2 if kind == "eval" else 3)
            for one, other in zip(first, second, strict=True):
                assert one.read_bytes() == other.read_bytes(), f"{one.name} differs between exports"
    # Only the finished files remain: no temporary names are left behind.
    assert not [path for path in (tmp_path / "first").rglob(".*")]


# Guards refusals that name every valid combination; ("dpo", "kto") because KTO rows come from the kto dataset
# only, never derived from DPO pairs.
@pytest.mark.parametrize(
    ("kind", "fmt"), [("eval", "trl"), ("sft", "kto"), ("dpo", "kto"), ("dpo", "jsonl"), ("runs", "parquet")]
)
def test_invalid_combination_names_the_valid_ones_and_writes_nothing(stored, tmp_path, kind, fmt) -> None:
    rows = stored.get(kind, stored["eval"])
    with pytest.raises(UnsupportedExportError) as raised:
        export_dataset(rows, kind, fmt, tmp_path / "out")
    message = str(raised.value)
    assert f"cannot export {kind!r} rows as {fmt!r}" in message
    assert "sft: trl, trl-prompt-completion, openai, parquet" in message
    assert "dpo: trl, openai, parquet" in message
    assert "kto: kto, parquet" in message
    assert not (tmp_path / "out").exists()


def test_rows_without_the_needed_columns_a_unique_key_or_a_known_split_are_refused(stored, tmp_path) -> None:
    with pytest.raises(ValueError, match=r"lack the columns \['completion'\]"):
        export_dataset(stored["sft"].drop("completion"), "sft", "trl", tmp_path)
    with pytest.raises(ValueError, match=r"lack the columns \['split'\]"):
        export_dataset(stored["kto"].drop("split"), "kto", "parquet", tmp_path)
    with pytest.raises(ValueError, match="unique, non-null values in 'pair_id'"):
        export_dataset(pl.concat([stored["dpo"], stored["dpo"].head(1)]), "dpo", "trl", tmp_path)
    # `datasets` would leave a file of a split it does not know out of the folder's splits.
    holdout = stored["sft"].with_columns(
        split=pl.when(pl.int_range(pl.len()) == 0).then(pl.lit("holdout")).otherwise("split")
    )
    with pytest.raises(ValueError, match=r"also have \['holdout'\]"):
        export_dataset(holdout, "sft", "trl", tmp_path)
    assert not any(tmp_path.iterdir())


def test_openai_export_refuses_roles_openai_does_not_accept(stored, tmp_path) -> None:
    rows = stored["sft"].with_columns(
        messages=pl.col("messages").list.eval(
            pl.struct(
                role=pl.element().struct.field("role").replace("system", "tool"),
                content=pl.element().struct.field("content"),
            )
        )
    )
    with pytest.raises(ValueError, match=r"also hold \['tool'\]"):
        export_dataset(rows, "sft", "openai", tmp_path)
    assert not any(tmp_path.iterdir())


# Guards a folder that holds this export only: an earlier file of the same name is replaced, and an earlier
# split this export has no rows for is gone, or `datasets` would load it as this export's split.
def test_export_replaces_an_earlier_export_in_its_folder(stored, load, tmp_path) -> None:
    folder = tmp_path / "sft-v1.trl"
    folder.mkdir()
    stale = folder / "train.jsonl"
    stale.write_text("half a file", encoding="utf-8")
    train, *_ = export_dataset(stored["sft"], "sft", "trl", tmp_path, stem="sft-v1")
    assert train == stale
    assert len(train.read_text(encoding="utf-8").splitlines()) == by_split(stored["sft"])["train"].height
    train_only = by_split(stored["sft"])["train"]
    assert [path.name for path in export_dataset(train_only, "sft", "trl", tmp_path, stem="sft-v1")] == [
        "train.jsonl",
        "export.json",
    ]
    assert sorted(path.name for path in folder.iterdir()) == ["export.json", "train.jsonl"]
    assert {split: data.num_rows for split, data in load(folder).items()} == {"train": train_only.height}
