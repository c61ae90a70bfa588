"""The entry point: simulates the product day by day and writes the landing tree and its summary."""

import itertools
import random
from collections.abc import Callable
from pathlib import Path

from feedback_platform.lib.sample_logs.config import SampleLogConfig
from feedback_platform.lib.sample_logs.corruption import CorruptionSchedule
from feedback_platform.lib.sample_logs.day import simulate_day
from feedback_platform.lib.sample_logs.lines import LogLine
from feedback_platform.lib.sample_logs.pii import PiiFactory
from feedback_platform.lib.sample_logs.summary import (
    SUMMARY_FILE,
    GenerationSummary,
    SummaryBuilder,
    write_summary,
)
from feedback_platform.lib.sample_logs.world import build_world
from feedback_platform.lib.sample_logs.writer import write_day_files


def generate_sample_logs(
    config: SampleLogConfig,
    out_dir: Path,
    on_progress: Callable[[int, int], None] | None = None,
) -> GenerationSummary:
    """Writes `config.days` days of responses, feedback and consent logs under `out_dir`.

    The same config always gives a byte-identical tree. `on_progress(done_days, total_days)` is called after
    each day is written. The summary is also written to `out_dir/generation_summary.json`.
    """
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    world = build_world(config)
    schedule = CorruptionSchedule()
    summary = SummaryBuilder()
    seq = itertools.count()
    carried_feedback: list[LogLine] = []
    for day_index in range(config.days):
        # Each day draws from its own generator, derived from the seed and the day's position.
        rng = random.Random(f"{config.seed}/day/{day_index}")
        day_lines = simulate_day(world, config, day_index, rng, PiiFactory(rng, day_index), seq)
        lines = dict(day_lines.today)
        lines["feedback"] = carried_feedback + lines["feedback"]
        write_day_files(out_dir, config.day(day_index), day_index, lines, schedule, rng, summary)
        carried_feedback = day_lines.tomorrow_feedback
        if on_progress is not None:
            on_progress(day_index + 1, config.days)
    result = summary.build()
    write_summary(result, config, out_dir / SUMMARY_FILE)
    return result
