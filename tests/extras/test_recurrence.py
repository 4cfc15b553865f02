"""The recurrence rule: the third unpaid extra of one kind within six weeks."""

import datetime as dt

from rapport.extras.models import ExtraRequest, label_key
from rapport.extras.recurrence import (
    RECURRENCE_COUNT,
    RECURRENCE_WINDOW_DAYS,
    counts_in_window,
    recurring,
)

TODAY = dt.date(2026, 12, 1)
_pk = iter(range(1, 1000))


def _extra(days_ago: int, kind: str = "scope_creep", label: str = "Social media post",
           client_id: int = 1, **fields: object) -> ExtraRequest:
    return ExtraRequest(pk=next(_pk), client_id=client_id, kind=kind, label=label,
                        label_key=label_key(label), description="…",
                        requested_on=TODAY - dt.timedelta(days=days_ago), minutes=30,
                        **fields)


def test_the_rule_is_three_in_six_weeks():
    assert (RECURRENCE_COUNT, RECURRENCE_WINDOW_DAYS) == (3, 42)


def test_the_third_unpaid_extra_of_a_kind_within_six_weeks_recurs():
    found = recurring([_extra(40), _extra(20), _extra(1)], today=TODAY)
    assert len(found) == 1
    assert found[0].count == 3 and found[0].minutes == 90 and found[0].weeks == 6


def test_two_are_not_yet_a_pattern():
    assert recurring([_extra(20), _extra(1)], today=TODAY) == []


def test_three_spread_over_more_than_six_weeks_do_not_recur():
    assert recurring([_extra(60), _extra(30), _extra(1)], today=TODAY) == []


def test_favours_and_scope_creep_both_count_as_unpaid_but_paid_extras_do_not():
    assert len(recurring([_extra(10, "favour"), _extra(5), _extra(1, "favour")],
                         today=TODAY)) == 1
    assert recurring([_extra(10, "paid"), _extra(5), _extra(1)], today=TODAY) == []


def test_labels_are_compared_without_case_spaces_or_punctuation():
    extras = [_extra(10, label="Social-Media-Post"), _extra(5, label=" social media  post"),
              _extra(1, label="SOCIAL MEDIA POST!")]
    [found] = recurring(extras, today=TODAY)
    assert found.label == "SOCIAL MEDIA POST!"  # as written the last time


def test_different_kinds_of_request_and_different_clients_do_not_add_up():
    extras = [_extra(10), _extra(5, label="Newsletter"), _extra(1, client_id=2)]
    assert recurring(extras, today=TODAY) == []


def test_extras_already_covered_by_a_change_order_do_not_recur_again():
    extras = [_extra(10, change_order_id=7), _extra(5), _extra(1)]
    assert recurring(extras, today=TODAY) == []


def test_a_pattern_that_stopped_more_than_six_weeks_ago_is_no_longer_raised():
    extras = [_extra(70), _extra(60), _extra(50)]
    assert recurring(extras, today=TODAY) == []
    assert len(recurring(extras)) == 1  # without a day: every pattern, also old ones


def test_each_extra_keeps_the_count_it_had_when_it_was_logged():
    first, second, third = _extra(30), _extra(20), _extra(1)
    assert counts_in_window([third, first, second]) == {first.pk: 1, second.pk: 2,
                                                        third.pk: 3}


def test_the_thresholds_can_be_set_in_the_settings(settings):
    settings.RAPPORT_EXTRAS_RECURRENCE_COUNT = 2
    settings.RAPPORT_EXTRAS_RECURRENCE_DAYS = 7
    assert len(recurring([_extra(3), _extra(1)], today=TODAY)) == 1
    assert recurring([_extra(10), _extra(1)], today=TODAY) == []
