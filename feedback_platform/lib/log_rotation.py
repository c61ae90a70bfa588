"""Logs that a tool appends to run after run, kept from growing without end.

dbt appends its debug log (`dbt.log`, 2-3 MB a night on the sample) and the join layer its console echo to
one target folder per warehouse, for ever. Before a run, a log over the limit becomes `<name>.1` (replacing
the one before), so a log and its previous generation are on disk: at most twice the limit each.
"""

from pathlib import Path

DEFAULT_MAX_LOG_BYTES = 32 * 2**20


def rotate_if_larger(path: Path, max_bytes: int = DEFAULT_MAX_LOG_BYTES) -> bool:
    """Move `path` to `<path>.1` when it holds more than `max_bytes`; whether it did."""
    path = Path(path)
    if not path.is_file() or path.stat().st_size <= max_bytes:
        return False
    path.replace(path.with_name(f"{path.name}.1"))
    return True
