"""Finding and reading the landing area: `<landing root>/<stream>/<YYYY-MM-DD>/*.jsonl[.gz]`.

Reading never fails on a file's content. A line that is not UTF-8 comes back with a `read_error`
naming the bad byte; a gzip file that is corrupt or cut short keeps every complete line before the
damage and ends with one line carrying the gzip error (and whatever partial text was recovered), so
the damage is visible in quarantine with a line number rather than crashing the day. A file that
cannot be opened at all (permissions, vanished) still raises the operating system's error, which
names the file.
"""

import gzip
import io
import os
import re
import zlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import polars as pl

from feedback_platform.lib.hashing import sha256_hex
from feedback_platform.lib.logs.contract import STREAMS

LINE_SCHEMA = pl.Schema(
    {
        "source_file": pl.String(),
        "source_line": pl.Int64(),
        "raw_line": pl.String(),
        "read_error": pl.String(),
    }
)
SETTLE_SECONDS = 60
"""How long a day's files must be left unchanged before the arrival sensor runs the day: a producer still
writing a file would otherwise launch a run on half of it (and another on the rest)."""

_SUFFIXES = (".jsonl", ".jsonl.gz")
_UTF8_BOM = b"\xef\xbb\xbf"
_GZIP_CHUNK = 1 << 20
_GZIP_SIZE_FIELD = 4


def landing_files(landing_root: Path, stream: str, landing_date: date) -> list[Path]:
    """The day's log files of one stream, sorted by name; empty when the day folder is absent.

    Only regular files, never a symbolic link, in a stream and day folder that are no links either: what a
    line names or a producer links cannot make the platform read (and keep in quarantine) a file outside
    the landing folder."""
    day = landing_root / stream / landing_date.isoformat()
    if not _real_dir(landing_root / stream) or not _real_dir(day):
        return []
    return sorted((path for path in day.iterdir() if _why_unread(path) is None), key=lambda path: path.name)


def _real_dir(path: Path) -> bool:
    return path.is_dir() and not path.is_symlink()


def landing_day_bytes(landing_root: Path, landing_date: date) -> int:
    """The size of a day's logs over every stream once decompressed: what loading the day reads, roughly.

    A gzip file's size comes from its trailer (ISIZE), so nothing is decompressed; the trailer holds the
    size modulo 4 GiB and that of the last member only, which is close enough to group days into runs."""
    return sum(
        _decompressed_size(path)
        for stream in STREAMS
        for path in landing_files(landing_root, stream, landing_date)
    )


def _decompressed_size(path: Path) -> int:
    size = path.stat().st_size
    if not path.name.endswith(".gz") or size < _GZIP_SIZE_FIELD:
        return size
    with path.open("rb") as file:
        file.seek(-_GZIP_SIZE_FIELD, os.SEEK_END)
        return int.from_bytes(file.read(_GZIP_SIZE_FIELD), "little")


def landing_dates(landing_root: Path) -> list[date]:
    """Every day folder present under any stream, sorted; folders not named YYYY-MM-DD, and symbolic links,
    are ignored (and reported by `unread_entries`)."""
    found: set[date] = set()
    for stream in STREAMS:
        stream_dir = landing_root / stream
        if not _real_dir(stream_dir):
            continue
        found.update(
            date.fromisoformat(child.name)
            for child in stream_dir.iterdir()
            if _real_dir(child) and _is_day_name(child.name)
        )
    return sorted(found)


def unread_entries(landing_root: Path) -> list[tuple[str, str]]:
    """What lies under the landing root that the platform does not read, each with why: (path relative to
    the root, reason), sorted by path. Nothing there is lost silently: a producer that writes a day folder
    as "2026-1-5" or a file as ".json" learns it from the report instead of from missing data."""
    if not _real_dir(landing_root):
        return []
    skipped = [
        (entry, reason)
        for entry in landing_root.iterdir()
        if entry.name not in STREAMS and (reason := _why_unread_at_root(entry)) is not None
    ]
    for stream in STREAMS:
        stream_dir = landing_root / stream
        if stream_dir.is_symlink():
            skipped.append((stream_dir, _LINK))
        elif stream_dir.is_dir():
            for day in stream_dir.iterdir():
                skipped += _unread_in_stream(day)
    return sorted((str(path.relative_to(landing_root)), reason) for path, reason in skipped)


_LINK = "a symbolic link, never followed"


def _why_unread_at_root(entry: Path) -> str | None:
    """A folder beside the stream folders is a misnamed stream; a log file there is misplaced. Other files
    at the root (the sample generator's `generation_summary.json`) are no input, and not reported."""
    if entry.is_dir() or entry.is_symlink():
        return "not a stream folder (responses, feedback or consent)"
    if entry.name.endswith(_SUFFIXES):
        return "a log file outside the <stream>/<YYYY-MM-DD>/ folders"
    return None


def _unread_in_stream(entry: Path) -> list[tuple[Path, str]]:
    if entry.is_symlink():
        return [(entry, _LINK)]
    if not entry.is_dir():
        return [(entry, "not a day folder")]
    if not _is_day_name(entry.name):
        return [(entry, "folder name is not a date (YYYY-MM-DD)")]
    return [(file, reason) for file in entry.iterdir() if (reason := _why_unread(file)) is not None]


