"""Log records: a refused request is one line, not a traceback."""

from __future__ import annotations

import logging


class RefusalsWithoutTraceback(logging.Filter):
    """Drops the traceback of a record about a 4xx answer (403, 404, 400…).

    Django logs each refusal with the exception that said no (``PermissionDenied`` and the like); its
    traceback says nothing about a fault and buried real errors under thousands of them. Server errors
    (5xx) and records without a status keep theirs.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        status = getattr(record, "status_code", None)
        if isinstance(status, int) and status < 500:
            record.exc_info = None
            record.exc_text = None
        return True
