import sys

from django.db import DatabaseError, InterfaceError, OperationalError, connection
from django.http import HttpResponse, HttpResponseServerError, JsonResponse
from django.template import loader
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe


@never_cache
@require_safe
def healthz(request):
    """200 with a small JSON body when the database answers, 503 otherwise."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        return JsonResponse({"status": "error", "database": "unavailable"}, status=503)
    return JsonResponse({"status": "ok", "database": "ok"})


def server_error(request):
    """The Dutch error page, with the request id that is also in the log line.

    When the database cannot be reached (or is busy) the reader gets a 503 "try again shortly"
    page instead: the fault is temporary. Neither page touches the database.
    """
    context = {"request_id": getattr(request, "id", "")}
    exception = sys.exc_info()[1]
    if isinstance(exception, OperationalError | InterfaceError):
        template = loader.get_template("503.html")
        response = HttpResponse(template.render(context), status=503)
        response["Retry-After"] = "10"
        return response
    return HttpResponseServerError(loader.get_template("500.html").render(context))
