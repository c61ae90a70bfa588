"""Files that appear under their final name only once complete.

A file is written to a hidden temporary sibling (same folder, so the same file system), synced to disk, and
only then given its final name: a reader never sees half a file, and a failed write leaves nothing behind.
Without overwriting, the final name is taken with a hard link, which fails when the name exists, so two
writers racing for one name cannot replace each other's file as a rename would.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable
from pathlib import Path


def write_file_atomically(path: Path, write: Callable[[Path], None], *, overwrite: bool) -> None:
    """Create ``path`` by calling ``write`` on a temporary sibling, then giving it the name ``path``.

    With ``overwrite`` an existing file is replaced; without, FileExistsError is raised when ``path`` exists,
    which is left untouched. The temporary file is removed whether the write succeeds or fails.
    """
    temp = path.with_name(f".tmp-{path.name}-{uuid.uuid4().hex}")
    try:
        write(temp)
        descriptor = os.open(temp, os.O_RDONLY)
        try:
            os.fsync(descriptor)
        finally:
            os.close(descriptor)
        if overwrite:
            temp.replace(path)
        else:
            os.link(temp, path)
    finally:
        temp.unlink(missing_ok=True)
