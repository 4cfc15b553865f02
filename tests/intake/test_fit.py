"""Each fit rule on its own, on plain data: no database needed."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from rapport.core.office_hours import parse_ranges
from rapport.intake.fit import (
    Advice,
    Finding,
    FitReport,
    Profile,
    Verdict,
    check_budget,
    check_business,
    check_calls_per_week,
    check_channels,
    check_day_start,
    check_deadline,
    check_decider,
    check_response_time,
    check_task,
    check_weekends,
    check_working_style,
    daily_overlap,
    fit_report,
    mentions,
    recommend,
)

BERLIN_HOURS = {day: parse_ranges("09:00-12:00, 13:00-17:00") for day in range(5)}
TODAY = dt.date(2026, 3, 2)  # a Monday; Berlin in winter time, New York already in summer time
PROFILE = Profile(
    time_zone="Europe/Berlin", hours_by_weekday=BERLIN_HOURS,
    preferred_channels=["email", "video"], max_calls_per_week=1,
    non_negotiables=["No work on Sundays", "Never on a family birthday"],
    avoid_list=["gambling", "cold calling"], wont_do=["infographics"],
    cant_yet=["video scripts"], working_styles=["hands_off", "regular_updates"],
    response_time="next_day", minimum_budget=Decimal("1500"), currency="EUR",
    min_lead_days=14, min_overlap_hours=3,
)


def verdict(rule, answers, profile=PROFILE, today=TODAY) -> Finding:
    return rule(answers, profile, today)


# --- matching words -------------------------------------------------------------------


def test_mentions_finds_stems_and_compounds():
    assert mentions("Annual report with an infographic or two", "infographics")
    assert mentions("Werbetexte für Glücksspielanbieter", "Glücksspiel")
    assert mentions("We do cold calling campaigns", "cold calling")
    assert not mentions("We call our members once a year", "cold calling")
    assert not mentions("An annual report", "infographics")


# --- business and task ----------------------------------------------------------------


def test_a_client_type_on_the_avoid_list_is_a_dealbreaker():
    finding = verdict(check_business, {"business": "An online gambling platform"})
    assert finding.verdict == Verdict.DEALBREAKER
    assert "“gambling”" in finding.reason


def test_an_ordinary_business_matches():
    assert verdict(check_business, {"business": "A bike cooperative"}).verdict == Verdict.MATCH


def test_work_on_the_wont_do_list_is_a_dealbreaker():
    finding = verdict(check_task, {"task": "An annual report with infographics"})
    assert finding.verdict == Verdict.DEALBREAKER
    assert "won't do" in finding.reason and "“infographics”" in finding.reason


def test_work_on_the_avoid_list_is_a_dealbreaker():
    finding = verdict(check_task, {"task": "Scripts for cold calling"})
    assert finding.verdict == Verdict.DEALBREAKER
    assert "avoid list" in finding.reason


def test_cant_yet_items_are_listed_to_say_openly():
    finding = verdict(check_task, {"task": "Blog posts and two video scripts"})
    assert finding.verdict == Verdict.MATCH
    assert "still learning" in finding.reason
    report = fit_report({"task": "Blog posts and two video scripts"}, PROFILE, TODAY)
    assert report.say_openly == ["video scripts"]


def test_unanswered_questions_are_open():
    for rule in (check_business, check_task, check_working_style, check_calls_per_week,
                 check_channels, check_response_time, check_weekends, check_budget,
                 check_day_start, check_deadline, check_decider):
        assert verdict(rule, {}).verdict == Verdict.OPEN, rule.__name__


# --- working style, calls, channels, messages -----------------------------------------


def test_working_style_outside_the_profile_is_a_mismatch():
    assert verdict(check_working_style, {"working_style": "hands_off"}).verdict == Verdict.MATCH
    finding = verdict(check_working_style, {"working_style": "close"})
    assert finding.verdict == Verdict.MISMATCH
    assert "every day" in finding.reason


def test_more_calls_than_allowed_is_a_mismatch_with_both_numbers():
    finding = verdict(check_calls_per_week, {"calls_per_week": 3})
    assert finding.verdict == Verdict.MISMATCH
    assert finding.reason == "Wants 3 calls a week; you allow 1."
    assert verdict(check_calls_per_week, {"calls_per_week": 1}).verdict == Verdict.MATCH
    assert verdict(check_calls_per_week, {"calls_per_week": 0}).verdict == Verdict.MATCH


def test_without_a_call_limit_any_number_matches():
    unlimited = Profile(max_calls_per_week=None)
    finding = verdict(check_calls_per_week, {"calls_per_week": 5}, unlimited)
    assert finding.verdict == Verdict.MATCH
    assert "no limit" in finding.reason


def test_channels_outside_the_preferred_ones_are_named():
    finding = verdict(check_channels, {"channels": ["email", "phone", "in_person"]})
    assert finding.verdict == Verdict.MISMATCH
    assert finding.reason == "Wants Phone, In person; you prefer Email, Video call."
    assert verdict(check_channels, {"channels": ["email"]}).verdict == Verdict.MATCH


def test_expecting_faster_answers_than_offered_is_a_mismatch():
    finding = verdict(check_response_time, {"response_time": "within_hour"})
    assert finding.verdict == Verdict.MISMATCH
    assert "“Within the hour”" in finding.reason
    assert "“By the next working day”" in finding.reason
    assert verdict(check_response_time, {"response_time": "two_days"}).verdict == Verdict.MATCH


# --- weekends and non-negotiables ------------------------------------------------------


def test_regular_weekend_work_against_a_non_negotiable_is_a_dealbreaker():
    finding = verdict(check_weekends, {"weekends": "regularly"})
    assert finding.verdict == Verdict.DEALBREAKER
    assert "“No work on Sundays”" in finding.reason


def test_german_non_negotiables_count_too():
    german = Profile(non_negotiables=["Keine Arbeit am Sonntag"])
    finding = verdict(check_weekends, {"weekends": "regularly"}, german)
    assert finding.verdict == Verdict.DEALBREAKER
    assert "Keine Arbeit am Sonntag" in finding.reason


def test_occasional_weekend_work_against_a_non_negotiable_is_a_mismatch_to_discuss():
    finding = verdict(check_weekends, {"weekends": "sometimes"})
    assert finding.verdict == Verdict.MISMATCH
    assert "not negotiable" in finding.reason


def test_weekend_work_without_non_negotiable_depends_on_office_hours():
    weekdays_only = Profile(hours_by_weekday=BERLIN_HOURS)
    assert verdict(check_weekends, {"weekends": "regularly"},
                   weekdays_only).verdict == Verdict.MISMATCH
    with_saturday = Profile(hours_by_weekday={**BERLIN_HOURS, 5: parse_ranges("10-14")})
    assert verdict(check_weekends, {"weekends": "regularly"},
                   with_saturday).verdict == Verdict.MATCH
    assert verdict(check_weekends, {"weekends": "never"}).verdict == Verdict.MATCH


# --- budget, deadline, decider ----------------------------------------------------------


def test_budget_below_the_minimum_is_a_mismatch():
    finding = verdict(check_budget, {"budget_min": "500", "budget_max": "800"})
    assert finding.verdict == Verdict.MISMATCH
    assert finding.reason == "Budget €500.00 – €800.00; your smallest project is €1,500.00."


def test_budget_reaching_the_minimum_matches():
    assert verdict(check_budget, {"budget_min": "1000",
                                  "budget_max": "2000"}).verdict == Verdict.MATCH
    assert verdict(check_budget, {"budget_min": "1500"}).verdict == Verdict.MATCH


def test_a_deadline_sooner_than_the_lead_time_is_a_mismatch():
    soon = (TODAY + dt.timedelta(days=5)).isoformat()
    finding = verdict(check_deadline, {"deadline": soon})
    assert finding.verdict == Verdict.MISMATCH
    assert finding.reason == "Deadline in 5 days; you need at least 14."
    later = (TODAY + dt.timedelta(days=30)).isoformat()
    assert verdict(check_deadline, {"deadline": later}).verdict == Verdict.MATCH
    assert verdict(check_deadline, {"deadline": ""}).verdict == Verdict.MATCH


def test_a_committee_deciding_is_a_mismatch():
    assert verdict(check_decider, {"decider": "committee"}).verdict == Verdict.MISMATCH
    assert verdict(check_decider, {"decider": "me"}).verdict == Verdict.MATCH
    assert verdict(check_decider, {"decider": "with_team"}).verdict == Verdict.MATCH


# --- time zones -------------------------------------------------------------------------


def test_a_new_york_morning_overlaps_two_hours_with_berlin_office_hours():
    # 2026-03-09: New York is on summer time (UTC-4), Berlin still on winter time (UTC+1):
    # 09:00 in New York is 14:00 in Berlin, so 14:00-17:00 overlap = 3 h.
    overlap = daily_overlap(dt.time(9), "America/New_York", PROFILE, dt.date(2026, 3, 9))
    assert overlap == {0: 3.0, 1: 3.0, 2: 3.0, 3: 3.0, 4: 3.0}
    # In January both are on winter time: 09:00 New York = 15:00 Berlin, 2 h overlap.
    overlap = daily_overlap(dt.time(9), "America/New_York", PROFILE, dt.date(2026, 1, 12))
    assert overlap == {0: 2.0, 1: 2.0, 2: 2.0, 3: 2.0, 4: 2.0}


def test_new_york_start_is_a_mismatch_with_the_local_time_and_overlap():
    finding = verdict(check_day_start, {"day_start": "09:00", "time_zone": "America/New_York"},
                      today=dt.date(2026, 1, 12))
    assert finding.verdict == Verdict.MISMATCH
    assert "09:00 in America/New_York, which is 15:00 your time" in finding.reason
    assert "overlap with your office hours: 2 h on every weekday" in finding.reason
    assert "at least 3 h a day" in finding.reason


def test_an_early_start_in_the_same_zone_matches():
    finding = verdict(check_day_start, {"day_start": "08:00", "time_zone": "Europe/Berlin"})
    assert finding.verdict == Verdict.MATCH
    assert "6 h on every weekday" in finding.reason


def test_a_day_across_midnight_counts_the_next_morning():
    # Sydney 09:00 (UTC+11 in January) is 23:00 the evening before in Berlin;
    # the 8-hour day runs until 07:00 Berlin time: no overlap at all.
    overlap = daily_overlap(dt.time(9), "Australia/Sydney", PROFILE, dt.date(2026, 1, 12))
    assert set(overlap.values()) == {0.0}
    finding = verdict(check_day_start, {"day_start": "09:00", "time_zone": "Australia/Sydney"},
                      today=dt.date(2026, 1, 12))
    assert finding.verdict == Verdict.MISMATCH
    assert "no common working time" in finding.reason


def test_calls_after_a_non_negotiable_cut_off_are_a_dealbreaker():
    no_evening_calls = Profile(
        hours_by_weekday=BERLIN_HOURS, non_negotiables=["No calls after 6 pm"],
    )
    answers = {"day_start": "13:00", "time_zone": "America/New_York", "calls_per_week": 1}
    finding = verdict(check_day_start, answers, no_evening_calls, dt.date(2026, 1, 12))
    assert finding.verdict == Verdict.DEALBREAKER
    assert "19:00 your time" in finding.reason and "“No calls after 6 pm”" in finding.reason
    german = Profile(hours_by_weekday=BERLIN_HOURS,
                     non_negotiables=["Keine Anrufe nach 18 Uhr"])
    assert verdict(check_day_start, answers, german,
                   dt.date(2026, 1, 12)).verdict == Verdict.DEALBREAKER
    email_only = {**answers, "calls_per_week": 0, "channels": ["email"]}
    assert verdict(check_day_start, email_only, german,
                   dt.date(2026, 1, 12)).verdict == Verdict.MISMATCH


# --- the recommendation ------------------------------------------------------------------


def _report(*verdicts: Verdict) -> FitReport:
    return FitReport([Finding(f"k{i}", v, f"reason {i}") for i, v in enumerate(verdicts)], [])


def test_a_dealbreaker_means_decline_with_its_reason():
    result = recommend(_report(Verdict.MATCH, Verdict.DEALBREAKER), 5, "no")
    assert result.advice == Advice.DECLINE
    assert result.reasons == ["A dealbreaker: reason 1"]


def test_a_good_fit_with_a_good_gut_feeling_means_proceed():
    result = recommend(_report(Verdict.MATCH, Verdict.MISMATCH), 4, "no")
    assert result.advice == Advice.PROCEED
    assert "Your gut feeling is good." in result.reasons


def test_a_bad_gut_feeling_alone_means_a_pilot_project():
    result = recommend(_report(Verdict.MATCH), 2, "no")
    assert result.advice == Advice.PILOT
    assert "small pilot project" in result.reasons[0]


def test_a_bad_gut_feeling_with_mismatches_means_decline():
    assert recommend(_report(Verdict.MISMATCH), 1, "no").advice == Advice.DECLINE


def test_saying_yes_for_the_money_means_a_pilot_project():
    result = recommend(_report(Verdict.MATCH), 4, "yes")
    assert result.advice == Advice.PILOT
    assert any("for the money" in reason for reason in result.reasons)


def test_several_mismatches_mean_a_pilot_project():
    result = recommend(_report(Verdict.MISMATCH, Verdict.MISMATCH), 4, "no")
    assert result.advice == Advice.PILOT
    assert "2 mismatches" in result.reasons[0]


def test_without_a_gut_feeling_the_report_asks_for_it():
    result = recommend(_report(Verdict.MATCH), None, "")
    assert "Record your gut feeling before you decide." in result.reasons


@pytest.mark.parametrize("keys", [["task", "weekends"], []])
def test_only_the_asked_questions_are_judged(keys):
    report = fit_report({"weekends": "regularly"}, PROFILE, TODAY, keys)
    assert [f.key for f in report.findings] == keys


def test_a_short_friday_is_named_day_by_day():
    short_friday = Profile(hours_by_weekday={**BERLIN_HOURS, 4: parse_ranges("09:00-13:00")})
    finding = verdict(check_day_start, {"day_start": "09:00", "time_zone": "America/New_York"},
                      short_friday, dt.date(2026, 1, 12))
    assert "Mo 2 h, Tu 2 h, We 2 h, Th 2 h, Fr 0 h" in finding.reason
    assert finding.verdict == Verdict.MISMATCH
