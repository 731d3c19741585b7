"""Logging filters. A refused request (403, 404 and other client errors) is one line in the log: Django
attaches the PermissionDenied/Http404 exception to the record, whose traceback says nothing useful and
floods the log when someone probes the portal. Server errors keep their traceback."""

import logging


class OneLineClientErrors(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        status = getattr(record, "status_code", None)
        if isinstance(status, int) and 400 <= status < 500:
            record.exc_info = None
            record.exc_text = None
            record.stack_info = None
        return True
