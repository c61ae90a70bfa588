"""The landing step: each landing line in an erasure's scope is replaced, in its file, by a tombstone.

The landing folder is the platform's source of truth, so the user's lines cannot stay there; each becomes a
tombstone (`lib/logs/tombstones.py`) in place (`lib/logs/line_rewrites.py`), which keeps every other line's
number.
"""

from collections.abc import Mapping
from pathlib import Path

from feedback_platform.lib.logs.line_rewrites import replace_lines
from feedback_platform.lib.logs.tombstones import tombstone_line


def tombstone_lines(landing_root: Path, tombstones: Mapping[str, Mapping[int, str]]) -> dict[str, int]:
    """Replace lines of landing files by tombstones: `tombstones` maps a file (relative to `landing_root`)
    to its 1-based line numbers, each with the erasure that removes it. Returns the lines replaced per file;
    a line already replaced counts again; a file no longer in the landing folder is skipped (0)."""
    return replace_lines(landing_root, tombstones, lambda _old, erasure: tombstone_line(erasure))
