"""A large import on a real Celery worker: the progress bar moves while the worker checks
and imports the rows, the pages follow, and the uploader gets an e-mail.

Against Redis (CI: REDIS_URL; locally e.g. redis://127.0.0.1:6379/12) and the file-system
broker. The worker runs in a thread of this process (tests/celery_worker.py).
At each progress report it waits until the test has polled the progress piece, so the
test sees every step rather than racing the worker.
"""

import queue
import threading
from collections.abc import Iterator

import pytest
from celery.signals import task_postrun
from django.urls import reverse

from relations.models import Contact
from tests.celery_worker import WAIT_SECONDS, running_worker, wait_for
from transfer import services
from transfer.models import ImportJob, ImportStatus

from .conftest import HEADER_NL, csv_bytes, upload

pytestmark = pytest.mark.django_db(transaction=True)

ROWS = 23


@pytest.fixture(autouse=True)
def _small_batches(settings, tmp_path, monkeypatch, worker_connections):
    settings.VAR_DIR = tmp_path / "var"
    settings.SITE_URL = "https://crm.example.org"
    monkeypatch.setattr(services, "BACKGROUND_ROWS", 10)
    monkeypatch.setattr(services, "PROGRESS_EVERY", 5)
    monkeypatch.setattr(services, "BATCH", 5)


class Handshake:
    """Wraps services.progress_set: each report waits until the test has looked."""

    def __init__(self, monkeypatch) -> None:
        self.reported: queue.Queue[int] = queue.Queue()
        self.seen = threading.Semaphore(0)
        original = services.progress_set

        def progress_set(job, processed: int) -> None:
            original(job, processed)
            self.reported.put(processed)
            if not self.seen.acquire(timeout=WAIT_SECONDS):
                raise AssertionError("the test did not look at the progress")

        monkeypatch.setattr(services, "progress_set", progress_set)

    def follow(self, client, url: str, finished: threading.Event) -> list[tuple[int, str]]:
        """(reported count, value of the <progress> bar) at each report until the task ends."""
        steps = []
        while not (finished.is_set() and self.reported.empty()):
            try:
                processed = self.reported.get(timeout=0.05)
            except queue.Empty:
                continue
            piece = client.get(url, headers={"HX-Request": "true"}).content.decode()
            steps.append((processed, piece.split('<progress max="23" value="')[1].split('"')[0]))
            self.seen.release()
        return steps


@pytest.fixture
def task_finished() -> Iterator[dict[str, threading.Event]]:
    events = {"preview_import": threading.Event(), "run_import": threading.Event()}

    def record(sender=None, **kwargs) -> None:
        name = sender.name.rsplit(".", 1)[-1]
        if name in events:
            events[name].set()

    task_postrun.connect(record, weak=False)
    yield events
    task_postrun.disconnect(record)


def import_on_a_worker(client_for, networker, monkeypatch, task_finished, mailoutbox) -> None:
    handshake = Handshake(monkeypatch)
    client = client_for(networker)
    rows = [
        [f"Persoon {n} van 't Hof", "Gemeente Utrecht", f"p{n}@utrecht.nl", "", "", ""]
        for n in range(ROWS - 1)
    ]
    rows.append(["Kapot", "", "geen-adres", "", "", ""])
    content = csv_bytes(rows, HEADER_NL, delimiter=";", encoding="cp1252")

    with running_worker():
        response = client.post(
            reverse("transfer:import_start"), {"file": upload("groot.csv", content)}
        )
        job = ImportJob.objects.get()
        mapping = {f"column_{i}": field for i, field in enumerate(job.mapping)}
        response = client.post(response["Location"], {**mapping, "owner": networker.pk})
        progress = reverse("transfer:import_progress", args=[job.pk])
        assert response["Location"] == progress

        checking = handshake.follow(client, progress, task_finished["preview_import"])
        assert checking == [(5, "5"), (10, "10"), (15, "15"), (20, "20")]
        done = client.get(progress, headers={"HX-Request": "true"})
        assert done["HX-Redirect"] == reverse("transfer:import_preview", args=[job.pk])
        assert not Contact.objects.exists()

        response = client.post(reverse("transfer:import_confirm", args=[job.pk]))
        assert response["Location"] == progress
        importing = handshake.follow(client, progress, task_finished["run_import"])
        # One skipped row at once, then the new contacts five at a time, in one transaction.
        assert importing == [(1, "1"), (6, "6"), (11, "11"), (16, "16"), (21, "21"), (23, "23")]
        assert (
            client.get(progress, headers={"HX-Request": "true"})["HX-Redirect"]
            == job.get_absolute_url()
        )
        wait_for(lambda: len(mailoutbox) == 1, "the e-mail that the import is done")

    job.refresh_from_db()
    assert job.status == ImportStatus.DONE
    assert (job.created_count, job.updated_count, job.skipped_count) == (22, 0, 1)
    assert Contact.objects.count() == 22
    mail = mailoutbox[0]
    assert mail.to == [networker.email]
    assert mail.subject == "Your import of groot.csv is done"
    assert "22 contacts created" in mail.body and "1 row skipped" in mail.body
    assert f"https://crm.example.org{job.get_absolute_url()}" in mail.body
    page = client.get(job.get_absolute_url()).content.decode()
    assert "Undo this import" in page


@pytest.mark.services
def test_a_large_import_on_a_worker_over_redis_shows_progress_and_mails(
    redis_broker, client_for, networker, monkeypatch, task_finished, mailoutbox
):
    import_on_a_worker(client_for, networker, monkeypatch, task_finished, mailoutbox)


def test_a_large_import_on_a_worker_over_the_filesystem_broker_shows_progress_and_mails(
    filesystem_broker, client_for, networker, monkeypatch, task_finished, mailoutbox
):
    import_on_a_worker(client_for, networker, monkeypatch, task_finished, mailoutbox)
