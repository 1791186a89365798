import sys

from django.conf import settings
from django.core.exceptions import SuspiciousOperation
from django.db import DatabaseError, InterfaceError, OperationalError, connection
from django.http import HttpResponse, HttpResponseServerError, JsonResponse
from django.template import loader
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from . import replicas

UNAVAILABLE = (
    "De Kennisbank is tijdelijk niet bereikbaar. Probeer het over een paar seconden opnieuw."
)
FAILED = "Door een fout aan onze kant lukte dit niet. Probeer het over een paar minuten opnieuw."
RETRY_AFTER_SECONDS = 10


@never_cache
@require_safe
def healthz(request):
    """200 with a small JSON body when the (primary) database answers, 503 otherwise.

    With read replicas, "replicas" gives each one's state ("ok", "lagging", "down",
    "not_a_replica") and lag in seconds, measured now. A replica that is down or
    lags does not make the site unhealthy (its reads go to the primary): still 200.
    """
    try:
        with connection.cursor() as cursor:  # the primary
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        body, status = {"status": "error", "database": "unavailable"}, 503
    else:
        body, status = {"status": "ok", "database": "ok"}, 200
    if settings.DATABASE_REPLICAS:
        body["replicas"] = replicas.report()
    return JsonResponse(body, status=status)


def wants_json(request):
    """Whether the client asked for JSON: the site's `?formaat=json` switch (the search
    API's), or an Accept header that prefers application/json to text/html. Browsers
    and clients that accept anything (`*/*`) get HTML."""
    try:
        if request.GET.get("formaat") == "json":
            return True
    except SuspiciousOperation:  # a query string too large to read
        pass
    return request.get_preferred_type(["text/html", "application/json"]) == "application/json"


def server_error(request):
    """The Dutch error page, with the request id that is also in the log line.

    When the database cannot be reached (or is busy) the reader gets a 503 "try again
    shortly" instead: the fault is temporary. A JSON request gets the same message as
    JSON (`{"fout": …, "foutcode": …}`). Neither touches the database.
    """
    request_id = getattr(request, "id", "")
    exception = sys.exc_info()[1]
    unavailable = isinstance(exception, OperationalError | InterfaceError)
    if wants_json(request):
        message = UNAVAILABLE if unavailable else FAILED
        response = JsonResponse(
            {"fout": message, "foutcode": request_id}, status=503 if unavailable else 500
        )
    elif unavailable:
        page = loader.get_template("503.html").render({"request_id": request_id})
        response = HttpResponse(page, status=503)
    else:
        page = loader.get_template("500.html").render({"request_id": request_id})
        response = HttpResponseServerError(page)
    if unavailable:
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response
