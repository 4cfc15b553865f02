"""Helpers for the intake tests: a prospect with an interview, answers that fit."""

from __future__ import annotations

import pytest

from rapport.core.models import Workspace
from rapport.intake import services
from rapport.intake.models import Interview

GOOD_ANSWERS = {
    "business": "A housing cooperative with 400 members",
    "task": "Texts and proofreading for our annual report",
    "working_style": "regular_updates",
    "calls_per_week": 1,
    "channels": ["email", "video"],
    "response_time": "next_day",
    "weekends": "never",
    "budget_min": "3000", "budget_max": "3500",
    "day_start": "08:00", "time_zone": "Europe/Berlin",
    "deadline": "",
    "decider": "me",
}


@pytest.fixture
def profiled(workspace: Workspace) -> Workspace:
    """The test workspace with a freelancer's preferences filled in."""
    workspace.preferred_channels = ["email", "video"]
    workspace.max_calls_per_week = 1
    workspace.non_negotiables = ["No work on Sundays"]
    workspace.default_currency = "EUR"
    workspace.save()
    ideal = services.profile_of(workspace)
    ideal.avoid_list = ["gambling"]
    ideal.wont_do = ["infographics"]
    ideal.cant_yet = ["video scripts"]
    ideal.save()
    return workspace


@pytest.fixture
def interview(profiled: Workspace, owner) -> Interview:
    return services.create_prospect(profiled, name="Radwerk eG", contact_name="Merve",
                                    email="merve@radwerk.example", language="en", by=owner)
