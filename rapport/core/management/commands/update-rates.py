"""`rapport update-rates [FILE|URL]`: import ECB euro reference rates.

Without an argument it downloads the ECB's full history (`eurofxref-hist.zip`). A file or
URL may be the daily `eurofxref.csv`, the history CSV or either as ZIP. The whole file is
checked first; a malformed one is reported with its line and nothing is stored.
"""

from __future__ import annotations

import urllib.error
import urllib.request
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from rapport.core.rates import RateFileError, read_rates_file, save_rates

ECB_HISTORY = "https://www.ecb.europa.eu/stats/eurofxref/eurofxref-hist.zip"
MAX_BYTES = 20 * 1024 * 1024


def _download(url: str, timeout: float = 30) -> bytes:
    request = urllib.request.Request(url, headers={"User-Agent": "Rapport update-rates"})  # noqa: S310
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310
            data = response.read(MAX_BYTES + 1)
    except urllib.error.HTTPError as exc:
        raise CommandError(f"{url}: HTTP {exc.code}") from None
    except (urllib.error.URLError, OSError) as exc:
        raise CommandError(f"{url}: {getattr(exc, 'reason', exc)}") from None
    if len(data) > MAX_BYTES:
        raise CommandError(f"{url}: larger than {MAX_BYTES // (1024 * 1024)} MB")
    return data


class Command(BaseCommand):
    help = "Import ECB euro reference rates from a file or URL (default: the ECB history)."

    def add_arguments(self, parser) -> None:  # noqa: ANN001
        parser.add_argument("source", nargs="?", default=ECB_HISTORY,
                            help="eurofxref CSV or ZIP: a file path or an http(s) URL")

    def handle(self, *args: object, source: str, **options: object) -> None:
        if source.startswith(("http://", "https://")):
            data = _download(source)
        else:
            path = Path(source)
            if not path.is_file():
                raise CommandError(f"{source}: no such file")
            data = path.read_bytes()
        try:
            rates = read_rates_file(data)
        except RateFileError as exc:
            raise CommandError(f"{source}: {exc}; nothing was imported") from None
        if not rates:
            raise CommandError(f"{source}: no rates in the file; nothing was imported")
        new, changed = save_rates(rates)
        newest = max(rate.date for rate in rates)
        self.stdout.write(f"{new} new and {changed} corrected rates imported; "
                          f"newest reference date {newest.isoformat()}.")
