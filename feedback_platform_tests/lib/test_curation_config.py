"""The curation rules file: the shipped one loads, and a bad one is refused with the bad key named."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from feedback_platform.lib.curation import DEFAULT_RULES_PATH, CurationRulesError, load_rules


def _default_data() -> dict[str, Any]:
    return yaml.safe_load(DEFAULT_RULES_PATH.read_text(encoding="utf-8"))


def _set(data: dict[str, Any], dotted: str, value: Any) -> dict[str, Any]:
    *parents, last = dotted.split(".")
    target = data
    for key in parents:
        target = target[key]
    target[last] = value
    return data


def _write(tmp_path: Path, data: dict[str, Any]) -> Path:
    path = tmp_path / "rules.yaml"
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    return path


# Guards the shipped file: it validates, and says what version 1.3.0 decides.
def test_the_shipped_rules_load_with_version_and_hash():
    rules = load_rules()
    assert rules.version == "1.3.0"
    assert len(rules.sha256) == 64 and int(rules.sha256, 16) >= 0
    assert (rules.thresholds.low_rating_max, rules.thresholds.high_rating_min) == (2, 4)
    assert rules.eval.admitted_by == ("thumb_down", "low_rating", "regenerated", "abandoned", "task_failed")
    assert rules.sft.output_admitted_by == ("high_rating", "thumb_up_copied", "task_succeeded")
    assert rules.sft.output_vetoed_by == ("thumb_down", "low_rating", "regenerated", "task_failed")
    assert rules.split.validation_percent == 10
    assert not rules.dedup_prompts.enabled and not rules.per_tenant_datasets


# Guards the hash's meaning: comments and layout do not change it, any value does.
def test_hash_covers_values_not_layout(tmp_path):
    same_values = _write(tmp_path, _default_data())  # no comments, other key order and quoting
    assert same_values.read_text() != DEFAULT_RULES_PATH.read_text()
    assert load_rules(same_values).sha256 == load_rules().sha256
    changed = _write(tmp_path, _set(_default_data(), "kto.user_edits.weight", 0.9))
    assert load_rules(changed).sha256 != load_rules().sha256


@pytest.mark.parametrize(
    ("key", "value", "message"),
    [
        ("shuffle", True, "shuffle: Extra inputs are not permitted"),
        ("eval.admited_by", ["thumb_down"], "eval.admited_by: Extra inputs are not permitted"),
        ("thresholds.low_rating_max", "two", "thresholds.low_rating_max: Input should be a valid integer"),
        (
            "thresholds.high_rating_min",
            7,
            "thresholds.high_rating_min: Input should be less than or equal to 5",
        ),
        (
            "split.validation_percent",
            101,
            "split.validation_percent: Input should be less than or equal to 100",
        ),
        ("dpo.thumbs.weight", 0, "dpo.thumbs.weight: Input should be greater than 0"),
        ("eval.admitted_by", ["thumbs_down"], "eval.admitted_by.0: Input should be 'thumb_up'"),
        ("thresholds.low_rating_max", 4, "low_rating_max (4) must be below high_rating_min (4)"),
        ("version", "next", "version: String should match pattern"),
    ],
)
def test_a_bad_rules_file_is_refused_naming_the_key(tmp_path, key, value, message):
    # Guards strict validation: a typo or a wrong value never silently falls back to a default.
    path = _write(tmp_path, _set(_default_data(), key, value))
    with pytest.raises(CurationRulesError) as refused:
        load_rules(path)
    assert str(path) in str(refused.value)
    assert message in str(refused.value)


def test_a_missing_section_and_non_yaml_are_refused(tmp_path):
    # Guards the two other ways a file can be unusable: a section left out, and text that is not YAML.
    data = _default_data()
    del data["split"]
    with pytest.raises(CurationRulesError, match=r"split: Field required"):
        load_rules(_write(tmp_path, data))
    broken = tmp_path / "broken.yaml"
    broken.write_text("version: [1.1.0\n", encoding="utf-8")
    with pytest.raises(CurationRulesError, match="not valid YAML"):
        load_rules(broken)
