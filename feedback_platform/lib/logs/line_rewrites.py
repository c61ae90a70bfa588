"""Rewriting chosen lines of landing files in place, keeping every other line and its number.

The landing folder is the product's drop zone and the platform's source of truth: a full rebuild reads it
again. An erasure (a line becomes a tombstone) and raw-text retention (a line's text becomes its redaction)
must therefore change the files themselves; replacing lines rather than deleting them keeps every other
line's number, so the lineage of other rows (file and line) still resolves. A file is rewritten whole into a
hidden sibling (a name the landing discovery never lists) and renamed over the original: a reader sees the
old file or the new one, never half of one. A gzip file is compressed again without a timestamp, so the
same rewrite gives the same bytes, and a file the rewrite leaves as it was is not written at all.
"""

import gzip
import os
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import TypeVar

from feedback_platform.lib.logs.landing import file_bytes

Change = TypeVar("Change")


def replace_lines(
    landing_root: Path,
    changes: Mapping[str, Mapping[int, Change]],
    new_line: Callable[[bytes, Change], str],
) -> dict[str, int]:
    """Replace lines of landing files: `changes` maps a file (relative to `landing_root`) to 1-based line
    numbers, each with what changes it; `new_line(old line, change)` gives its new text (one line, no
    newline). Returns the lines replaced per file; a file no longer in the landing folder is skipped (0), an
    empty line is left empty. Each file is read and written once, whatever the number of its lines."""
    replaced: dict[str, int] = {}
    for relative, lines in sorted(changes.items()):
        path = Path(landing_root) / relative
        if not path.is_file():
            replaced[relative] = 0
            continue
        data, _ = file_bytes(path)
        parts = data.split(b"\n")
        numbers = [number for number in lines if 1 <= number <= len(parts) and parts[number - 1]]
        for number in numbers:
            line = new_line(parts[number - 1], lines[number])
            if "\n" in line:
                raise ValueError(f"{relative}:{number}: a replacement line holds a newline")
            parts[number - 1] = line.encode()
        replaced[relative] = len(numbers)
        rewritten = b"\n".join(parts)
        if rewritten != data:
            _replace_file(path, rewritten)
    return replaced


def _replace_file(path: Path, data: bytes) -> None:
    temp = path.with_name(f".tmp-{path.name}.partial")
    content = gzip.compress(data, compresslevel=6, mtime=0) if path.name.endswith(".gz") else data
    with temp.open("wb") as file:
        file.write(content)
        file.flush()
        os.fsync(file.fileno())
    temp.replace(path)
