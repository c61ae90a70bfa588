"""The landing step: each landing line in an erasure's scope is replaced, in its file, by a tombstone.

The landing folder is the product's drop zone and the platform's source of truth: a full rebuild reads it
again. So the user's lines cannot stay there; replacing each by a tombstone (`lib/logs/tombstones.py`)
rather than deleting it keeps every other line's number, and the lineage of other rows still resolves to
the right file and line. A file is rewritten whole into a hidden sibling (a name the landing discovery
never lists) and renamed over the original: a reader sees the old file or the new one, never half of one.
A gzip file is compressed again without a timestamp, so the same erasure gives the same bytes.
"""

import gzip
import os
from collections.abc import Mapping
from pathlib import Path

from feedback_platform.lib.logs.landing import file_bytes
from feedback_platform.lib.logs.tombstones import tombstone_line


def tombstone_lines(landing_root: Path, tombstones: Mapping[str, Mapping[int, str]]) -> dict[str, int]:
    """Replace lines of landing files by tombstones: `tombstones` maps a file (relative to `landing_root`)
    to its 1-based line numbers, each with the erasure that removes it. Returns the lines replaced per file;
    a line already replaced counts again and is written the same; a file no longer in the landing folder is
    skipped (0). Each file is rewritten once, whatever the number of its lines and erasures."""
    replaced: dict[str, int] = {}
    for relative, erasures in sorted(tombstones.items()):
        path = Path(landing_root) / relative
        if not path.is_file():
            replaced[relative] = 0
            continue
        data, _ = file_bytes(path)
        parts = data.split(b"\n")
        numbers = [number for number in erasures if 1 <= number <= len(parts)]
        for number in numbers:
            if parts[number - 1]:
                parts[number - 1] = tombstone_line(erasures[number]).encode()
        replaced[relative] = len(numbers)
        _replace_file(path, b"\n".join(parts))
    return replaced


def _replace_file(path: Path, data: bytes) -> None:
    temp = path.with_name(f".tmp-{path.name}.partial")
    content = gzip.compress(data, mtime=0) if path.name.endswith(".gz") else data
    with temp.open("wb") as file:
        file.write(content)
        file.flush()
        os.fsync(file.fileno())
    temp.replace(path)
