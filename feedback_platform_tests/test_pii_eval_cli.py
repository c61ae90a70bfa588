"""`feedback-platform pii-eval` on tiny span-labelled sets with the real engine: the report, the targets
and the exit status."""

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from feedback_platform.cli.main import main
from feedback_platform.lib.pii_eval import NoLabelledSetError, labelled_groups

CAUGHT = "Please send the report to lena.fischer@example.com before the meeting."
ORDINARY = "The blue kettle is on the kitchen table next to the bread."
NOT_CAUGHT = "The reminder went to my old laptop yesterday."


def write_set(path: Path, records: list[tuple[str, list[tuple[str, str]]]]) -> Path:
    """A JSONL set: each text with each (entity_type, value) labelled at its first occurrence."""
    lines = []
    for text, values in records:
        spans = [
            {"entity_type": entity, "start": text.index(value), "end": text.index(value) + len(value)}
            for entity, value in values
        ]
        lines.append(json.dumps({"text": text, "spans": spans}))
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_set_meeting_its_targets_exits_zero(tmp_path: Path) -> None:
    # Guards the report and the exit status on a set whose email the engine redacts and whose words it keeps.
    labelled = write_set(
        tmp_path / "met.jsonl", [(CAUGHT, [("EMAIL_ADDRESS", "lena.fischer@example.com")]), (ORDINARY, [])]
    )
    result = CliRunner().invoke(main, ["pii-eval", str(labelled)])
    assert result.exit_code == 0, result.output
    assert f"2 texts from {labelled}" in result.output
    email_row = next(line for line in result.output.splitlines() if line.startswith("EMAIL_ADDRESS"))
    assert email_row.split()[1:4] == ["1", "0", "0.0%"]
    assert email_row.endswith("PASS")
    assert "4/4 targets met" in result.output  # email, overall, non-PII words kept, PII-free texts unchanged
    assert result.output.rstrip().endswith("all targets met")


def test_leak_fails_its_target_and_exits_one(tmp_path: Path) -> None:
    # Guards the failing path: a labelled value the engine leaves readable fails its target and exit status 1.
    labelled = write_set(
        tmp_path / "leak.jsonl", [(NOT_CAUGHT, [("EMAIL_ADDRESS", "laptop")]), (ORDINARY, [])]
    )
    result = CliRunner().invoke(main, ["pii-eval", str(labelled), "--examples"])
    assert result.exit_code == 1, result.output
    assert "leaked EMAIL_ADDRESS: 'laptop'" in result.output
    assert "failing: overall, EMAIL_ADDRESS" in result.output


def test_secrets_and_entity_ablation_are_reported(tmp_path: Path) -> None:
    # Guards --secrets (generated keys scored as API_KEY) and --subsets (one row per toggled entity type).
    labelled = write_set(tmp_path / "met.jsonl", [(ORDINARY, [])])
    result = CliRunner().invoke(main, ["pii-eval", str(labelled), "--secrets", "6", "--subsets"])
    assert result.exit_code == 0, result.output
    api_row = next(line for line in result.output.splitlines() if line.startswith("API_KEY"))
    assert api_row.split()[1:4] == ["6", "0", "0.0%"]
    for variant in ("default", "-LOCATION", "+DATE_TIME", "+NRP", "+URL", "+ORGANIZATION"):
        assert any(line.startswith(variant + " ") for line in result.output.splitlines()), variant


def test_no_set_without_the_dev_set_is_a_clear_error(tmp_path: Path) -> None:
    # Guards running without ../shared: no set and no dev set is a clear error naming what to pass.
    with pytest.raises(NoLabelledSetError, match="pass SET files, --secrets N or --generated"):
        labelled_groups([], dev_set=tmp_path / "absent.json")
