"""Staying up: the application keeps serving, and sends every reminder exactly once, through
a Redis outage, a worker killed half-way through a batch, and a database restart.

Every test starts the servers it breaks: its own `redis-server` on a free port (never the
shared Redis), its own Celery worker or gunicorn processes. The shared PostgreSQL server is
never restarted: a restart is simulated by terminating every connection to the test database.
Without redis-server or PostgreSQL the tests skip with the reason (fail with REQUIRE_SERVICES=1).
"""

import contextlib
import ctypes
import http.client
import logging
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path
from urllib.parse import quote

import kombu.exceptions
import pytest
from django.conf import settings as django_settings
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from relations.models import Contact, FollowUp, ReminderLog
from relations.tasks import send_followup_reminder, sweep_followup_reminders
from tests.celery_worker import running_worker, wait_for
from tests.conftest import make_user, service_missing

BASE_DIR = Path(django_settings.BASE_DIR)
pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.services]

SWEEP = sweep_followup_reminders.name
SEND = send_followup_reminder.name
# Every wait is bounded; a process that does not stop in time is killed.
START_SECONDS = 20
STOP_SECONDS = 10


# Helpers: free ports, waiting, subprocesses


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until(condition: Callable[[], bool], what: str, seconds: float, log=None) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            detail = f"\n--- {log} ---\n{tail(log)}" if log else ""
            raise AssertionError(f"timed out after {seconds}s waiting for {what}{detail}")
        time.sleep(0.05)


def tail(path: Path, lines: int = 40) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return "(no log)"


def stop_process(process: subprocess.Popen, sig: int = signal.SIGTERM) -> None:
    """Signal the process group (the process and its children); kill it if it lingers."""
    if process.poll() is None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, sig)
        try:
            process.wait(STOP_SECONDS)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
            process.wait(STOP_SECONDS)


# Linux: a child asks for SIGKILL when the test process dies, so none outlives a test run
# that is itself killed before a fixture can stop its processes.
PR_SET_PDEATHSIG = 1
try:
    _prctl = ctypes.CDLL(None, use_errno=True).prctl if sys.platform == "linux" else None
except (OSError, AttributeError):
    _prctl = None


def die_with_parent() -> None:
    _prctl(PR_SET_PDEATHSIG, signal.SIGKILL)  # in the child, between fork and exec


def start_process(args: list[str], env: dict[str, str], log: Path) -> subprocess.Popen:
    with log.open("ab") as out:
        return subprocess.Popen(
            args,
            cwd=BASE_DIR,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group, so it can be killed whole
            preexec_fn=die_with_parent if _prctl else None,
        )


def database_url(**query) -> str:
    """The URL of the test database (test_<name>), for processes outside this one."""
    db = connection.settings_dict
    credentials = quote(db["USER"] or "", safe="")
    if db["PASSWORD"]:
        credentials += ":" + quote(db["PASSWORD"], safe="")
    url = f"postgres://{credentials}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
    if query:
        url += "?" + "&".join(f"{key}={quote(value)}" for key, value in query.items())
    return url


def child_env(**extra: str) -> dict[str, str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"EMAIL_HOST", "REDIS_URL", "DATABASE_URL"}
    }
    env.update(PYTHONPATH=str(BASE_DIR), PYTHONUNBUFFERED="1", LOG_LEVEL="INFO")
    env.update(extra)
    return env


# Our own Redis, which the tests stop and start


class RedisServer:
    """A throw-away redis-server on a free port: no persistence, data under `workdir`."""

    def __init__(self, binary: str, workdir: Path) -> None:
        self.binary = binary
        self.workdir = workdir
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.log = workdir / "redis.log"
        self.process: subprocess.Popen | None = None

    def client(self):
        import redis
        from redis.backoff import NoBackoff
        from redis.retry import Retry

        return redis.Redis(
            port=self.port, socket_connect_timeout=1, socket_timeout=5, retry=Retry(NoBackoff(), 0)
        )

    def ping(self) -> bool:
        try:
            return bool(self.client().ping())
        except Exception:
            return False

    def start(self) -> None:
        args = [self.binary, "--port", str(self.port), "--bind", "127.0.0.1"]
        args += ["--save", "", "--appendonly", "no", "--dir", str(self.workdir)]
        self.process = start_process(args, env=dict(os.environ), log=self.log)
        wait_until(self.ping, f"redis-server on port {self.port}", START_SECONDS, self.log)

    def stop(self) -> None:
        if self.process is not None:
            stop_process(self.process)
            self.process = None
        wait_until(lambda: not self.ping(), "redis-server to stop", STOP_SECONDS)


