"""What a generation run wrote, for tests and for the CLI: counts, planted PII and every malformed line."""

import dataclasses
import json
import re
from dataclasses import dataclass
from pathlib import Path

from feedback_platform.lib.sample_logs.config import STREAMS, SampleLogConfig
from feedback_platform.lib.sample_logs.lines import LogLine

SUMMARY_FILE = "generation_summary.json"

WORD = re.compile(r"[^\W\d_]+")
"""A word type of the unique-word count: a run of letters, compared in lower case."""


@dataclass(frozen=True)
class GenerationSummary:
    """Counts per stream (every stream is a key), planted PII values and malformed lines of a run.

    `planted_pii` holds (entity_type, value) for each distinct planted value that was actually written,
    in order of first appearance. `malformed` holds (stream, file path relative to the output folder,
    1-based line number, kind) with kind one of truncated_json, not_an_object, missing_required_field,
    bad_timestamp, unknown_signal, wrong_value_type.
    """

    lines_written: dict[str, int]
    malformed_lines: dict[str, int]
    duplicates: dict[str, int]
    late_events: dict[str, int]
    planted_pii: list[tuple[str, str]]
    malformed: list[tuple[str, str, int, str]]
    unique_words: int | None = None
    """Distinct word types in the outputs and user turns written (None in summaries written before it)."""

    def describe(self) -> str:
        """One line for people: `1,400 response lines, 1,368 feedback lines, ...; 200 planted PII values`."""
        written = self.lines_written
        malformed, duplicates = sum(self.malformed_lines.values()), sum(self.duplicates.values())
        return (
            f"{written['responses']:,} response lines, {written['feedback']:,} feedback lines, "
            f"{written['consent']:,} consent lines; of them {malformed:,} malformed, "
            f"{duplicates:,} duplicates, {sum(self.late_events.values()):,} late; "
            f"{len(self.planted_pii):,} planted PII values; {self.unique_words or 0:,} unique words"
        )

    def to_dict(self) -> dict[str, object]:
        """The summary as JSON-ready data."""
        data = dataclasses.asdict(self)
        data["planted_pii"] = [{"entity_type": kind, "value": value} for kind, value in self.planted_pii]
        data["malformed"] = [
            {"stream": stream, "file": file, "line": line, "kind": kind}
            for stream, file, line, kind in self.malformed
        ]
        return data

    @classmethod
    def from_dict(cls, data: dict) -> "GenerationSummary":
        """Reads back what `to_dict` produced (other keys, such as `config`, are ignored)."""
        return cls(
            lines_written=dict(data["lines_written"]),
            malformed_lines=dict(data["malformed_lines"]),
            duplicates=dict(data["duplicates"]),
            late_events=dict(data["late_events"]),
            planted_pii=[(item["entity_type"], item["value"]) for item in data["planted_pii"]],
            malformed=[(m["stream"], m["file"], m["line"], m["kind"]) for m in data["malformed"]],
            unique_words=data.get("unique_words"),
        )


def write_summary(summary: GenerationSummary, config: SampleLogConfig, path: Path) -> None:
    """Writes the summary and the config that produced it as indented JSON (a degradation and the
    realistic mode only when set, so that a default config's summary keeps its bytes)."""
    config_data = {**dataclasses.asdict(config), "start_date": config.start_date.isoformat()}
    if config.degradation is None:
        del config_data["degradation"]
    if not config.realistic_text:
        del config_data["realistic_text"]
    data = {"config": config_data, **summary.to_dict()}
    path.write_text(json.dumps(data, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")


def read_generation_summary(out_dir: Path) -> GenerationSummary:
    """The summary a run wrote into `out_dir`."""
    return GenerationSummary.from_dict(json.loads((out_dir / SUMMARY_FILE).read_text(encoding="utf-8")))


class SummaryBuilder:
    """Collects the summary while lines are written."""

    def __init__(self) -> None:
        self._counts = {name: dict.fromkeys(STREAMS, 0) for name in ("lines", "malformed", "dup", "late")}
        self._pii: dict[tuple[str, str], None] = {}
        self._malformed: list[tuple[str, str, int, str]] = []
        self._words: set[str] = set()

    def add(self, stream: str, file: str, number: int, line: LogLine, text: str, kind: str | None) -> None:
        """Accounts for one written line: `text` is what was written, `kind` set when it is malformed."""
        self._counts["lines"][stream] += 1
        self._counts["dup"][stream] += line.duplicate
        self._counts["late"][stream] += line.late
        if kind is not None:
            self._counts["malformed"][stream] += 1
            self._malformed.append((stream, file, number, kind))
        for value in line.pii:
            if value.value in text:
                self._pii.setdefault((value.entity_type, value.value), None)
        if stream == "responses":
            self._count_words(line.record)

    def _count_words(self, response: dict[str, object]) -> None:
        """The output and the newest user turn (earlier turns repeat in `messages`)."""
        messages = response.get("messages")
        texts = [response.get("output")]
        if isinstance(messages, list) and messages and isinstance(messages[-1], dict):
            texts.append(messages[-1].get("content"))
        for text in texts:
            if isinstance(text, str):
                self._words.update(WORD.findall(text.lower()))

    def build(self) -> GenerationSummary:
        """The finished summary."""
        return GenerationSummary(
            lines_written=self._counts["lines"],
            malformed_lines=self._counts["malformed"],
            duplicates=self._counts["dup"],
            late_events=self._counts["late"],
            planted_pii=list(self._pii),
            malformed=self._malformed,
            unique_words=len(self._words),
        )
