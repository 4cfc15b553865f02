"""Input formats for en_GB: ISO first (see rapport.formats); display formats stay Django's."""

from django.conf.locale.en_GB import formats as _django

from rapport.formats import iso_first

_formats = iso_first(_django)
DATE_INPUT_FORMATS = _formats["DATE_INPUT_FORMATS"]
DATETIME_INPUT_FORMATS = _formats["DATETIME_INPUT_FORMATS"]
TIME_INPUT_FORMATS = _formats["TIME_INPUT_FORMATS"]
