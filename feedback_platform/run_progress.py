"""The `progress` logger: one line per finished asset step on stderr, for long runs started on a terminal.

Every job of the code location has it (beside Dagster's `console` logger) and it is silent unless a run
turns it on (`{"loggers": {"progress": {"config": {"enabled": True}}}}`), as `feedback-platform
materialize` does: a schedule's or the UI's run logs to the instance as before. A line names the asset, how
many daily partitions and rows it wrote and at what rate, so a backfill of a month shows where it is and
how fast redaction goes; a failed step or check gets a line of its own at once.
"""

import logging
import sys
import time
from collections import defaultdict

import dagster as dg
from dagster._core.log_manager import LOG_RECORD_METADATA_ATTR

_ROW_COUNT = "dagster/row_count"


class _ProgressHandler(logging.Handler):
    """Turns the run's structured events into progress lines; other log records are ignored."""

    def __init__(self, stream) -> None:
        super().__init__(logging.DEBUG)
        self._stream = stream
        self._started = time.monotonic()
        self._rows: defaultdict[str, dict[str, int]] = defaultdict(dict)
        """Step key → asset → its rows (each partition's materialisation of a run repeats the run's count)."""
        self._partitions: defaultdict[str, set[str]] = defaultdict(set)

    def emit(self, record: logging.LogRecord) -> None:
        event = getattr(record, LOG_RECORD_METADATA_ATTR, {}).get("dagster_event")
        if event is None or event.step_key is None:
            return
        if event.is_step_materialization:
            self._count(event.step_key, event.step_materialization_data.materialization)
        elif event.is_step_success and event.step_key in self._rows:
            self._write(self._finished_line(event.step_key, event.event_specific_data.duration_ms / 1000))
        elif event.is_step_failure:
            self._write(f"failed: {event.step_key}: {event.event_specific_data.error.message.strip()}")
        elif event.event_type == dg.DagsterEventType.ASSET_CHECK_EVALUATION:
            evaluation = event.event_specific_data
            if not evaluation.passed:
                self._write(f"check failed: {evaluation.asset_key.to_user_string()}:{evaluation.check_name}")

    def _count(self, step_key: str, materialization: dg.AssetMaterialization) -> None:
        counts = self._rows[step_key]  # a step that materialised gets a line, with or without a row count
        rows = materialization.metadata.get(_ROW_COUNT)
        if rows is not None:
            counts[materialization.asset_key.to_user_string()] = int(rows.value)
        if materialization.partition:
            self._partitions[step_key].add(materialization.partition)

    def _finished_line(self, step_key: str, seconds: float) -> str:
        counts, days = self._rows.pop(step_key), len(self._partitions.pop(step_key, ()))
        rows = sum(counts.values())
        written = f" {rows:,} rows" if counts else ""
        spread = f" over {days} day{'s' * (days != 1)}" if days else ""
        rate = f", {rows / seconds:,.0f} rows/s" if rows and seconds >= 1 else ""
        elapsed = time.monotonic() - self._started
        return f"[{elapsed:6.0f} s] {step_key}:{written}{spread} in {seconds:.1f} s{rate}"

    def _write(self, line: str) -> None:
        self._stream.write(f"  {line}\n")
        self._stream.flush()


@dg.logger(
    config_schema={"enabled": dg.Field(bool, default_value=False, description="print progress to stderr")},
    description="One line per finished asset step (rows, days, rows/s) on stderr, when enabled.",
)
def progress_logger(init_context: dg.InitLoggerContext) -> logging.Logger:
    # Not from logging.getLogger: that registry would keep one logger per run for the life of the process.
    logger = logging.Logger("feedback_platform.progress", logging.DEBUG)
    if init_context.logger_config["enabled"]:
        logger.addHandler(_ProgressHandler(sys.stderr))
    return logger


LOGGERS = {"console": dg.colored_console_logger, "progress": progress_logger}
"""Every job's loggers: Dagster's console logger, as by default, and the progress logger."""