@pytest.fixture
def own_redis(tmp_path) -> Iterator[RedisServer]:
    binary = shutil.which("redis-server")
    if binary is None:
        service_missing("redis-server not found (Debian: apt-get install redis-server)")
    workdir = tmp_path / "redis"
    workdir.mkdir()
    server = RedisServer(binary, workdir)
    try:
        server.start()
        yield server
    finally:
        server.stop()


@pytest.fixture
def own_redis_broker(own_redis, use_broker) -> RedisServer:
    """The Celery app of this process publishes to our Redis, with production's timeouts."""
    use_broker(
        own_redis.url,
        visibility_timeout=3600,
        socket_connect_timeout=1,
        socket_timeout=5,
        max_retries=1,
        interval_start=0.2,
        interval_step=0.5,
        interval_max=1,
    )
    return own_redis


def due_followup(assignee, contact, text: str) -> FollowUp:
    return FollowUp.objects.create(
        assignee=assignee,
        created_by=assignee,
        contact=contact,
        text=text,
        due_on=timezone.localdate(),
    )


# 1. Redis down


def test_redis_down_pages_work_healthz_names_the_broker_and_no_reminder_is_lost_or_doubled(
    own_redis_broker,
    settings,
    worker_connections,
    client_for,
    networker,
    colleague,
    contact,
    finished_tasks,
    mailoutbox,
    caplog,
):
    settings.FOLLOWUP_REMINDER_HOUR = 0  # the sweep sends whatever the time of day
    redis = own_redis_broker
    today = timezone.localdate().isoformat()
    client = client_for(networker)
    redis.stop()

    # Pages keep working: My network, and logging a meeting with a follow-up due today.
    assert client.get(reverse("relations:my_network")).status_code == 200
    for assignee in (networker, colleague):
        response = client.post(
            reverse("relations:meeting_log"),
            {
                "kind": "coffee",
                "occurred_on": today,
                "our_participants": [networker.pk],
                "contacts": [contact.pk],
                "summary": "Talked through the energy plan",
                "next_step_text": f"Send the plan ({assignee.username})",
                "next_step_due_on": today,
                "next_step_assignee": assignee.pk,
            },
        )
        assert response.status_code == 302, response.content.decode()[:2000]
    assert FollowUp.objects.filter(due_on=today).count() == 2
    assert client.get(reverse("relations:my_network")).status_code == 200

    # /healthz says what is wrong, quickly.
    started = time.monotonic()
    response = client.get("/healthz")
    assert time.monotonic() - started < 5
    assert response.status_code == 503
    assert response.json()["failing"] == ["broker"]
    assert response.json()["checks"]["database"] == "ok"

    # Beat cannot publish the sweep, and a sweep that runs cannot enqueue its reminders:
    # both fail fast, the sweep's only in the log.
    started = time.monotonic()
    with pytest.raises(kombu.exceptions.OperationalError):
        sweep_followup_reminders.delay()
    caplog.set_level(logging.WARNING, logger="crm.queue")
    assert sweep_followup_reminders() == 2
    assert time.monotonic() - started < 10
    failed = [r for r in caplog.records if r.getMessage().startswith("Could not enqueue")]
    assert len(failed) == 2, [r.getMessage() for r in caplog.records]
    assert mailoutbox == []
    assert not ReminderLog.objects.exists()

    # Redis is back: beat's catch-up sweep on a real worker sends each assignee one e-mail.
    redis.start()
    with running_worker():
        sweep_followup_reminders.delay()
        wait_for(lambda: [n for n, _ in finished_tasks if n == SWEEP] == [SWEEP], "the sweep")
        wait_for(lambda: len(mailoutbox) == 2, "two reminder e-mails")
        wait_for(
            lambda: len([n for n, _ in finished_tasks if n == SEND]) == 2, "both reminder tasks"
        )
        assert sorted(m.to[0] for m in mailoutbox) == sorted([networker.email, colleague.email])

        # The next catch-up sweep finds nothing left to send.
        sweep_followup_reminders.delay()
        wait_for(lambda: len([n for n, _ in finished_tasks if n == SWEEP]) == 2, "a 2nd sweep")
    assert [retval for name, retval in finished_tasks if name == SWEEP] == [2, 0]
    assert len(mailoutbox) == 2
    assert ReminderLog.objects.filter(sent_at__isnull=False).count() == 2


# 2. Worker killed half-way through a batch


def mail_recipients(mail_dir: Path) -> Counter:
    """How many messages each address got, from the files of every worker process."""
    recipients: Counter = Counter()
    for path in mail_dir.glob("*.log"):
        recipients.update(re.findall(r"^To: (\S+)\s*$", path.read_text(), flags=re.MULTILINE))
    return recipients


def task_results(log: Path, task: str) -> list[str]:
    """The return values of `task` that a worker process logged, in order."""
    pattern = rf"Task {re.escape(task)}\[[^\]]+\] succeeded in [\d.]+s: (\S+)"
    return re.findall(pattern, log.read_text(errors="replace"))


