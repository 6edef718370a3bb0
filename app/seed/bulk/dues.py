"""Both due times of a synthetic case under its regime, in epoch seconds.

The same rule as ``app.deadlines.sla.due_times`` (which the tests hold this to),
on the precomputed ``WorkingTimeLine`` and ``DayTable`` instead of walking the
calendar for each of a million cases: hours are working time from the instant,
days are dates (the event's day not counted), time awaiting the citizen moves a
day count by whole working days (``counting.paused_days``), and a regime that
counts the answer from the first step counts it from the acknowledgment — or,
before there is one, from the last moment it may come.
"""
from __future__ import annotations

from dataclasses import dataclass

from app.deadlines.counting import is_day_count, paused_days
from app.models import CountUnit, DeadlineRegime
from app.seed.bulk.worktime import DayTable, WorkingTimeLine


@dataclass(frozen=True)
class Terms:
    """What a regime asks of a case, as the generator needs it."""

    first_amount: int
    first_unit: str
    answer_amount: int
    answer_unit: str
    from_first_step: bool

    @classmethod
    def of(cls, regime: DeadlineRegime) -> Terms:
        return cls(regime.first_step_amount, regime.first_step_unit, regime.resolution_amount,
                   regime.resolution_unit, regime.resolution_from_first_step)


class DueClock:
    """Due instants counted on a time line (hours) and a day table (days) of the same calendar."""

    def __init__(self, line: WorkingTimeLine, days: DayTable):
        self.line, self.days = line, days

    def due(self, start: int, amount: int, unit: str) -> int:
        """``amount`` ``unit`` counted from the event at ``start``."""
        if unit == CountUnit.WORKING_HOURS:
            return self.line.add_minutes(start, amount * 60)
        return self.days.due(start, amount, unit)

    def ack_due(self, terms: Terms, received: int) -> int:
        """When the first step is due."""
        return self.due(received, terms.first_amount, terms.first_unit)

    @staticmethod
    def answer_start(terms: Terms, clock: int, acknowledged: int | None, ack_due: int) -> int:
        """The event the answer is counted from (``sla.response_start``, to the second).

        Before the acknowledgment of a regime that counts from it, the last moment it
        may come: ``sla`` takes the microsecond before the first step's due instant,
        which is that instant's last day for a day count, and which whole seconds can
        only round to the due instant itself for an hour count (one microsecond later).
        """
        if not terms.from_first_step:
            return clock
        if acknowledged is not None:
            return max(clock, acknowledged)
        return max(clock, ack_due - 1 if is_day_count(terms.answer_unit) else ack_due)

    def answer_due(self, terms: Terms, start: int, paused_minutes: int) -> int:
        """When the answer is due, counted from ``start``, moved on by the time paused."""
        if is_day_count(terms.answer_unit):
            due = self.days.due(start, terms.answer_amount, terms.answer_unit)
            return self.days.extend(due, paused_days(paused_minutes))
        return self.line.add_minutes(start, terms.answer_amount * 60 + paused_minutes)
