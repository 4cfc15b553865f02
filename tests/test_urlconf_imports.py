"""Loading the web pages must not load the PDF engine: WeasyPrint brings Pango, which only
a PDF needs, and a web worker (or a machine without Pango) should not pay for it."""

from __future__ import annotations

import os
import subprocess
import sys

LOAD_URLCONF = (
    "import sys, django; django.setup(); import rapport.urls; "
    "print(sorted(name for name in ('weasyprint', 'sklearn') if name in sys.modules))"
)


def test_importing_the_urlconf_loads_neither_weasyprint_nor_scikit_learn() -> None:
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "rapport.settings.test"}
    result = subprocess.run([sys.executable, "-c", LOAD_URLCONF], env=env, capture_output=True,
                            text=True, timeout=300, check=True)
    assert result.stdout.strip().splitlines()[-1] == "[]"
