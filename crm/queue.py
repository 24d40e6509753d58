"""Enqueue Celery tasks after the surrounding transaction commits, never failing a request."""

import logging

from django.db import transaction

logger = logging.getLogger(__name__)


def enqueue_on_commit(task, *args, **kwargs) -> None:
    """Send `task` once the transaction commits; a broker outage is logged, not raised.

    Due work lives in the database, so a periodic sweep picks up what could not be sent.
    """

    def send() -> None:
        try:
            task.apply_async(args=args, kwargs=kwargs, retry=False)
        except Exception:  # the broker may be down; the sweep catches up
            logger.warning(
                "Could not enqueue %s; the sweep will catch up", task.name, exc_info=True
            )

    transaction.on_commit(send)
