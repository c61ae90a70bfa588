"""When the nightly carries out the consent erasures waiting for their batch: judged on landing days, a
begun erasure always finished, no window meaning every night."""

from datetime import date

from feedback_platform.lib.erasure.log import DONE, IN_PROGRESS, WAITING, ErasureRecord
from feedback_platform.lib.erasure.run import batch_is_due


def request(requested_at: str, status: str = WAITING) -> ErasureRecord:
    return ErasureRecord(
        f"er-{requested_at[:10]}", "acme", "ab" * 32, requested_at, "consent event", "asked", status
    )


def test_waiting_erasures_are_carried_out_once_the_oldest_is_old_enough() -> None:
    waiting = [request("2026-11-02T09:00:00+00:00"), request("2026-11-03T23:00:00+00:00")]
    assert not batch_is_due(waiting, date(2026, 11, 3), batch_days=2)
    assert batch_is_due(waiting, date(2026, 11, 4), batch_days=2)
    assert batch_is_due(waiting, date(2026, 11, 2), batch_days=0)


def test_a_begun_erasure_is_finished_whatever_the_window() -> None:
    begun = [request("2026-11-02T09:00:00+00:00", IN_PROGRESS), request("2026-11-02T10:00:00+00:00")]
    assert batch_is_due(begun, date(2026, 11, 2), batch_days=7)


def test_nothing_is_due_when_every_erasure_is_done() -> None:
    assert not batch_is_due([request("2026-11-01T09:00:00+00:00", DONE)], date(2026, 11, 9), batch_days=0)
    assert not batch_is_due([], date(2026, 11, 9), batch_days=0)
