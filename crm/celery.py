"""The Celery app: configured from the CELERY_* Django settings, tasks found per app."""

import logging
import os
from pathlib import Path

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "crm.settings")

logger = logging.getLogger(__name__)

app = Celery("crm")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

FILESYSTEM_FOLDER_OPTIONS = (
    "data_folder_in",
    "data_folder_out",
    "processed_folder",
    "control_folder",
)


def uses_filesystem_broker(celery_app: Celery = app) -> bool:
    return str(celery_app.conf.broker_url or "").startswith("filesystem:")


def filesystem_broker_folders(celery_app: Celery = app) -> list[Path]:
    options = celery_app.conf.broker_transport_options or {}
    return [Path(options[name]) for name in FILESYSTEM_FOLDER_OPTIONS if options.get(name)]


def ensure_broker_folders(celery_app: Celery = app) -> None:
    """The file-system broker needs its folders to exist before anyone sends or consumes."""
    if uses_filesystem_broker(celery_app):
        for folder in filesystem_broker_folders(celery_app):
            folder.mkdir(parents=True, exist_ok=True)


@app.on_after_configure.connect
def _create_broker_folders(sender: Celery, **kwargs) -> None:
    try:
        ensure_broker_folders(sender)
    except OSError:  # /healthz reports the broker; the sweep catches up once it is back
        logger.warning("Could not create the file-system broker folders", exc_info=True)
