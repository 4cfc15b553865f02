"""Every text the code and the templates mark for translation has a German translation.

The msgids are read straight from the sources (Python calls of gettext and friends,
`{% translate %}` and `{% blocktranslate %}` in templates) and looked up in the German
catalogue; an empty or fuzzy entry counts as missing.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

from babel.messages.pofile import read_po

import rapport

ROOT = Path(rapport.__file__).parent
CATALOGUE = ROOT / "locale" / "de" / "LC_MESSAGES" / "django.po"
CALLS = {"_", "gettext", "gettext_lazy", "ngettext", "ngettext_lazy", "pgettext",
         "pgettext_lazy", "npgettext", "npgettext_lazy", "gettext_noop"}
TAG = re.compile(r'{%\s*(?:trans|translate)\s+"((?:[^"\\]|\\.)*)"')
BLOCK = re.compile(r"{%\s*blocktrans(?:late)?(.*?)%}(.*?){%\s*(?:plural|endblocktrans(?:late)?)"
                   r"\s*%}", re.S)


def msgids_in_code() -> dict[str, str]:
    """msgid → where it is used."""
    found: dict[str, str] = {}
    for path in ROOT.rglob("*.py"):
        if "migrations" in path.parts:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        aliases = {alias.asname: alias.name for node in ast.walk(tree)
                   if isinstance(node, ast.ImportFrom) and node.module == "django.utils.translation"
                   for alias in node.names if alias.asname}
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call) or not node.args:
                continue
            func = node.func
            name = getattr(func, "id", None) or getattr(func, "attr", None)
            name = aliases.get(name, name)
            if name not in CALLS:
                continue
            args = node.args[1:] if name.startswith(("pgettext", "npgettext")) else node.args
            if args and isinstance(args[0], ast.Constant) and isinstance(args[0].value, str):
                found.setdefault(args[0].value, f"{path.relative_to(ROOT)}:{node.lineno}")
    for path in ROOT.rglob("*.html"):
        text = path.read_text(encoding="utf-8")
        where = str(path.relative_to(ROOT))
        for match in TAG.finditer(text):
            found.setdefault(match.group(1), where)
        for match in BLOCK.finditer(text):
            body = match.group(2)
            if "trimmed" in match.group(1):
                body = " ".join(line.strip() for line in body.strip().splitlines())
            body = re.sub(r"{{\s*(\w+)\s*}}", r"%(\1)s", body.replace("%", "%%"))
            found.setdefault(body, where)
    return found


def translated_msgids() -> set[str]:
    with CATALOGUE.open("rb") as po:
        done = set()
        for message in read_po(po):
            ids = message.id if isinstance(message.id, tuple) else (message.id,)
            strings = message.string if isinstance(message.string, tuple) else (message.string,)
            if ids[0] and all(strings) and not message.fuzzy:
                done.update(ids)
    return done


def test_every_text_marked_for_translation_has_a_german_translation():
    found = msgids_in_code()
    assert len(found) > 1000  # the extraction sees the project's texts
    done = translated_msgids()
    missing = {msgid: where for msgid, where in found.items() if msgid not in done}
    assert not missing, "No German translation for:\n" + "\n".join(
        f"{where}: {msgid!r}" for msgid, where in sorted(missing.items(), key=lambda m: m[1]))
