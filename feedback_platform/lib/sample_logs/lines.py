"""A log line before it is written: its record, when it arrives, and what the summary must know about it."""

from dataclasses import dataclass

from feedback_platform.lib.sample_logs.pii import PiiValue


@dataclass(frozen=True)
class LogLine:
    """One record on its way to a day file.

    `arrival_ms` is milliseconds after midnight of the day folder it lands in (which, for a late event, is
    the day after its `created_at`); `seq` breaks ties so that the order is the same on every run. `pii`
    lists the planted values the record may contain. Only `corruptible` lines may be turned into malformed
    ones: duplicated and late events, and responses that have feedback, stay intact.
    """

    record: dict[str, object]
    arrival_ms: int
    seq: int
    pii: tuple[PiiValue, ...] = ()
    corruptible: bool = True
    duplicate: bool = False
    late: bool = False
