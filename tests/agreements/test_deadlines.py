import datetime as dt

import pytest

from rapport.agreements import deadlines
from rapport.agreements.deadlines import CLIENT, FREELANCER, Milestone

D = dt.date


def test_working_days_skip_weekends():
    # Friday + 1 working day is Monday.
    assert deadlines.add_working_days(D(2026, 11, 20), 1) == D(2026, 11, 23)
    assert deadlines.add_working_days(D(2026, 11, 21), 0) == D(2026, 11, 23)


def test_working_days_skip_public_holidays():
    holidays = {D(2026, 12, 25), D(2026, 12, 26)}
    # Thu 24 Dec + 1 working day: Fri 25 is a holiday, so Mon 28.
    assert deadlines.add_working_days(D(2026, 12, 24), 1, holidays) == D(2026, 12, 28)


@pytest.mark.django_db
def test_the_workspaces_holidays_count(workspace):
    holidays = deadlines.holidays_for(workspace, [2027])
    assert D(2027, 3, 8) in holidays  # International Women's Day, Berlin only
    assert deadlines.add_working_days(D(2027, 3, 5), 1, holidays) == D(2027, 3, 9)


PLAN = [
    Milestone("Interview", CLIENT, date=D(2026, 12, 1)),
    Milestone("First draft", FREELANCER, after="Interview", working_days=5),
    Milestone("Feedback", CLIENT, after="First draft", working_days=3),
    Milestone("Final", FREELANCER, after="Feedback", working_days=3),
]


def test_relative_deadlines_are_planned_in_working_days():
    sched = {s.milestone.label: s for s in deadlines.schedule(PLAN)}
    assert sched["First draft"].planned == D(2026, 12, 8)
    assert sched["Feedback"].planned == D(2026, 12, 11)
    assert sched["Final"].planned == D(2026, 12, 16)
    assert all(s.moved_by == 0 for s in sched.values())


def test_a_late_client_input_moves_every_dependent_deadline():
    sched = {s.milestone.label: s for s in deadlines.schedule(
        PLAN, received={"Interview": D(2026, 12, 3)})}
    assert sched["First draft"].expected == D(2026, 12, 10)
    assert sched["Final"].expected == D(2026, 12, 18)
    assert sched["Final"].moved_by == 2


def test_an_overdue_input_that_never_came_moves_deadlines_from_today():
    holidays = {D(2026, 12, 25), D(2026, 12, 26)}
    sched = {s.milestone.label: s for s in deadlines.schedule(
        PLAN, received={"Interview": D(2026, 12, 1)}, today=D(2026, 12, 24),
        holidays=holidays)}
    feedback = sched["Feedback"]
    assert feedback.overdue_input
    assert feedback.expected == D(2026, 12, 24)
    # Final: 3 working days after Thu 24 Dec, skipping Christmas and the weekend.
    assert sched["Final"].expected == D(2026, 12, 30)


def test_early_input_does_not_pull_the_freelancers_deadline_forward():
    sched = {s.milestone.label: s for s in deadlines.schedule(
        PLAN, received={"Interview": D(2026, 11, 25)})}
    assert sched["First draft"].expected == D(2026, 12, 8)


def test_lines_are_parsed_in_english_and_german():
    assert deadlines.parse_line("me: First draft = 5 working days after Interview") == \
        Milestone("First draft", FREELANCER, after="Interview", working_days=5)
    assert deadlines.parse_line("Kunde: Briefing = 2026-12-01") == \
        Milestone("Briefing", CLIENT, date=D(2026, 12, 1))
    assert deadlines.parse_line("ich: Entwurf = 5 Arbeitstage nach Briefing").after == "Briefing"
    with pytest.raises(ValueError):
        deadlines.parse_line("someone: x = tomorrow")


def test_circular_deadlines_are_refused():
    with pytest.raises(ValueError):
        deadlines.schedule([Milestone("A", CLIENT, after="B", working_days=1),
                            Milestone("B", CLIENT, after="A", working_days=1)])
