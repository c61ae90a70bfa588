"""Malformed lines: about one line in two hundred breaks the contract, in one of several ways.

The kinds cycle per stream so that every kind shows up in a sample of a few days, and each kind is applied
only to a line where it makes sense (a rating becomes a word, a thumb becomes "sideways").
"""

import json
import random
from functools import cache

from feedback_platform.lib.logs.contract import json_schema
from feedback_platform.lib.sample_logs.config import STREAMS
from feedback_platform.lib.sample_logs.lines import LogLine

MALFORMED_SHARE = 0.005
KIND_CYCLES: dict[str, tuple[str, ...]] = {
    "responses": (
        "truncated_json",
        "missing_required_field",
        "bad_timestamp",
        "not_an_object",
        "wrong_value_type",
    ),
    "feedback": (
        "unknown_signal",
        "wrong_value_type:rating",
        "truncated_json",
        "wrong_value_type:thumb",
        "bad_timestamp",
        "not_an_object",
        "missing_required_field",
    ),
    "consent": ("bad_timestamp", "missing_required_field", "truncated_json", "not_an_object"),
}
"""Kinds in the order they are used; the part after `:` says which feedback signal the kind applies to."""
_UNKNOWN_SIGNALS = ("share", "thumbs_up", "like", "bookmark")
_RATING_WORDS = ("four", "excellent", "five stars", "three")


def dumps(record: object) -> str:
    """A record as one compact JSON line, non-ASCII characters kept as they are."""
    return json.dumps(record, ensure_ascii=False, separators=(",", ":"))


@cache
def required_fields(stream: str) -> tuple[str, ...]:
    """The top-level required fields of a stream, read from its JSON Schema contract."""
    return tuple(json_schema(stream)["required"])


def _fits(kind: str, line: LogLine) -> bool:
    _, _, signal = kind.partition(":")
    return line.corruptible and (not signal or line.record.get("signal") == signal)


class CorruptionSchedule:
    """Decides, file after file, which lines to break and how; carries the remainder over between files."""

    def __init__(self) -> None:
        self._credit = dict.fromkeys(STREAMS, 0.5)
        self._position = dict.fromkeys(STREAMS, 0)

    def choose(self, stream: str, lines: list[LogLine], rng: random.Random) -> dict[int, str]:
        """Positions in `lines` to write as malformed, with the kind (possibly `kind:signal`) for each."""
        self._credit[stream] += MALFORMED_SHARE * len(lines)
        count = int(self._credit[stream])
        self._credit[stream] -= count
        cycle = KIND_CYCLES[stream]
        chosen: dict[int, str] = {}
        for _ in range(count):
            for attempt in range(len(cycle)):
                kind = cycle[(self._position[stream] + attempt) % len(cycle)]
                candidates = [i for i, line in enumerate(lines) if i not in chosen and _fits(kind, line)]
                if candidates:
                    chosen[rng.choice(candidates)] = kind
                    self._position[stream] += attempt + 1
                    break
        return chosen


def _bad_timestamp(created_at: str, rng: random.Random) -> str:
    year, month, day, time = created_at[:4], created_at[5:7], created_at[8:10], created_at[11:16]
    return rng.choice((f"{day}/{month}/{year} {time}", "yesterday", f"{year}-13-{day}T{time}:00Z"))


def corrupt(stream: str, record: dict[str, object], kind: str, rng: random.Random) -> str:
    """The line written instead of `record` for a malformed line of this kind."""
    base = kind.partition(":")[0]
    broken = dict(record)
    if base == "truncated_json":
        text = dumps(record)
        return text[: rng.randint(len(text) // 3, len(text) - 2)]
    if base == "not_an_object":
        return dumps(list(record.values()))
    if base == "missing_required_field":
        del broken[rng.choice(required_fields(stream))]
    elif base == "bad_timestamp":
        broken["created_at"] = _bad_timestamp(str(record["created_at"]), rng)
    elif base == "unknown_signal":
        broken["signal"] = rng.choice(_UNKNOWN_SIGNALS)
    elif kind == "wrong_value_type:rating":
        broken["value"] = rng.choice(_RATING_WORDS)
    elif kind == "wrong_value_type:thumb":
        broken["value"] = "sideways"
    elif base == "wrong_value_type":
        broken["latency_ms"] = rng.choice(("fast", "slow", "1.2s"))
    else:
        raise ValueError(f"unknown malformed kind {kind!r}")
    return dumps(broken)
