"""One way to page a long list: a page of rows plus the query string that keeps the filters.

Every list page calls `paginate()` and includes `core/_pager.html`; the pager's links keep
the filters the user chose (everything in the query string but the page number), so paging
through "overdue invoices of client X" stays on overdue invoices of client X.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.core.paginator import Page, Paginator
from django.http import HttpRequest

PAGE_SIZE = 25
PAGE_SIZES = (25, 50, 100)


@dataclass(frozen=True)
class Paged:
    """A page of rows and what the pager needs to link to its neighbours."""

    page: Page
    query: str        # the request's query string without `page`, for the pager's links
    param: str = "page"

    @property
    def rows(self) -> Sequence[Any]:
        return self.page.object_list

    @property
    def count(self) -> int:
        """All matching rows, on every page."""
        return self.page.paginator.count

    def __iter__(self):  # noqa: ANN204 - iterate the page's rows in templates
        return iter(self.page.object_list)


def page_size(request: HttpRequest, default: int = PAGE_SIZE) -> int:
    """The size the user picked (`?per_page=50`) if it is one we offer, else the default."""
    value = request.GET.get("per_page", "")
    return int(value) if value.isdigit() and int(value) in PAGE_SIZES else default


def paginate(request: HttpRequest, rows: Any, per_page: int | None = None,
             param: str = "page") -> Paged:
    """The requested page of `rows` (a queryset, counted and sliced by the database).

    A page number out of range or not a number shows the nearest page rather than an error:
    a bookmarked link still opens after rows went away."""
    size = per_page or page_size(request)
    page = Paginator(rows, size).get_page(request.GET.get(param))
    query = request.GET.copy()
    query.pop(param, None)
    return Paged(page=page, query=query.urlencode(), param=param)
