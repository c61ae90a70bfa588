"""Where an erasure removes a user's data, apart from the code that does it so that the settings name the
places without importing DuckDB or the dataset code."""

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class ErasurePlaces:
    """Where the platform writes what an erasure removes, and where the erasure log lives."""

    duckdb_path: Path
    duckdb_memory_limit: str
    landing_dir: Path
    datasets_dir: Path
    redaction_cache: Path | None
    """None when redactions are not cached."""
    erasure_log: Path
