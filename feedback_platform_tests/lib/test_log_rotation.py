"""Appended logs stay bounded: over the limit, a log moves to its one previous generation."""

from pathlib import Path

from feedback_platform.lib.log_rotation import rotate_if_larger


# Guards build artefacts against growing for ever (issue 16): dbt.log grew 2-3 MB every night.
def test_a_log_over_its_limit_becomes_the_previous_generation(tmp_path: Path) -> None:
    log = tmp_path / "dbt.log"
    assert not rotate_if_larger(log, max_bytes=10)
    log.write_text("a" * 10)
    assert not rotate_if_larger(log, max_bytes=10) and log.read_text() == "a" * 10
    log.write_text("b" * 11)
    assert rotate_if_larger(log, max_bytes=10)
    assert not log.exists() and (tmp_path / "dbt.log.1").read_text() == "b" * 11
    log.write_text("c" * 12)
    assert rotate_if_larger(log, max_bytes=10)
    assert sorted(path.name for path in tmp_path.iterdir()) == ["dbt.log.1"]
    assert (tmp_path / "dbt.log.1").read_text() == "c" * 12
