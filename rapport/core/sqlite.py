"""Case-insensitive search beyond ASCII on SQLite.

Django turns `icontains`, `istartswith`, `iendswith` and `iexact` into LIKE on SQLite, and
SQLite folds only A–Z: "über" missed "Überarbeitung", "öko" missed "ÖKO Bau". PostgreSQL
folds every letter. A search term with a non-ASCII letter therefore goes through
`rapport_like()`, which folds like Python's `re.IGNORECASE`; an ASCII term keeps SQLite's
own LIKE, which answers it correctly and without calling back into Python for every row
(a search through 300,000 messages would otherwise take several times as long).
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

from django.db import models
from django.db.models import lookups

FUNCTION = "rapport_like"


@lru_cache(maxsize=512)
def _compiled(pattern: str, escape: str | None) -> re.Pattern[str]:
    """A LIKE pattern as a regular expression: % any run, _ one character, `escape`
    makes the next character literal."""
    parts, position = [], 0
    while position < len(pattern):
        char = pattern[position]
        if escape and char == escape and position + 1 < len(pattern):
            parts.append(re.escape(pattern[position + 1]))
            position += 2
            continue
        parts.append(".*" if char == "%" else "." if char == "_" else re.escape(char))
        position += 1
    return re.compile("".join(parts), re.IGNORECASE | re.DOTALL)


def like(pattern: Any, value: Any, escape: Any = None) -> bool | None:
    """`value LIKE pattern ESCAPE escape`, ignoring the case of every letter."""
    if pattern is None or value is None:
        return None
    return _compiled(str(pattern), escape).fullmatch(str(value)) is not None


def install_like(sender: Any, connection: Any, **kwargs: Any) -> None:
    """Connected to `connection_created`: every new SQLite connection gets the function."""
    if connection.vendor == "sqlite":
        connection.connection.create_function(FUNCTION, 3, like, deterministic=True)


class _FoldsEveryLetter:
    """On SQLite, a term with a non-ASCII letter is compared by `rapport_like()`."""

    def as_sqlite(self, compiler: Any, connection: Any) -> tuple[str, Any]:
        if not (isinstance(self.rhs, str) and not self.rhs.isascii()):
            return super().as_sql(compiler, connection)  # type: ignore[misc]
        lhs_sql, lhs_params = self.process_lhs(compiler, connection)  # type: ignore[attr-defined]
        rhs_sql, rhs_params = self.process_rhs(compiler, connection)  # type: ignore[attr-defined]
        return f"{FUNCTION}({rhs_sql}, {lhs_sql}, '\\')", (*rhs_params, *lhs_params)


class IContains(_FoldsEveryLetter, lookups.IContains):
    pass


class IStartsWith(_FoldsEveryLetter, lookups.IStartsWith):
    pass


class IEndsWith(_FoldsEveryLetter, lookups.IEndsWith):
    pass


class IExact(_FoldsEveryLetter, lookups.IExact):
    pass


def register_lookups() -> None:
    """Text fields use the lookups above (they behave as Django's on other databases)."""
    for field in (models.CharField, models.TextField):
        for lookup in (IContains, IStartsWith, IEndsWith, IExact):
            field.register_lookup(lookup)