def _why_unread(path: Path) -> str | None:
    """Why a day folder's entry is not read, or None for a log file: the one rule `landing_files` reads by."""
    if path.is_symlink():
        return _LINK
    if not path.is_file():
        return "not a regular file"
    if not path.name.endswith(_SUFFIXES):
        return "not a log file (*.jsonl or *.jsonl.gz)"
    return None


def _is_day_name(name: str) -> bool:
    """YYYY-MM-DD and a real day; not the other forms `date.fromisoformat` takes ("2026-W45-1", "20261102"),
    whose files `landing_files` would never look for."""
    if not _DAY_NAME.fullmatch(name):
        return False
    try:
        date.fromisoformat(name)
    except ValueError:
        return False
    return True


_DAY_NAME = re.compile(r"\d{4}-\d{2}-\d{2}")


def _gunzip(stored: bytes) -> tuple[bytes, str | None]:
    """The decompressed bytes and, when the stream is damaged, the error that stopped reading.

    `read1` returns after one decompression step, so everything decoded before the damage is kept;
    `read(n)` would drop its partial result when the stream breaks inside it.
    """
    chunks: list[bytes] = []
    try:
        with gzip.GzipFile(fileobj=io.BytesIO(stored), mode="rb") as stream:
            while chunk := stream.read1(_GZIP_CHUNK):
                chunks.append(chunk)
    except (OSError, EOFError, zlib.error) as error:
        return b"".join(chunks), f"unreadable gzip data: {error}"
    return b"".join(chunks), None


def _text_bytes(path: Path, stored: bytes) -> tuple[bytes, str | None]:
    return _gunzip(stored) if path.name.endswith(".gz") else (stored, None)


def file_bytes(path: Path) -> tuple[bytes, str | None]:
    """A log file's bytes, decompressed, and the error that stopped reading a damaged gzip file."""
    return _text_bytes(path, path.read_bytes())


@dataclass(frozen=True)
class FileRead:
    """A landing file as it was read: its path under the landing root, and its size and SHA-256 as stored
    (compressed, for a gzip file), taken from the very bytes the lines came from."""

    file: str
    bytes: int
    sha256: str


def count_landing_lines(landing_root: Path, stream: str, landing_date: date) -> int:
    """How many lines the day's files of `stream` hold, counted on the raw bytes.

    An independent recount for the "nothing went missing" check: newlines, plus a last line without
    one, plus the one quarantine line standing for a damaged gzip tail. It must equal `lines_read`.
    """
    total = 0
    for path in landing_files(landing_root, stream, landing_date):
        data, gzip_error = file_bytes(path)
        unterminated = bool(data) and not data.endswith(b"\n")
        total += data.count(b"\n") + (1 if gzip_error or unterminated else 0)
    return total


def _decoded_lines(lines: list[bytes]) -> pl.DataFrame:
    """Decode line by line: only for a file that is not valid UTF-8 as a whole (the rare, bad case)."""
    texts: list[str] = []
    errors: list[str | None] = []
    for line in lines:
        try:
            texts.append(line.decode("utf-8"))
            errors.append(None)
        except UnicodeDecodeError as error:
            texts.append(line.decode("utf-8", errors="replace"))
            errors.append(f"line is not valid UTF-8 ({error.reason} at byte {error.start})")
    return pl.DataFrame(
        {"raw_line": texts, "read_error": errors}, schema={"raw_line": pl.String, "read_error": pl.String}
    )


def read_file_lines(landing_root: Path, path: Path) -> tuple[pl.DataFrame, FileRead]:
    """One row per line of `path` (LINE_SCHEMA), numbered from 1, and the file as read; a trailing CR is
    dropped, and so is a UTF-8 byte-order mark opening the file (editors on Windows write one; JSON has no
    place for it)."""
    stored = path.read_bytes()
    read = FileRead(path.relative_to(landing_root).as_posix(), len(stored), sha256_hex(stored))
    data, gzip_error = _text_bytes(path, stored)
    data = data.removeprefix(_UTF8_BOM)
    cut = data.rfind(b"\n") + 1
    complete, tail = data[:cut], data[cut:]  # tail: a last line without newline, or a gzip fragment
    try:
        # The common case stays cheap: one decode and one split for the whole file.
        texts = complete.decode("utf-8").split("\n")[:-1]
        lines = pl.DataFrame({"raw_line": texts}, schema={"raw_line": pl.String}).with_columns(
            read_error=pl.lit(None, pl.String)
        )
    except UnicodeDecodeError:
        lines = _decoded_lines(complete.split(b"\n")[:-1])
    if tail or gzip_error:
        last = _decoded_lines([tail])
        if gzip_error:
            last = last.with_columns(read_error=pl.lit(f"{gzip_error} (after line {lines.height})"))
        lines = pl.concat([lines, last])
    return lines.select(
        source_file=pl.lit(read.file),
        source_line=pl.int_range(1, pl.len() + 1, dtype=pl.Int64),
        raw_line=pl.col("raw_line").str.strip_suffix("\r"),
        read_error=pl.col("read_error"),
    ), read


def read_landing_lines(landing_root: Path, paths: Sequence[Path]) -> tuple[pl.DataFrame, list[FileRead]]:
    """All lines of `paths` (LINE_SCHEMA), in file then line order, and each file as read."""
    frames, files = [], []
    for path in paths:
        lines, read = read_file_lines(landing_root, path)
        frames.append(lines)
        files.append(read)
    return (pl.concat(frames) if frames else pl.DataFrame(schema=LINE_SCHEMA)), files
