"""Formats for en_GB: ISO first for input (see rapport.formats); dates as Django's, times
on the 24-hour clock ("13:03", not "1:03 p.m." or "noon"), as British business text has it."""

from django.conf.locale.en_GB import formats as _django

from rapport.formats import iso_first

_formats = iso_first(_django)
DATE_INPUT_FORMATS = _formats["DATE_INPUT_FORMATS"]
DATETIME_INPUT_FORMATS = _formats["DATETIME_INPUT_FORMATS"]
TIME_INPUT_FORMATS = _formats["TIME_INPUT_FORMATS"]
TIME_FORMAT = "H:i"
DATETIME_FORMAT = "j M Y, H:i"
SHORT_DATETIME_FORMAT = "d/m/Y H:i"
