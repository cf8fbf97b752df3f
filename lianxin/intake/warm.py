"""Load at start-up what the first suggestion would otherwise wait for (issue 27: over 20 s after a start):
jieba's dictionary with the governance terms, scikit-learn, and every town's model in use with its reference
data (``selectors.reference``, ``selectors.bundle_of``: cached per process, so the first request finds them).

Called from ``config/wsgi.py`` and ``config/asgi.py`` (each gunicorn worker, the demo's runserver) and by
``lianxin worker``; never by other management commands or the test suite. It runs in a daemon thread: the
process answers at once, and a request that comes before the thread is done loads what it needs itself,
as before (both load under the same locks and caches).
"""

from __future__ import annotations

import logging
import threading
import time

from django.conf import settings
from django.db import close_old_connections, connections

logger = logging.getLogger(__name__)
_started = threading.Event()


def warm() -> int:
    """Load it all now, in this thread; the number of towns whose model was loaded."""
    from . import classifier, text
    from .models import IntakeModel
    from .selectors import bundle_of, reference

    text.words("预热")  # jieba's dictionary, the terms, the regular expressions
    loaded = 0
    towns = IntakeModel.objects.filter(active=True).values_list("town_id", flat=True).distinct()
    for town_id in list(towns):
        ref = reference(town_id)
        bundle = bundle_of(ref.model) if ref.model is not None else None
        if bundle is not None:
            classifier.guesses(bundle, ["预热"])  # the first prediction's own set-up (scipy, numpy paths)
            loaded += 1
    return loaded


def _run() -> None:
    began = time.monotonic()
    try:
        loaded = warm()
    except Exception:  # a start must never fail on this: the first request loads what it needs
        logger.exception("intake warm-up failed; the first suggestion loads the model itself")
    else:
        logger.info("intake ready: %d town model(s) loaded in %.1f s", loaded, time.monotonic() - began)
    finally:
        close_old_connections()
        connections.close_all()  # this thread's own connections


def start() -> threading.Thread | None:
    """Warm in a daemon thread, once per process, unless ``INTAKE_WARM_AT_START`` is off."""
    if not getattr(settings, "INTAKE_WARM_AT_START", True) or _started.is_set():
        return None
    _started.set()
    thread = threading.Thread(target=_run, name="intake-warm", daemon=True)
    thread.start()
    return thread
