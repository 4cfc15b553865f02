"""Recognise a statement file's format and read it with the matching parser."""

from __future__ import annotations

from django.utils.translation import gettext as _

from rapport.banking.parsers import Parsed, ParseError, camt, presets, swift, table


def read(data: bytes, file_name: str = "", layout: table.Layout | None = None,
         layouts: list[table.Layout] | None = None) -> Parsed:
    """Parse `data`: CAMT and MT940 by their content, CSV with `layout` or, without one,
    with the first of `layouts` (the workspace's saved mappings) or of the bank presets
    whose columns the file has."""
    head = data[:65536].lstrip(b"\xef\xbb\xbf \r\n\t")
    if head.startswith(b"<") or camt.looks_like_camt(head):
        return camt.parse(data)
    if swift.looks_like_mt940(head) or file_name.lower().endswith((".sta", ".mt940", ".940")):
        return swift.parse(data)
    if layout is None:
        sample = table.decode(head, "utf-8-sig")
        for delimiter in (";", ",", "\t"):
            try:
                rows = [row for _line, row in table.rows(sample, delimiter)]
            except ParseError:
                continue
            layout = presets.detect(rows, layouts) if layouts else None
            layout = layout or presets.detect(rows)
            if layout and layout.delimiter == delimiter:
                break
            layout = None
    if layout is None:
        raise ParseError("", _("The file is neither a CAMT nor an MT940 statement, and its "
                               "columns match no bank preset or saved mapping. Choose the "
                               "bank or save a column mapping for it."))
    return table.parse(data, layout)
