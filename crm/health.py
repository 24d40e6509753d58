"""GET /healthz: database and broker state as JSON, answered within a few seconds."""

import logging
import os

from django.db import connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from crm import celery

logger = logging.getLogger(__name__)

# Upper bound for one broker probe; the transport's own connect timeout applies too.
BROKER_PROBE_SECONDS = 3


def database_state() -> str:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:
        logger.warning("Health check: database unreachable", exc_info=True)
        return f"error: {exc.__class__.__name__}"
    return "ok"


def broker_state() -> str:
    app = celery.app
    if celery.uses_filesystem_broker(app):
        # Connecting to the file-system transport always succeeds; its folders are the broker.
        for folder in celery.filesystem_broker_folders(app):
            if not (folder.is_dir() and os.access(folder, os.R_OK | os.W_OK | os.X_OK)):
                logger.warning("Health check: broker folder %s is not usable", folder)
                return "error: folder not writable"
        return "ok"
    try:
        with app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=0, timeout=BROKER_PROBE_SECONDS)
    except Exception as exc:
        logger.warning("Health check: broker unreachable", exc_info=True)
        return f"error: {exc.__class__.__name__}"
    return "ok"


@never_cache
@require_GET
def healthz(request):
    checks = {"database": database_state(), "broker": broker_state()}
    failing = [name for name, state in checks.items() if state != "ok"]
    body = {"status": "error" if failing else "ok", "checks": checks, "failing": failing}
    return JsonResponse(body, status=503 if failing else 200)