def task_ids(log: Path, task: str, event: str) -> list[str]:
    """The ids of the `task` messages a worker process logged as `event` (received, succeeded)."""
    return re.findall(rf"Task {re.escape(task)}\[([^\]]+)\] {event}", log.read_text())


@pytest.fixture
def start_worker(require_postgresql, tmp_path, own_redis) -> Iterator[Callable[..., object]]:
    """`start_worker(name, mail_delay)`: a `celery -A crm worker` process on the test database
    and our Redis; every one still running is stopped at the end."""
    processes: list[subprocess.Popen] = []
    mail_dir = tmp_path / "mail"
    mail_dir.mkdir()

    def start(name: str, mail_delay: float) -> subprocess.Popen:
        env = child_env(
            DJANGO_SETTINGS_MODULE="tests.fault_settings",
            DATABASE_URL=database_url(),
            DB_CONN_MAX_AGE="0",
            REDIS_URL=own_redis.url,
            VAR_DIR=str(tmp_path / "var"),
            FOLLOWUP_REMINDER_HOUR="0",
            REMINDER_STALE_CLAIM_SECONDS=str(STALE_CLAIM_SECONDS),
            FAULT_VISIBILITY_TIMEOUT=str(VISIBILITY_TIMEOUT_SECONDS),
            FAULT_MAIL_DIR=str(mail_dir),
            FAULT_MAIL_DELAY=str(mail_delay),
        )
        log = tmp_path / f"{name}.log"
        args = [sys.executable, "-m", "celery", "-A", "crm", "worker", "--pool=solo"]
        args += ["--loglevel=INFO", "--without-gossip", "--without-mingle", "--without-heartbeat"]
        args += ["--hostname", f"{name}@faults"]
        process = start_process(args, env=env, log=log)
        process.log = log
        processes.append(process)
        return process

    start.mail_dir = mail_dir
    try:
        yield start
    finally:
        for process in processes:
            stop_process(process)


# A claim and an unacknowledged message of the killed worker: both must come back soon, the
# message only after the claim went stale (else the redelivery would find it still "busy").
STALE_CLAIM_SECONDS = 2
VISIBILITY_TIMEOUT_SECONDS = 6
# Long enough to kill the worker while it sends; the claim is taken just before.
MAIL_DELAY_SECONDS = 2


def test_worker_killed_mid_batch_every_reminder_is_sent_exactly_once(
    start_worker, own_redis_broker, settings
):
    settings.FOLLOWUP_REMINDER_HOUR = 0
    day = timezone.localdate()
    contact = Contact.objects.create(first_name="Anna", last_name="Jansen")
    assignees = [make_user(f"assignee{n}") for n in range(4)]
    for user in assignees:
        due_followup(user, contact, f"Call Anna ({user.username})")
    mail_dir = start_worker.mail_dir

    def logs():
        return ReminderLog.objects.filter(day=day).order_by("pk")

    def in_flight() -> list[ReminderLog]:
        return list(logs().filter(claimed_at__isnull=False, sent_at__isnull=True))

    def second_one_being_sent() -> bool:
        sent = logs().filter(sent_at__isnull=False).count()
        return sent == 1 and len(in_flight()) == 1 and sum(mail_recipients(mail_dir).values()) == 1

    # The beat's sweep; the worker sends the batch one e-mail at a time, slowly.
    sweep_followup_reminders.delay()
    first = start_worker("first", mail_delay=MAIL_DELAY_SECONDS)
    wait_until(
        second_one_being_sent,
        "the first e-mail out and the second one being sent",
        START_SECONDS + 3 * MAIL_DELAY_SECONDS,
        first.log,
    )
    stop_process(first, signal.SIGKILL)
    assert first.returncode == -signal.SIGKILL

    # The killed worker left a claim (not sent) and an unacknowledged message behind.
    assert sum(mail_recipients(mail_dir).values()) == 1
    assert logs().filter(sent_at__isnull=False).count() == 1
    [orphan] = in_flight()
    assert own_redis_broker.client().hlen("unacked") == 1

    second = start_worker("second", mail_delay=0)
    wait_until(
        lambda: logs().filter(sent_at__isnull=False).count() == len(assignees),
        "every reminder sent by the new worker",
        START_SECONDS + VISIBILITY_TIMEOUT_SECONDS + STALE_CLAIM_SECONDS,
        second.log,
    )
    expected = Counter({user.email: 1 for user in assignees})
    assert mail_recipients(mail_dir) == expected
    # The interrupted reminder came back by redelivery (the same message) and took over the
    # stale claim.
    [interrupted] = set(task_ids(first.log, SEND, "received")) - set(
        task_ids(first.log, SEND, "succeeded")
    )
    assert interrupted in task_ids(second.log, SEND, "succeeded")
    orphan.refresh_from_db()
    assert orphan.attempts == 2

    # The first worker ran the sweep and sent one; the second sent the other three.
    assert task_results(first.log, SWEEP) == [str(len(assignees))]
    assert task_results(first.log, SEND) == ["True"]
    wait_until(lambda: len(task_results(second.log, SEND)) == 3, "3 tasks", 5, second.log)
    assert task_results(second.log, SEND) == ["True"] * 3

    # More deliveries (beat's catch-up sweep, a duplicate of every task) send nothing twice.
    sweep_followup_reminders.delay()
    for user in assignees:
        send_followup_reminder.delay(user.pk, day.isoformat())
    wait_until(
        lambda: (
            len(task_results(second.log, SEND)) == 3 + len(assignees)
            and len(task_results(second.log, SWEEP)) == 1
        ),
        "the worker to run the sweep and the duplicates",
        START_SECONDS,
        second.log,
    )
    assert task_results(second.log, SWEEP) == ["0"]
    assert task_results(second.log, SEND) == ["True"] * 3 + ["False"] * len(assignees)
    assert mail_recipients(mail_dir) == expected


