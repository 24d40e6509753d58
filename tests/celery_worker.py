"""A real Celery worker for tests: in a thread of the test process, so it shares the test
database (tests need transaction=True to commit what it must see) and the locmem outbox.

Used by the reminder tests of every app; the broker fixtures point the Celery app at Redis
(CI) or at a file-system broker under the test's tmp_path (a laptop without Redis).
"""

import contextlib
import logging
import threading
import time
from collections.abc import Callable, Iterator

import pytest
from celery.contrib.testing.worker import TestWorkController, start_worker
from celery.signals import task_postrun
from django.db import connection

from crm import celery as crm_celery
from tests.conftest import filesystem_broker_options

WAIT_SECONDS = 30


class BoundedWorkController(TestWorkController):
    """Fails instead of hanging when the worker does not come up."""

    def ensure_started(self) -> None:
        if not self._on_started.wait(WAIT_SECONDS):
            raise AssertionError(f"the Celery worker did not start within {WAIT_SECONDS}s")


def wait_for(condition: Callable[[], bool], what: str) -> None:
    deadline = time.monotonic() + WAIT_SECONDS
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {WAIT_SECONDS}s waiting for {what}")
        time.sleep(0.05)


@contextlib.contextmanager
def running_worker() -> Iterator[TestWorkController]:
    # The embedded worker sets up logging (root level, handlers); put it back afterwards.
    root = logging.getLogger()
    level, handlers = root.level, list(root.handlers)
    try:
        with start_worker(
            crm_celery.app,
            pool="solo",
            perform_ping_check=False,
            shutdown_timeout=WAIT_SECONDS,
            WorkController=BoundedWorkController,
        ) as worker:
            yield worker
    finally:
        root.setLevel(level)
        root.handlers[:] = handlers


@pytest.fixture
def worker_connections(monkeypatch) -> None:
    # Close the worker thread's connection after each task (Celery's Django fix-up does
    # so when it is obsolete), so none is left open when the test database goes away.
    monkeypatch.setitem(connection.settings_dict, "CONN_MAX_AGE", 0)


@pytest.fixture
def finished_tasks() -> Iterator[list[tuple[str, object]]]:
    """(task name, return value) of every task the worker finished, in order."""
    finished: list[tuple[str, object]] = []
    lock = threading.Lock()

    def record(sender=None, retval=None, **kwargs) -> None:
        with lock:
            finished.append((sender.name, retval))

    task_postrun.connect(record, weak=False)
    yield finished
    task_postrun.disconnect(record)


@pytest.fixture
def redis_broker(redis_url, use_broker) -> str:
    use_broker(redis_url, visibility_timeout=3600, socket_connect_timeout=3, socket_timeout=10)
    crm_celery.app.control.purge()  # leftovers of an earlier, interrupted run
    return redis_url


@pytest.fixture
def filesystem_broker(tmp_path, use_broker) -> str:
    use_broker("filesystem://", **filesystem_broker_options(tmp_path, polling_interval=0.1))
    return "filesystem://"
