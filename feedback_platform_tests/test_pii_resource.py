"""The `pii_redaction` resource: its engine's worker processes end with the run that started them."""

from pathlib import Path

import dagster as dg

from feedback_platform.resources import PiiRedaction

TEXTS = [f"Order {number} arrived late, wrote Anna Berg." for number in range(1_200)]
"""Enough distinct texts for the engine to start its worker processes."""


# Guards memory across runs: a process that redacted in one run (the landing day) and goes on to the next
# (the datasets) does not keep two spaCy workers; the engine itself stays loaded and starts them again.
def test_the_redaction_workers_stop_when_the_run_ends(tmp_path: Path) -> None:
    pii = PiiRedaction(workers=2, cache_path=str(tmp_path / "cache.sqlite"))

    @dg.asset
    def redacted_notes(pii_redaction: PiiRedaction) -> dg.MaterializeResult:
        redacted = pii_redaction.redactor().redact(TEXTS)
        assert pii_redaction.redactor().workers_running
        return dg.MaterializeResult(metadata={"first": redacted[0]})

    result = dg.materialize([redacted_notes], resources={"pii_redaction": pii})
    assert result.success
    materialization = result.asset_materializations_for_node("redacted_notes")[0]
    assert materialization.metadata["first"].value == "Order 0 arrived late, wrote <PERSON>."
    assert not pii.redactor().workers_running