# 3. PostgreSQL restarted


def terminate_test_database_connections() -> list[int]:
    """What a database restart does to the application: every connection to it dies."""
    import psycopg2

    db = connection.settings_dict
    with contextlib.closing(
        psycopg2.connect(
            dbname=db["NAME"],
            user=db["USER"],
            password=db["PASSWORD"],
            host=db["HOST"] or "127.0.0.1",
            port=db["PORT"] or 5432,
            application_name="crm-fault-killer",
        )
    ) as killer:
        killer.autocommit = True
        with killer.cursor() as cursor:
            cursor.execute(
                "SELECT pid, pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )
            return [pid for pid, terminated in cursor.fetchall() if terminated]


def backend_pids(application_name: str) -> list[int]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = current_database() "
            "AND application_name = %s",
            [application_name],
        )
        return [pid for (pid,) in cursor.fetchall()]


class Web:
    """gunicorn serving crm.wsgi on a free port."""

    def __init__(self, port: int, session_key: str) -> None:
        self.port = port
        self.session_key = session_key

    def get(self, path: str) -> tuple[int, str]:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=15)
        try:
            conn.request("GET", path, headers={"Cookie": f"sessionid={self.session_key}"})
            response = conn.getresponse()
            return response.status, response.read().decode(errors="replace")
        finally:
            conn.close()


WEB_APP_NAME = "crm-fault-web"


@pytest.fixture
def web(require_postgresql, tmp_path, networker) -> Iterator[Web]:
    from django.test import Client

    client = Client()
    client.force_login(networker)  # a session in the (committed) test database
    port = free_port()
    env = child_env(
        DJANGO_SETTINGS_MODULE="crm.settings",
        DATABASE_URL=database_url(application_name=WEB_APP_NAME),
        DB_CONN_MAX_AGE="60",  # persistent connections, as in production
        VAR_DIR=str(tmp_path / "var"),
    )
    log = tmp_path / "gunicorn.log"
    args = [sys.executable, "-m", "gunicorn", "crm.wsgi", "--bind", f"127.0.0.1:{port}"]
    args += ["--workers", "1", "--timeout", "30", "--graceful-timeout", "5", "--no-control-socket"]
    process = start_process(args, env=env, log=log)
    server = Web(port, client.cookies["sessionid"].value)
    try:

        def up() -> bool:
            try:
                return server.get("/healthz")[0] == 200
            except OSError:
                return False

        wait_until(up, "gunicorn to serve /healthz", START_SECONDS, log)
        server.log = log
        yield server
    finally:
        stop_process(process)


def test_after_a_database_restart_the_next_request_succeeds(web, settings, networker):
    assert settings.DATABASES["default"]["CONN_HEALTH_CHECKS"] is True
    my_network = reverse("relations:my_network")

    status, page = web.get(my_network)
    assert status == 200, page[:2000]
    assert networker.first_name in page  # logged in, not the login page
    [web_backend] = backend_pids(WEB_APP_NAME)
    assert web.get(my_network)[0] == 200
    assert backend_pids(WEB_APP_NAME) == [web_backend], "the connection should persist"

    terminated = terminate_test_database_connections()
    assert web_backend in terminated
    connection.close()  # this process's connection died too

    # Django's health check at the start of a request finds the dead connection and
    # reconnects: not even the first request after the restart fails.
    status, page = web.get(my_network)
    assert status == 200, f"first request after the restart: {status}\n{tail(web.log)}"
    assert networker.first_name in page
    assert web.get(my_network)[0] == 200
    assert web.get("/healthz")[0] == 200
    [new_backend] = backend_pids(WEB_APP_NAME)
    assert new_backend != web_backend
