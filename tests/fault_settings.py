"""Settings of the Celery workers that tests/test_faults.py starts as separate processes.

crm.settings, plus what the worker-killed test needs, all from variables the test sets:
a short Redis visibility timeout (FAULT_VISIBILITY_TIMEOUT, seconds) with the unacked
messages scanned every second, so a message a killed worker left unacknowledged comes back
within seconds instead of an hour; and e-mail written to files in FAULT_MAIL_DIR, after
FAULT_MAIL_DELAY seconds per message, so the test can kill a worker half-way through a
batch and count the messages of every process. The stale-claim age comes from
REMINDER_STALE_CLAIM_SECONDS, as in production.
"""

import os
import time

from django.core.mail.backends.filebased import EmailBackend as FileEmailBackend

from crm.settings import *  # noqa: F403
from crm.settings import CELERY_BROKER_TRANSPORT_OPTIONS

CELERY_BROKER_TRANSPORT_OPTIONS = {
    **CELERY_BROKER_TRANSPORT_OPTIONS,
    "visibility_timeout": float(os.environ.get("FAULT_VISIBILITY_TIMEOUT", "3600")),
    "unacked_restore_interval": 1,
    "unacked_restore_throttle": 1,
}


class SlowFileEmailBackend(FileEmailBackend):
    """The file back-end, taking FAULT_MAIL_DELAY seconds before it writes each message."""

    def send_messages(self, email_messages):
        time.sleep(float(os.environ.get("FAULT_MAIL_DELAY", "0")) * len(email_messages))
        return super().send_messages(email_messages)


MAILERS = {
    "default": {
        "BACKEND": "tests.fault_settings.SlowFileEmailBackend",
        "OPTIONS": {"file_path": os.environ.get("FAULT_MAIL_DIR", "var/fault-mail")},
    }
}
