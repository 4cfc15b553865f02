"""The filters a list page applies: every valid one, even when another is not.

A bookmarked link can carry a value that no longer exists (a deleted client, a status
renamed since). Dropping every filter because one is bad would show all rows under a
heading that still reads "filtered"; applying the valid ones and marking the bad one keeps
the user's choice and says what went wrong.
"""

from __future__ import annotations

from typing import Any

from django import forms


def chosen(form: forms.Form) -> dict[str, Any]:
    """The cleaned values of the fields that validated; {} for an unbound form.

    Validating runs `full_clean()`, which leaves the bad field's error on the form for
    the template to show and keeps only the good fields in `cleaned_data`."""
    if not form.is_bound:
        return {}
    form.is_valid()
    return {name: value for name, value in form.cleaned_data.items()
            if name not in form.errors}
