"""Landing-day runs launched when a day's log files arrive or change, once per content.

The nightly schedule takes yesterday's landing day at 02:00; files that arrive later (a late producer, a
re-delivery, a day backfilled by hand) would wait for an operator. The sensor `landing_arrivals` watches
every landing day instead. Each tick it compares each day's files (names, sizes, modification times) with
what it saw last (its cursor); for a day that changed and has been quiet for `SETTLE_SECONDS`, it
fingerprints the files' content as the nightly runs do (`defs.unchanged_runs`) and asks for a run keyed by
day and fingerprint. Dagster launches a run key once, so a re-tick, a restarted daemon that lost its
cursor, or a file delivered again with the same bytes launches nothing; a late or changed file gives a new
fingerprint and runs its day again. A day whose last clean run read the same bytes is skipped, whoever
launched that run. The sensor is stopped until turned on (in the UI, or `dagster sensor start`), like the
schedules.
"""

import json
import time
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import dagster as dg

from feedback_platform.defs.job_names import LANDING_DAY_JOB
from feedback_platform.defs.partitions import daily_landing_partitions
from feedback_platform.defs.schedules import landing_day_job
from feedback_platform.defs.unchanged_runs import landing_day_inputs, request_unless_unchanged
from feedback_platform.lib.fingerprints import combined
from feedback_platform.lib.logs.contract import STREAMS
from feedback_platform.lib.logs.landing import SETTLE_SECONDS, landing_dates, landing_files
from feedback_platform.resources import LandingZone


@dg.sensor(job=landing_day_job, minimum_interval_seconds=60)
def landing_arrivals(context: dg.SensorEvaluationContext, landing: LandingZone) -> dg.SensorResult:
    """A landing-day run for each day whose log files arrived or changed since the sensor last looked, and
    whose last clean run read other bytes; one run per day and content (run key)."""
    seen: dict[str, str] = json.loads(context.cursor) if context.cursor else {}
    job = context.repository_def.get_job(LANDING_DAY_JOB)
    requests, skipped = [], []
    now = time.time()
    for day, signature, newest in _days_with_files(landing.path):
        key = str(day)
        if seen.get(key) == signature or not daily_landing_partitions.has_partition_key(key):
            continue
        if now - newest < SETTLE_SECONDS:
            continue  # still being written: looked at again next tick
        seen[key] = signature
        inputs = landing_day_inputs(job, landing.path, [day])
        answer = request_unless_unchanged(context.instance, job, inputs, partition_key=key)
        if isinstance(answer, dg.SkipReason):
            skipped.append(answer.skip_message)
            continue
        requests.append(dg.RunRequest(run_key=f"{key}:{inputs[key]}", partition_key=key, tags=answer.tags))
    return dg.SensorResult(
        run_requests=requests,
        skip_reason=None if requests else dg.SkipReason("; ".join(skipped) or "no landing day changed"),
        cursor=json.dumps(seen, sort_keys=True),
    )


def _days_with_files(landing_root: Path) -> Iterator[tuple[date, str, float]]:
    """Each landing day with a signature of its files (names, sizes, modification times: cheap to read every
    tick, unlike their content) and the newest modification time."""
    for day in landing_dates(landing_root):
        files = [path for stream in STREAMS for path in landing_files(landing_root, stream, day)]
        stats = [(path.relative_to(landing_root).as_posix(), path.stat()) for path in files]
        signature = combined(*(f"{name}:{stat.st_size}:{stat.st_mtime_ns}" for name, stat in sorted(stats)))
        yield day, signature, max((stat.st_mtime for _, stat in stats), default=0.0)
