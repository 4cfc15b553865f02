"""Every signed-in page names an icon for the browser tab, and the icon is served."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.contrib.staticfiles import finders

pytestmark = pytest.mark.django_db


def test_pages_link_a_favicon_that_exists(owner_http):
    page = owner_http.get("/").content.decode()
    match = re.search(r'<link rel="icon" href="([^"]+)" type="image/svg\+xml">', page)
    assert match, "no favicon link"
    path = finders.find(match.group(1).removeprefix("/static/"))
    assert path and Path(path).read_text(encoding="utf-8").startswith("<svg")
