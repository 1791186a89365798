"""Request ids and structured log lines.

Every request gets an id (a fresh one; a reverse proxy's X-Request-ID is taken
over only from a trusted proxy). It is sent back in the X-Request-ID header,
added to every log line written while the request runs, and shown on the error
page, so a reader's report can be matched with the log.
"""

import contextvars
import json
import logging
import re
import traceback
import uuid

from .clients import client_address, is_trusted_proxy

current_request = contextvars.ContextVar("current_request", default=None)
VALID_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")


class RequestIdMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        offered = request.META.get("HTTP_X_REQUEST_ID", "")
        if offered and VALID_ID.match(offered) and is_trusted_proxy(request.META["REMOTE_ADDR"]):
            request.id = offered
        else:
            request.id = uuid.uuid4().hex
        token = current_request.set(request)
        try:
            response = self.get_response(request)
        finally:
            current_request.reset(token)
        response["X-Request-ID"] = request.id
        return response


class RequestContextFilter(logging.Filter):
    """Adds the current request's id, method, path and client to a log record."""

    def filter(self, record):
        request = getattr(record, "request", None) or current_request.get()
        if request is not None and hasattr(request, "META"):
            record.request_id = getattr(request, "id", None)
            record.method = request.method
            record.path = request.get_full_path()
            record.client = client_address(request)
        return True


class AccessLinesBelow400(logging.Filter):
    """runserver's access lines (logger django.server) for responses below 400 only:
    Django logs every response of 400 or more itself (logger django.request, with the
    request id), so under `make run` a 404 is one line, not two."""

    def filter(self, record):
        status = getattr(record, "status_code", None)
        return not (record.args and status is not None and status >= 400)


class JsonFormatter(logging.Formatter):
    """One JSON object per line; a traceback stays inside its line."""

    FIELDS = ("request_id", "method", "path", "client", "status_code")

    def format(self, record):
        line = {
            "time": self.formatTime(record, "%Y-%m-%dT%H:%M:%S"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        for field in self.FIELDS:
            value = getattr(record, field, None)
            if value is not None:
                line[field] = value
        if record.exc_info:
            line["exception"] = "".join(traceback.format_exception(*record.exc_info)).strip()
        return json.dumps(line, ensure_ascii=False)
