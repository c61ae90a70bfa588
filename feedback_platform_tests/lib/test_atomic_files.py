"""Atomic single-file writes, on real files in a temporary folder."""

from collections.abc import Callable
from pathlib import Path

import pytest

from feedback_platform.lib.atomic_files import write_file_atomically


def writing(text: str) -> Callable[[Path], None]:
    """A write callback that puts ``text`` in the file it is given."""
    return lambda temp: temp.write_text(text, encoding="utf-8")


# Guards exports: with overwrite, a second write replaces the first and leaves only the final file.
def test_overwrite_replaces_the_existing_file(tmp_path: Path) -> None:
    path = tmp_path / "sft.jsonl"
    write_file_atomically(path, writing("first\n"), overwrite=True)
    write_file_atomically(path, writing("second\n"), overwrite=True)
    assert path.read_text(encoding="utf-8") == "second\n"
    assert list(tmp_path.iterdir()) == [path]


# Guards the training-run registry: without overwrite, a taken name is refused and its file kept as it was.
def test_without_overwrite_a_taken_name_is_refused_and_kept(tmp_path: Path) -> None:
    path = tmp_path / "run-1.json"
    write_file_atomically(path, writing("original\n"), overwrite=False)
    with pytest.raises(FileExistsError):
        write_file_atomically(path, writing("intruder\n"), overwrite=False)
    assert path.read_text(encoding="utf-8") == "original\n"
    assert list(tmp_path.iterdir()) == [path]


# Guards readers against half-written files: a write that fails midway leaves neither the final file nor
# the temporary one, and the error reaches the caller.
@pytest.mark.parametrize("overwrite", [True, False])
def test_a_failed_write_leaves_no_file(tmp_path: Path, overwrite: bool) -> None:
    def write_then_fail(temp: Path) -> None:
        temp.write_text("half a file", encoding="utf-8")
        raise RuntimeError("disk full")

    with pytest.raises(RuntimeError, match="disk full"):
        write_file_atomically(tmp_path / "eval.parquet", write_then_fail, overwrite=overwrite)
    assert list(tmp_path.iterdir()) == []
