"""A Content-Security-Policy that allows only the app's own assets, pages that need
nothing more, and production cookies and HSTS as documented."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
TEMPLATES = sorted(p for p in (ROOT / "rapport").rglob("templates/**/*.html")
                   if "/pdf/" not in str(p))  # PDFs are rendered by WeasyPrint, not a browser


@pytest.mark.django_db
def test_every_page_carries_a_policy_that_allows_only_the_apps_own_assets(client):
    policy = client.get("/accounts/login/")["Content-Security-Policy"]
    directives = dict(part.strip().split(" ", 1) for part in policy.split(";"))
    assert directives["default-src"] == "'self'"
    assert directives["script-src"] == "'self'"
    assert directives["style-src"] == "'self'"
    assert directives["frame-ancestors"] == "'none'"
    assert "unsafe-inline" not in directives["script-src"] + directives["style-src"]


@pytest.mark.parametrize("template", TEMPLATES, ids=lambda p: str(p.relative_to(ROOT)))
def test_no_page_needs_inline_scripts_or_style_elements(template):
    text = template.read_text(encoding="utf-8")
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", text), "inline <script>"
    assert "<style" not in text, "inline <style> element"
    assert not re.search(r"\son[a-z]+\s*=", text), "inline event handler"
    assert "javascript:" not in text


def _production(code: str, **extra_env: str) -> str:
    environment = {"DJANGO_SETTINGS_MODULE": "rapport.settings.production",
                   "SECRET_KEY": "k3y-" + "Zq8#mW2!xR5@vT9$pL1^" * 3,
                   "ALLOWED_HOSTS": "rapport.example.com", "PATH": "/usr/bin:/bin",
                   **extra_env}
    result = subprocess.run([sys.executable, "-c", "import django; django.setup();"
                             "from django.conf import settings as s;" + code],
                            cwd=ROOT, env=environment, capture_output=True, text=True,
                            timeout=60, check=True)
    return result.stdout.strip()


def test_production_language_cookie_is_secure_httponly_and_samesite(tmp_path):
    assert _production("print(s.LANGUAGE_COOKIE_SECURE, s.LANGUAGE_COOKIE_HTTPONLY,"
                       "s.LANGUAGE_COOKIE_SAMESITE)", RAPPORT_VAR_DIR=str(tmp_path)
                       ) == "True True Lax"


def test_hsts_preload_is_off_unless_the_operator_opts_in(tmp_path):
    code = "print(s.SECURE_HSTS_PRELOAD)"
    assert _production(code, RAPPORT_VAR_DIR=str(tmp_path)) == "False"
    assert _production(code, RAPPORT_VAR_DIR=str(tmp_path),
                       SECURE_HSTS_PRELOAD="true") == "True"


@pytest.mark.django_db
def test_the_language_switch_sets_the_cookie_with_the_configured_flags(client, settings):
    settings.LANGUAGE_COOKIE_SECURE = True
    settings.LANGUAGE_COOKIE_HTTPONLY = True
    settings.LANGUAGE_COOKIE_SAMESITE = "Lax"
    response = client.post("/accounts/language/", {"language": "de", "next": "/"})
    cookie = response.cookies[settings.LANGUAGE_COOKIE_NAME]
    assert cookie.value == "de"
    assert cookie["secure"] and cookie["httponly"] and cookie["samesite"] == "Lax"
