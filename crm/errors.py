"""Error pages: under /api/ the errors Django answers itself are JSON, as the API's own are.

A path the API's routes do not match (`/api/v1/contacts/abc/`, a typo) never reaches DRF,
and neither does a request Django refuses before the view parses it (a form with more than
DATA_UPLOAD_MAX_NUMBER_FIELDS fields, a body over DATA_UPLOAD_MAX_MEMORY_SIZE): without
these handlers an API client would get the HTML page.
"""

from django.http import JsonResponse
from django.utils.translation import gettext as _
from django.views import defaults
from rest_framework.exceptions import NotFound

API_PREFIX = "/api/"


def _is_api(request) -> bool:
    return request.path.startswith(API_PREFIX)


def not_found(request, exception):
    if _is_api(request):
        return JsonResponse({"detail": str(NotFound.default_detail)}, status=404)
    return defaults.page_not_found(request, exception)


def bad_request(request, exception):
    if _is_api(request):
        # The reason stays in the log (django.security): it may quote what was sent.
        detail = _("The request could not be read: too large, too many fields or malformed.")
        return JsonResponse({"detail": detail}, status=400)
    return defaults.bad_request(request, exception)
