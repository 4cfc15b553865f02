"""The guided questions of a journal entry (DOMAIN.md §10).

Keys are stored with the answers; the wording lives here, translated when a page shows
it, so an entry written in German reads in English for an English reader and a reworded
question changes every entry at once.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

PROMPTS: dict[str, tuple[str, str]] = {
    "gut_feeling": (_("Did I ignore a bad gut feeling?"),
                    _("When did it first feel wrong, and what did I tell myself?")),
    "no_agreement": (_("Did we fail to agree on something?"),
                     _("Scope, deadlines, rates, channels, response times …")),
    "conditions": (_("Did I state my expectations, values and conditions?"),
                   _("Which of them did I leave unsaid or give up?")),
    "scarcity": (_("Did I say yes out of scarcity?"),
                 _("Would I have taken the work with full reserves and a waiting list?")),
    "patterns": (_("Which patterns did I train?"),
                 _("What did I answer at night, do for free or let slide, and so teach?")),
}


def prompt_rows(answers: dict[str, str]) -> list[tuple[str, str, str]]:
    """(key, question in the reader's language, answer) in the order of `PROMPTS`."""
    return [(key, str(question), (answers or {}).get(key, ""))
            for key, (question, _hint) in PROMPTS.items()]
