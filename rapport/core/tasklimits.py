"""A ceiling on the memory of a background worker, so one task cannot take the machine.

Imports and detection already stop at sizes and times of their own (upload size, text
analysed per message, calendar instances, sync minutes); this is the net under them.
Past the ceiling a task gets a `MemoryError`: that task fails and is recorded, the
worker and the tasks after it go on.
"""

from __future__ import annotations

import logging
import resource

logger = logging.getLogger(__name__)


def limit_memory(megabytes: int) -> None:
    """Cap this process's address space at `megabytes` (0: no cap; never raises it)."""
    if megabytes <= 0:
        return
    wanted = megabytes * 1024 * 1024
    _soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    if hard != resource.RLIM_INFINITY:
        wanted = min(wanted, hard)
    try:
        resource.setrlimit(resource.RLIMIT_AS, (wanted, hard))
    except (ValueError, OSError):
        logger.warning("Could not limit the worker's memory to %s MB", megabytes)
