"""Old WordPress addresses answer 301 with the column's address.

Placed above the page cache: `?p=1241` is answered before the cache or the home page
sees it, and an old path is looked up only when nothing else answered it (a 404), so
every other request costs no query. Redirects are never cached: the page cache keeps
200 responses only. The lookup never turns a 404 into an error.
"""

import logging

from django.db import DatabaseError
from django.http import HttpResponsePermanentRedirect

from .models import LegacyAddress

logger = logging.getLogger(__name__)


class LegacyAddressMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method in ("GET", "HEAD"):
            number = request.GET.get("p", "")
            if request.path_info == "/" and number.isdigit() and len(number) < 19:
                target = self._column_url(post_id=int(number))
                if target:
                    return HttpResponsePermanentRedirect(target)
        response = self.get_response(request)
        if response.status_code == 404 and request.method in ("GET", "HEAD"):
            target = self._old_path(request.path_info)
            if target:
                return HttpResponsePermanentRedirect(target)
        return response

    def _old_path(self, path):
        if len(path) > 255:
            return None
        candidates = {path, path.rstrip("/") + "/", path.rstrip("/")}
        candidates.discard("")
        return self._column_url(path__in=candidates)

    def _column_url(self, **lookup):
        """The column's address, or None. A failing lookup (a database not migrated
        yet, or not reachable) leaves the answer as it was: a 404 stays a 404, the
        home page stays the home page."""
        try:
            found = LegacyAddress.objects.filter(**lookup).select_related("column").first()
        except DatabaseError:
            # Not logged as a warning: the 404 itself is logged once, and a database
            # that fails shows in every other page.
            logger.debug("Old addresses could not be looked up", exc_info=True)
            return None
        return found.column.get_absolute_url() if found else None
