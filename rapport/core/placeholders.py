"""Texts with `{placeholders}` that users write: checked on save, rendered safely always.

Reminder texts and invoice number formats used to go through `str.format`, so a stray
`}` raised in the background task (and stopped it for every workspace), and `{seq.foo}`
or `{YYYY.__class__}` reached into Python objects. Here only plain `{name}` fields from a
known list are allowed (`{{` and `}}` stand for literal braces); `check()` says exactly
what is wrong for a form, and `render()` never raises.
"""

from __future__ import annotations

import re
import string
from collections.abc import Iterable, Mapping

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

_FIELD = re.compile(r"\{(\w+)(?::([^{}]*))?\}")
_FORMATTER = string.Formatter()


def problems(text: str, allowed: Iterable[str], *, multiline: bool = True,
             specs: Mapping[str, str] | None = None) -> list[str]:
    """Everything wrong with the placeholders of `text`, in words a user understands.

    `specs` maps a field to a regular expression its format spec must match (such as
    `{seq:04}`); fields not named there take no spec.
    """
    allowed = set(allowed)
    specs = specs or {}
    found: list[str] = []
    if not multiline and ("\r" in text or "\n" in text):
        found.append(_("Line breaks are not allowed here."))
    try:
        fields = list(_FORMATTER.parse(text))
    except ValueError:
        return found + [_broken(text)]
    for _literal, name, spec, conversion in fields:
        if name is None:
            continue
        shown = "{" + name + ("!" + conversion if conversion else "") \
            + (":" + spec if spec else "") + "}"
        spec_ok = not spec or (name in specs and re.fullmatch(specs[name], spec))
        if not name or not name.isidentifier() or not spec_ok or conversion:
            found.append(_("“%(placeholder)s” is not a valid placeholder; write a plain "
                           "name in braces, such as {%(example)s}.")
                         % {"placeholder": shown, "example": sorted(allowed)[0] if allowed
                            else "name"})
        elif name not in allowed:
            found.append(_("“%(placeholder)s” is not a known placeholder. Known: %(known)s.")
                         % {"placeholder": shown,
                            "known": ", ".join("{" + a + "}" for a in sorted(allowed))})
    return found


def _broken(text: str) -> str:
    """Point at the first brace that does not pair up."""
    depth, start = 0, 0
    index = 0
    while index < len(text):
        char = text[index]
        if char in "{}" and text[index:index + 2] in {"{{", "}}"} and depth == 0:
            index += 2
            continue
        if char == "{":
            if depth:
                break
            depth, start = 1, index
        elif char == "}":
            if not depth:
                start = index
                break
            depth = 0
        index += 1
    snippet = text[max(0, start - 10):start + 10].replace("\n", " ")
    return _("Unmatched brace near “%(snippet)s”: write {{ or }} for a literal brace, or "
             "close the placeholder.") % {"snippet": snippet}


def check(text: str, allowed: Iterable[str], *, multiline: bool = True,
          specs: Mapping[str, str] | None = None) -> None:
    """Raise a ValidationError listing every problem (for a form's clean method)."""
    found = problems(text, allowed, multiline=multiline, specs=specs)
    if found:
        raise ValidationError(found)


def is_valid(text: str, allowed: Iterable[str], *, multiline: bool = True,
             specs: Mapping[str, str] | None = None) -> bool:
    try:
        check(text, allowed, multiline=multiline, specs=specs)
    except ValidationError:
        return False
    return True


def render(text: str, values: Mapping[str, object],
           specs: Mapping[str, str] | None = None) -> str:
    """Fill the placeholders; never raises.

    A valid text is formatted normally (so `{{` becomes `{`); a broken one has its known
    `{name}` fields filled and everything else left exactly as typed.
    """
    if is_valid(text, values.keys(), specs=specs):
        try:
            return text.format_map(dict(values))
        except (ValueError, TypeError):  # a spec that suits the pattern, not the value
            pass
    specs = specs or {}

    def fill(match: re.Match) -> str:
        name, spec = match.group(1), match.group(2) or ""
        if name not in values:
            return match.group(0)
        if not spec:
            return str(values[name])
        if name in specs and re.fullmatch(specs[name], spec):
            try:
                return format(values[name], spec)
            except (ValueError, TypeError):
                pass
        return match.group(0)

    return _FIELD.sub(fill, text)
