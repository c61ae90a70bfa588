"""The retraining recommendations, one JSON line each, in the order they were made.

A recommendation is keyed by what it was made from (the last training run and the latest versions of the
watched datasets): the same state never gives a second line, however often the trigger looks at it. The
file is appended to and never rewritten; a line holds counts, version ids and model names, no user data.
"""

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from feedback_platform.lib.fingerprints import combined


def recommendation_key(since_run: str | None, latest_versions: dict[str, str | None]) -> str:
    return combined(
        since_run or "", *(f"{name}@{version}" for name, version in sorted(latest_versions.items()))
    )


def recorded_keys(log_path: Path) -> set[str]:
    return {record["key"] for record in read_recommendations(log_path)}


def read_recommendations(log_path: Path) -> list[dict[str, Any]]:
    if not log_path.is_file():
        return []
    lines = log_path.read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines if line.strip()]


def record_recommendation(log_path: Path, key: str, assessment: dict[str, Any]) -> dict[str, Any] | None:
    """Append the recommendation unless its key is recorded already; the record written, or None."""
    if key in recorded_keys(log_path):
        return None
    record = {"key": key, "recommended_at": datetime.now(UTC).isoformat(timespec="seconds"), **assessment}
    log_path.parent.mkdir(parents=True, exist_ok=True)
    with log_path.open("a", encoding="utf-8") as log:
        log.write(json.dumps(record, sort_keys=True) + "\n")
    return record
