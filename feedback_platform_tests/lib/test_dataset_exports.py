"""Dataset exports loaded the way ML teams load them, with Hugging Face `datasets`, from real stored versions.

The rows are the eval, SFT, DPO and KTO versions the sample platform stored, read back from the dataset store
as `datasets export` reads them; one test goes through `datasets export` itself.
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
from feedback_platform.lib.datasets.exports import (
    UnsupportedExportError,
    export_dataset,
    export_formats,
)
from feedback_platform.lib.datasets.index import list_dataset_versions
from feedback_platform.lib.datasets.store import read_dataset_version
from feedback_platform_tests.conftest import SamplePlatform
from feedback_platform_tests.platform_copy import cli_env

Loader = Callable[[Path], Any]


@pytest.fixture(scope="module")
def stored(sample_platform: SamplePlatform) -> dict[str, pl.DataFrame]:
    """The latest stored version of each dataset, by name (eval, sft, dpo, kto)."""
    root = sample_platform.settings.datasets_dir
    latest = list_dataset_versions(root).group_by("name", maintain_order=True).agg(pl.col("version").last())
    rows = {name: read_dataset_version(root, name, version) for name, version in latest.iter_rows()}
    # The assertions below mean something only if the sample holds every source of rows.
    assert set(rows["sft"]["target_source"]) == {"output", "user_edit"}
    assert set(rows["dpo"]["pair_source"]) == {"thumbs", "user_edit", "regenerate_then_copy"}
    assert rows["eval"]["reference"].null_count() < rows["eval"].height
    assert set(rows["kto"]["label"]) == {True, False}
    return rows


@pytest.fixture
def load(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Loader:
    """Loads an export file with `datasets`, offline, with its cache in tmp_path."""
    monkeypatch.setenv("HF_DATASETS_OFFLINE", "1")
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    import datasets  # after the variables: `datasets` reads them on import

    monkeypatch.setattr(datasets.config, "HF_HUB_OFFLINE", True)

    def _load(path: Path) -> Any:
        builder = "parquet" if path.suffix == ".parquet" else "json"
        return datasets.load_dataset(
            builder, data_files=str(path), split="train", cache_dir=str(tmp_path / "hf-cache")
        )

    return _load


def assistant(text: str) -> list[dict[str, str]]:
    return [{"role": "assistant", "content": text}]


def export_one(rows: pl.DataFrame, kind: str, fmt: str, out_dir: Path) -> Path:
    (path,) = export_dataset(rows, kind, fmt, out_dir)
    return path


def test_sft_trl_messages_are_the_prompt_then_the_completion(stored, load, tmp_path) -> None:
    rows = stored["sft"]
    loaded = load(export_one(rows, "sft", "trl", tmp_path))
    assert loaded.column_names == ["messages"]
    assert loaded.num_rows == rows.height
    for record, row in zip(loaded, rows.iter_rows(named=True), strict=True):
        assert record["messages"] == [*row["messages"], *assistant(row["completion"])]


def test_sft_prompt_completion_splits_off_the_assistant_turn(stored, load, tmp_path) -> None:
    rows = stored["sft"]
    loaded = load(export_one(rows, "sft", "trl-prompt-completion", tmp_path))
    assert sorted(loaded.column_names) == ["completion", "prompt"]
    for record, row in zip(loaded, rows.iter_rows(named=True), strict=True):
        assert record["prompt"] == row["messages"]
        assert record["completion"] == assistant(row["completion"])


def test_openai_chat_lines_are_trl_messages_with_openai_roles_only(stored, load, tmp_path) -> None:
    # One shape serves both consumers; OpenAI refuses other roles, so the export checks them up front.
    openai = export_one(stored["sft"], "sft", "openai", tmp_path / "openai")
    trl = export_one(stored["sft"], "sft", "trl", tmp_path / "trl")
    assert openai.read_bytes() == trl.read_bytes()
    roles = {message["role"] for record in load(openai) for message in record["messages"]}
    assert roles == {"system", "user", "assistant"}


def test_dpo_trl_prompt_chosen_and_rejected(stored, load, tmp_path) -> None:
    rows = stored["dpo"]
    loaded = load(export_one(rows, "dpo", "trl", tmp_path))
    assert sorted(loaded.column_names) == ["chosen", "prompt", "rejected"]
    assert loaded.num_rows == rows.height
    for record, row in zip(loaded, rows.iter_rows(named=True), strict=True):
        assert record["prompt"] == row["messages"]
        assert record["prompt"][-1]["role"] == "user"
        assert record["chosen"] == assistant(row["chosen"])
        assert record["rejected"] == assistant(row["rejected"])


def test_openai_preference_lines_hold_input_preferred_and_non_preferred(stored, load, tmp_path) -> None:
    rows = stored["dpo"]
    path = export_one(rows, "dpo", "openai", tmp_path)
    first = json.loads(path.read_text(encoding="utf-8").splitlines()[0])
    assert set(first) == {"input", "preferred_output", "non_preferred_output"}
    assert set(first["input"]) == {"messages"}
    loaded = load(path)
    assert loaded.num_rows == rows.height
    for record, row in zip(loaded, rows.iter_rows(named=True), strict=True):
        assert record["input"]["messages"] == row["messages"]
        assert record["preferred_output"] == assistant(row["chosen"])
        assert record["non_preferred_output"] == assistant(row["rejected"])


# Guards the kto format on the curated kto version: TRL's unpaired shape, one line per stored row.
def test_kto_lines_are_the_prompt_an_assistant_completion_and_its_label(stored, load, tmp_path) -> None:
    rows = stored["kto"]
    loaded = load(export_one(rows, "kto", "kto", tmp_path))
    assert sorted(loaded.column_names) == ["completion", "label", "prompt"]
    assert loaded.num_rows == rows.height
    for record, row in zip(loaded, rows.iter_rows(named=True), strict=True):
        assert record["prompt"] == row["messages"]
        assert record["completion"] == assistant(row["completion"])
        assert record["label"] is row["label"]


# Guards the CLI path end to end: `datasets export kto@VERSION --format kto` writes the kto version's lines,
# and `datasets` loads them as TRL's KTO trainer would.
def test_cli_exports_a_kto_version_that_datasets_loads(sample_platform, stored, load, tmp_path) -> None:
    (version,) = list_dataset_versions(sample_platform.settings.datasets_dir, "kto").get_column("version")
    out = tmp_path / "exports"
    result = CliRunner().invoke(
        main,
        ["datasets", "export", f"kto@{version}", "--format", "kto", "--out", str(out)],
        env=cli_env(sample_platform.settings),
    )
    assert result.exit_code == 0, result.output
    path = out / f"kto-{version}.kto.jsonl"
    assert path.read_bytes() == export_one(stored["kto"], "kto", "kto", tmp_path / "direct").read_bytes()
    loaded = load(path)
    assert sorted(loaded.column_names) == ["completion", "label", "prompt"]
    assert [record["label"] for record in loaded] == stored["kto"]["label"].to_list()


def test_eval_records_carry_input_reference_output_signals_and_metadata(stored, load, tmp_path) -> None:
    rows = stored["eval"]
    loaded = load(export_one(rows, "eval", "jsonl", tmp_path))
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
    assert {reason for record in loaded for reason in record["signals"]["reasons"]} <= {
        "thumb_down",
        "low_rating",
        "regenerated",
        "abandoned",
    }


@pytest.mark.parametrize("kind", ["eval", "sft", "dpo", "kto"])
def test_parquet_export_is_the_stored_rows(stored, load, tmp_path, kind) -> None:
    rows = stored[kind]
    path = export_one(rows, kind, "parquet", tmp_path)
    assert pl.read_parquet(path).equals(rows)
    loaded = load(path)
    assert loaded.column_names == rows.columns
    assert loaded.num_rows == rows.height


def test_same_rows_in_any_order_give_identical_bytes(stored, tmp_path) -> None:
    for kind, formats in export_formats().items():
        rows = stored[kind]
        shuffled = rows.sample(fraction=1.0, shuffle=True, seed=3)
        for fmt in formats:
            first = export_one(rows, kind, fmt, tmp_path / "first")
            second = export_one(shuffled, kind, fmt, tmp_path / "second")
            assert first.name == second.name
            assert first.read_bytes() == second.read_bytes(), f"{kind} as {fmt} differs between exports"
    # Only the finished files remain: no temporary names are left behind.
    assert not [path for path in (tmp_path / "first").iterdir() if path.name.startswith(".")]


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


def test_rows_without_the_needed_columns_or_a_unique_key_are_refused(stored, tmp_path) -> None:
    with pytest.raises(ValueError, match=r"lack the columns \['completion'\]"):
        export_dataset(stored["sft"].drop("completion"), "sft", "trl", tmp_path)
    with pytest.raises(ValueError, match="unique, non-null values in 'pair_id'"):
        export_dataset(pl.concat([stored["dpo"], stored["dpo"].head(1)]), "dpo", "trl", tmp_path)


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
    assert not list(tmp_path.glob("*.jsonl"))


def test_export_replaces_an_earlier_file_of_the_same_name(stored, tmp_path) -> None:
    stale = tmp_path / "sft-v1.trl.jsonl"
    stale.write_text("half a file", encoding="utf-8")
    (path,) = export_dataset(stored["sft"], "sft", "trl", tmp_path, stem="sft-v1")
    assert path == stale
    assert len(path.read_text(encoding="utf-8").splitlines()) == stored["sft"].height
