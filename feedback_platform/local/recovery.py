"""Runs a killed process left behind: reported failed and their concurrency slots freed, before a launch.

A run that `materialize` executes lives in that process. Killed (kill -9, out of memory, a reboot), the run
stays STARTED in the instance, and the step it was in keeps its slot of the `duckdb` pool, whose limit is
one: every later run's steps would wait for that slot for ever. So each run `materialize` launches carries
the tag `PROCESS_TAG`, naming its process (host, boot, pid and the process's start time, so a pid the
system reused later does not pass for it), and before launching anything `materialize` finds:

- runs still in progress whose process is gone: reported failed, with a message saying so, and their
  slots freed;
- runs that ended but still hold slots (a process killed between its last step and the end of the run):
  their slots freed.

Runs launched by the daemon or the UI carry no such tag: the instance's run monitoring
(`local/instance.py`) frees the slots of those runs once they end, while the daemon runs.
"""

import os
import socket
from dataclasses import dataclass
from pathlib import Path

import dagster as dg

PROCESS_TAG = "feedback_platform/process"
"""Run tag: `<host>/<boot id>/<pid>/<start time>` of the process that executes the run."""
IN_PROGRESS_STATUSES = (
    dg.DagsterRunStatus.STARTING,
    dg.DagsterRunStatus.STARTED,
    dg.DagsterRunStatus.CANCELING,
)

_PROC = Path("/proc")
_BOOT_ID = _PROC / "sys/kernel/random/boot_id"


@dataclass(frozen=True)
class RecoveredRun:
    run_id: str
    job: str
    reported_failed: bool
    """False: the run had ended already and only held slots."""

    def describe(self) -> str:
        if self.reported_failed:
            return (
                f"{self.job}: run {self.run_id[:8]} was left in progress by a process that is gone;"
                " reported failed, its concurrency slots freed"
            )
        return f"{self.job}: run {self.run_id[:8]} had ended holding concurrency slots; freed"


def this_process_tag() -> dict[str, str]:
    """The run tag naming the current process."""
    return {PROCESS_TAG: _process_identity(os.getpid())}


def recover_dead_runs(instance: dg.DagsterInstance) -> list[RecoveredRun]:
    """Report failed the runs whose executing process is gone and free every slot no live run holds."""
    recovered = []
    for run in instance.get_runs(dg.RunsFilter(statuses=list(IN_PROGRESS_STATUSES))):
        owner = run.tags.get(PROCESS_TAG)
        if owner is not None and not _is_alive(owner):
            instance.report_run_failed(
                run, message=f"The process that executed this run ({owner}) is gone: killed or crashed."
            )
            instance.event_log_storage.free_concurrency_slots_for_run(run.run_id)
            recovered.append(RecoveredRun(run.run_id, run.job_name, reported_failed=True))
    failed_now = {run.run_id for run in recovered}
    for run_id in sorted(instance.event_log_storage.get_concurrency_run_ids() - failed_now):
        run = instance.get_run_by_id(run_id)
        if run is None or run.is_finished:
            instance.event_log_storage.free_concurrency_slots_for_run(run_id)
            recovered.append(RecoveredRun(run_id, run.job_name if run else "unknown job", False))
    return recovered


def _process_identity(pid: int) -> str:
    return f"{socket.gethostname()}/{_boot_id()}/{pid}/{_start_time(pid)}"


def _is_alive(identity: str) -> bool:
    """Whether the process `identity` names still runs; True when this machine cannot tell (another host,
    or an identity it does not understand), so a live run on another machine is never failed."""
    host, boot, pid, started = [*identity.split("/"), "", "", "", ""][:4]
    if host != socket.gethostname() or not pid.isdigit():
        return True
    if boot != _boot_id():
        return False
    return _start_time(int(pid)) == started


def _boot_id() -> str:
    try:
        return _BOOT_ID.read_text().strip()
    except OSError:
        return "unknown"


def _start_time(pid: int) -> str:
    """The process's start time in clock ticks since boot where /proc tells it (Linux), else "running"
    for a live pid; "gone" when there is no such process."""
    if not (_PROC / "self/stat").exists():
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return "gone"
        except PermissionError:
            pass
        return "running"
    try:
        stat = (_PROC / str(pid) / "stat").read_text()
    except (FileNotFoundError, ProcessLookupError):
        return "gone"
    # The command name (field 2) is in parentheses and may hold spaces: count the fields after it.
    return stat[stat.rindex(")") + 2 :].split()[19]
