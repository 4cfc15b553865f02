"""The demo workspace shows vetting at work: a good fit, a dealbreaker, a waiting list."""

from __future__ import annotations

import pytest
from django.test import Client as HttpClient
from django.utils import translation

from rapport.accounts.models import User
from rapport.core.models import Workspace
from rapport.front.demo import DEMO_EMAIL, DEMO_WORKSPACE, build_demo
from rapport.intake import services
from rapport.intake.fit import Advice, Verdict
from rapport.intake.models import Interview


@pytest.mark.django_db
def test_the_demo_has_a_good_fit_a_dealbreaker_and_a_waiting_list():
    build_demo()
    workspace = Workspace.objects.get(name=DEMO_WORKSPACE)
    good = Interview.objects.get(workspace=workspace, client__name="Radwerk Kollektiv eG")
    assessment = services.assess(good)
    assert assessment.recommendation.advice == Advice.PROCEED
    assert assessment.report.count(Verdict.DEALBREAKER) == 0

    bad = Interview.objects.get(workspace=workspace, client__name="Nachtschicht Events GmbH")
    assessment = services.assess(bad)
    assert assessment.recommendation.advice == Advice.DECLINE
    weekends = assessment.report.by_key()["weekends"]
    assert weekends.verdict == Verdict.DEALBREAKER
    assert "Keine Arbeit am Sonntag" in weekends.reason
    assert bad.link_is_usable()

    assert services.waiting_list_count(workspace) == 3
    assert services.due_entries(workspace).count() == 2

    http = HttpClient()
    http.force_login(User.objects.get(email=DEMO_EMAIL))
    with translation.override(translation.get_language()):
        for url in ["/prospects/", good.get_absolute_url(), bad.get_absolute_url(),
                    "/prospects/waiting/", "/prospects/profile/", "/prospects/questions/",
                    f"/q/{bad.token}/"]:
            assert http.get(url).status_code == 200, url
