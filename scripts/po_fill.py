"""Fill untranslated entries of the German catalogue: `python scripts/po_fill.py 'en=de' …`.

A small aid for translators working from the command line; entries are matched by
their exact msgid and only empty msgstr lines are filled.
"""

import re
import sys
from pathlib import Path

PO = Path(__file__).resolve().parent.parent / "rapport/locale/de/LC_MESSAGES/django.po"


def fill(pairs: dict[str, str]) -> list[str]:
    text = PO.read_text(encoding="utf-8")
    missing = []
    for english, german in pairs.items():
        quoted = english.replace("\\", "\\\\").replace('"', '\\"')
        pattern = re.compile(r'(\nmsgid "' + re.escape(quoted) + r'"\nmsgstr )""\n')
        german_quoted = german.replace('"', '\\"')
        text, count = pattern.subn(lambda m, g=german_quoted: f'{m.group(1)}"{g}"\n', text)
        if not count:
            missing.append(english)
    PO.write_text(text, encoding="utf-8")
    return missing


if __name__ == "__main__":
    args = dict(arg.split("=", 1) for arg in sys.argv[1:])
    for item in fill(args):
        print(f"not found or already translated: {item}")
