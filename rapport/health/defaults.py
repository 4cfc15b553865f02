"""The one visible place for how signals become warning signs.

`SIGNS` maps each warning sign of DOMAIN.md §7 to the signal kinds (and recorded incident
categories) that feed it, with a weight each. A negative weight counts in the client's
favour (a kept payment promise). Every workspace starts with these numbers and may change
them on the health settings page; `HealthSettings.weights` stores only the overrides.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

WINDOW_DAYS = 90

# sign -> {"label", "kinds": {kind: weight}, "incidents": {category: weight}}
SIGNS: dict[str, dict] = {
    "unreasonable_demands": {
        "label": _("Unreasonable demands"),
        "kinds": {"after_hours": 0.25, "late_night": 1.0, "urgency": 1.0, "off_topic_calls": 0.5},
        "incidents": {"unreasonable_demand": 2.0},
    },
    "everything_for_nothing": {
        "label": _("Everything for nothing"),
        "kinds": {"haggling": 1.0, "scope_creep": 1.0},
        "incidents": {"haggling": 2.0, "scope_creep": 2.0},
    },
    "slow_to_pay": {
        "label": _("Slow to pay"),
        "kinds": {"slow_payment": 1.0, "broken_promise": 1.5, "payment_excuse": 0.5,
                  "kept_promise": -1.0},
        "incidents": {"slow_payment": 2.0},
    },
    "does_not_listen": {
        "label": _("Does not listen"),
        "kinds": {"ignores_advice": 1.0},
        "incidents": {"did_not_listen": 2.0},
    },
    "does_not_respond": {
        "label": _("Does not respond"),
        "kinds": {"unresponsive": 1.0},
        "incidents": {"unresponsive": 2.0},
    },
    "lack_of_respect": {
        "label": _("Lack of respect"),
        "kinds": {"disrespect": 1.5, "cancellation": 1.0},
        "incidents": {"disrespect": 2.0},
    },
    "panic_mode": {
        "label": _("Permanent panic mode"),
        "kinds": {"urgency": 0.5},
        "incidents": {"panic": 2.0},
    },
    "integrity": {
        "label": _("Lack of integrity"),
        "kinds": {"broken_promise": 0.5},
        "incidents": {"integrity": 2.0},
    },
    "unrealistic_expectations": {
        "label": _("Unrealistic expectations"),
        "kinds": {},
        "incidents": {"unrealistic_expectation": 2.0},
    },
}

# One source (a message, an invoice) counts once per sign: with the highest weight of the
# kinds it raised (a late-night mail is also after hours; it counts as late-night).
# A weighted score of at least `watch` in the window is "watch", of at least `present`
# is "present". Incident weights are multiplied by the incident's severity (1–3) / 2,
# so one high-severity incident (2.0 × 1.5) makes its sign present.
THRESHOLDS: dict[str, str] = {"watch": "1.50", "present": "3.00"}
# Messages outside office hours count only when they are at least this share (in %) of
# the client's incoming messages in the window: a client who writes 200 mails, eight of
# them in the evening, respects your hours. Late-night messages (22–06) always count.
AFTER_HOURS_SHARE = 25

# Which signs ask for which action (see recommendation in assessment.py).
BOUNDARY_SIGNS = ("unreasonable_demands", "everything_for_nothing", "panic_mode",
                  "does_not_respond")
EXIT_SIGNS = ("slow_to_pay", "integrity", "lack_of_respect", "unrealistic_expectations",
              "does_not_listen")

# Value side: below this enjoyment (1–5) and share of income a client is easy to let go.
VALUE = {"low_enjoyment": 2, "high_enjoyment": 4, "major_share": 0.5}

# The script that answers each sign / recommendation.
SIGN_SCRIPTS: dict[str, str] = {
    "unreasonable_demands": "office_hours_reminder",
    "everything_for_nothing": "change_order_offer",
    "slow_to_pay": "late_fee_policy",
    "does_not_listen": "check_in",
    "does_not_respond": "another_contact",
    "lack_of_respect": "check_in",
    "panic_mode": "office_hours_reminder",
    "integrity": "check_in",
    "unrealistic_expectations": "check_in",
}
RECOMMENDATION_SCRIPTS: dict[str, str] = {
    "keep": "check_in",
    "talk_now": "check_in",
    "recalibrate": "office_hours_reminder",
    "plan_exit": "late_fee_policy",
    "let_go": "termination",
}


def default_weights() -> dict[str, dict[str, dict[str, float]]]:
    return {sign: {"kinds": dict(spec["kinds"]), "incidents": dict(spec["incidents"])}
            for sign, spec in SIGNS.items()}
