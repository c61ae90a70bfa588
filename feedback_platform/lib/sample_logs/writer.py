"""Writes a day's lines to `<stream>/<YYYY-MM-DD>/part-0000.jsonl[.gz]`, byte-identical for the same input.

Some files are written as plain JSONL and the rest gzipped (with a zero timestamp in the gzip header), so
that readers are exercised on both; which ones depends only on the day's position and the stream.
"""

import datetime
import gzip
import random
from pathlib import Path

from feedback_platform.lib.sample_logs.config import STREAMS
from feedback_platform.lib.sample_logs.corruption import CorruptionSchedule, corrupt, dumps
from feedback_platform.lib.sample_logs.lines import LogLine
from feedback_platform.lib.sample_logs.summary import SummaryBuilder

PART_NAME = "part-0000.jsonl"


def is_plain(day_index: int, stream: str) -> bool:
    """Whether this day's file of this stream is written without gzip (about one file in four)."""
    return (day_index + STREAMS.index(stream)) % 4 == 3


def write_day_files(
    out_dir: Path,
    day: datetime.date,
    day_index: int,
    lines_by_stream: dict[str, list[LogLine]],
    schedule: CorruptionSchedule,
    rng: random.Random,
    summary: SummaryBuilder,
) -> None:
    """Writes one file per stream for `day`, in arrival order, breaking the lines `schedule` picks."""
    for stream in STREAMS:
        lines = sorted(lines_by_stream[stream], key=lambda line: (line.arrival_ms, line.seq))
        malformed = schedule.choose(stream, lines, rng)
        name = PART_NAME if is_plain(day_index, stream) else PART_NAME + ".gz"
        relative = f"{stream}/{day.isoformat()}/{name}"
        texts = []
        for position, line in enumerate(lines):
            kind = malformed.get(position)
            text = dumps(line.record) if kind is None else corrupt(stream, line.record, kind, rng)
            summary.add(
                stream, relative, position + 1, line, text, None if kind is None else kind.split(":")[0]
            )
            texts.append(text)
        data = "".join(text + "\n" for text in texts).encode("utf-8")
        folder = out_dir / stream / day.isoformat()
        folder.mkdir(parents=True, exist_ok=True)
        # A rerun with another layout must not leave the other variant of the file behind.
        (folder / (PART_NAME if name.endswith(".gz") else PART_NAME + ".gz")).unlink(missing_ok=True)
        if name.endswith(".gz"):
            data = gzip.compress(data, compresslevel=6, mtime=0)
        (folder / name).write_bytes(data)
