"""The store's processes as compose runs them, for real: gunicorn, the two Celery workers and beat.

Each test starts the command its service has in docker-compose.yml (with only the port, node name,
concurrency or schedule file changed for this machine) under production settings, against the test
database and the Redis of REDIS_URL. The rows a test writes are committed (transactional_db), so the
subprocesses see them. Skipped without PostgreSQL and a reachable Redis: pytest-django's SQLite test
database lives in memory, where no other process can reach it.
"""

from __future__ import annotations

import http.client
import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar
from urllib.parse import quote

import gunicorn.config
import pytest
import redis
from django.db import connection

from storefront import celery_app
from storefront.models import OutboundEmail
from tests.storefront.production import ROOT, compose_command, load_compose, production_env

pytestmark = pytest.mark.services

T = TypeVar("T")

# Bounds on every wait, so a process that never comes up fails the test instead of hanging CI.
READY_TIMEOUT = 30.0
STOP_TIMEOUT = 15.0
POLL_INTERVAL = 0.2


@dataclass
class Process:
    """A started subprocess, its output file and what the test needs to reach it."""

    name: str
    popen: subprocess.Popen[bytes]
    log: Path
    env: dict[str, str]
    extra: dict[str, str] = field(default_factory=dict)

    def output(self) -> str:
        """Everything the process has printed so far (stdout and stderr together)."""
        return self.log.read_text(errors="replace") if self.log.exists() else ""


def services_missing() -> str | None:
    """Why the process tests cannot run here, or None when PostgreSQL and Redis are configured."""
    database_url = os.environ.get("DATABASE_URL", "")
    if not database_url.startswith(("postgres://", "postgresql://")):
        return "needs DATABASE_URL pointing at PostgreSQL: the subprocesses must share the test database"
    redis_url = os.environ.get("REDIS_URL", "")
    if not redis_url:
        return "needs REDIS_URL: the worker and beat talk through a real broker"
    try:
        redis.Redis.from_url(redis_url, socket_connect_timeout=2, socket_timeout=2).ping()
    except redis.RedisError as exc:
        return f"REDIS_URL does not answer ({type(exc).__name__}: {exc})"
    return None


@pytest.fixture(scope="session", autouse=True)
def _require_services() -> None:
    """Skip every test here unless PostgreSQL and Redis are configured and Redis answers."""
    # Session-scoped so the skip comes before pytest-django builds a test database for nothing.
    reason = services_missing()
    if reason:
        pytest.skip(reason)


def shared_database_url() -> str:
    """A DATABASE_URL for the test database pytest-django created, which this test's rows are in."""
    db = connection.settings_dict
    credentials = quote(db["USER"] or "", safe="")
    if db["PASSWORD"]:
        credentials += ":" + quote(db["PASSWORD"], safe="")
    host = db["HOST"] or "localhost"
    port = f":{db['PORT']}" if db["PORT"] else ""
    return f"postgres://{credentials + '@' if credentials else ''}{host}{port}/{quote(db['NAME'], safe='')}"



def free_port() -> int:
    """A TCP port nothing listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def with_options(argv: Sequence[str], options: dict[str, str]) -> list[str]:
    """argv with each option's value replaced, or the option appended when the command lacks it."""
    result = list(argv)
    for option, value in options.items():
        if option in result:
            result[result.index(option) + 1] = value
        else:
            result += [option, value]
    return result


def logs(processes: Sequence[Process]) -> str:
    """Every process's output, headed by its name and exit status, for failure messages."""
    return "\n".join(
        f"----- {p.name} (exit {p.popen.poll()}) -----\n{p.output()[-20000:]}" for p in processes
    )


def wait_for(condition: Callable[[], T | None], what: str, processes: Sequence[Process], timeout: float = READY_TIMEOUT) -> T:
    """Poll condition until it returns something truthy; fail with the processes' output otherwise."""
    deadline = time.monotonic() + timeout
    while True:
        for process in processes:
            if process.popen.poll() is not None:
                pytest.fail(f"{process.name} exited while waiting for {what}\n{logs(processes)}")
        result = condition()
        if result:
            return result
        if time.monotonic() > deadline:
            pytest.fail(f"no {what} within {timeout:.0f}s\n{logs(processes)}")
        time.sleep(POLL_INTERVAL)


def http_get(port: int, path: str, headers: dict[str, str] | None = None) -> tuple[int, dict[str, str], bytes]:
    """One GET to 127.0.0.1 without following redirects: status, lower-cased headers, body."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        conn.request("GET", path, headers=headers or {})
        response = conn.getresponse()
        return response.status, {k.lower(): v for k, v in response.getheaders()}, response.read()
    finally:
        conn.close()


def http_get_or_none(port: int, path: str) -> tuple[int, dict[str, str], bytes] | None:
    """http_get, or None while nothing accepts connections yet."""
    try:
        return http_get(port, path)
    except (ConnectionError, socket.timeout, http.client.HTTPException):
        return None


def run_healthcheck(service: str, env: dict[str, str], replace: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """Run a service's compose healthcheck here, as the container would (CMD or CMD-SHELL)."""
    kind, *test = load_compose()["services"][service]["healthcheck"]["test"]
    if kind == "CMD-SHELL":
        # Compose turns $$ into $ before the shell sees the command.
        argv = ["/bin/sh", "-c", test[0].replace("$$", "$")]
    else:
        argv = list(test)
    for old, new in (replace or {}).items():
        argv = [part.replace(old, new) for part in argv]
    if argv[0] == "python":
        argv[0] = sys.executable
    # The container's PATH has the image's celery and python; here they are this interpreter's.
    env = {**env, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}"}
    return subprocess.run(argv, cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)


def stop(process: Process) -> None:
    """SIGTERM the process group (a worker's pool children too), then SIGKILL whatever outlives the grace."""
    group = process.popen.pid  # start_new_session made the process the leader of its own group
    try:
        os.killpg(group, signal.SIGTERM)
    except ProcessLookupError:
        return
    try:
        process.popen.wait(timeout=STOP_TIMEOUT)
    except subprocess.TimeoutExpired:
        pass
    try:
        os.killpg(group, signal.SIGKILL)
    except ProcessLookupError:
        pass
    process.popen.wait(timeout=STOP_TIMEOUT)


@pytest.fixture
def start_service(transactional_db: None, tmp_path: Path) -> Iterator[Callable[..., Process]]:
    """Starts a compose service's command here; every process is stopped when the test ends.

    Depends on transactional_db so the processes stop before the database is flushed and dropped.
    """
    started: list[Process] = []
    database_url = shared_database_url()
    redis_url = os.environ["REDIS_URL"]
    # Messages a previous run left on this broker would only confuse the worker's log.
    celery_app.control.purge()

    def start(service: str, **env_overrides: str) -> Process:
        """Start one service under production settings plus env_overrides; output goes to a log file."""
        env = production_env(
            DATABASE_URL=database_url,
            REDIS_URL=redis_url,
            ALLOWED_HOSTS="127.0.0.1",
            CELERY_TASK_ALWAYS_EAGER="0",
            EMAIL_BACKEND="django.core.mail.backends.console.EmailBackend",
            **env_overrides,
        )
        extra: dict[str, str] = {}
        options: dict[str, str] = {}
        if service == "web":
            extra["port"] = str(free_port())
            options["--bind"] = f"127.0.0.1:{extra['port']}"
            if "control_socket" in gunicorn.config.Config().settings:
                # Newer gunicorn opens a control socket in $HOME; a private one leaves other servers' alone.
                options["--control-socket"] = str(tmp_path / "gunicorn.ctl")
        elif service in {"worker", "worker-email"}:
            # A unique node name, so the ping reaches this worker and no other on the broker.
            extra["hostname"] = f"storefront-test-{uuid.uuid4().hex[:12]}"
            options["--hostname"] = f"celery@{extra['hostname']}"
            if service == "worker":
                options["--concurrency"] = "2"
        elif service == "beat":
            options["--schedule"] = str(tmp_path / "celerybeat-schedule")
            extra["schedule"] = options["--schedule"]
        argv = with_options(compose_command(service), options)
        log = tmp_path / f"{len(started)}-{service}.log"
        with log.open("wb") as output:
            popen = subprocess.Popen(
                # `python -m gunicorn` / `python -m celery`: the programs of this interpreter's environment.
                [sys.executable, "-m", *argv],
                cwd=ROOT,
                env=env,
                stdout=output,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        process = Process(name=service, popen=popen, log=log, env=env, extra=extra)
        started.append(process)
        return process

    try:
        yield start
    finally:
        for process in reversed(started):
            stop(process)
        # Shown by pytest only when the test fails.
        if started:
            print(logs(started))
        celery_app.control.purge()


def wait_for_worker(worker: Process, processes: Sequence[Process]) -> None:
    """Until the worker answers a ping, that is, consumes from the broker."""
    node = f"celery@{worker.extra['hostname']}"
    wait_for(lambda: celery_app.control.ping(destination=[node], timeout=1.0), f"ping reply from {node}", processes)


def sent(email_id: int) -> OutboundEmail | None:
    """The email once it has been sent, else None."""
    email = OutboundEmail.objects.get(pk=email_id)
    return email if email.sent_at is not None else None


def test_gunicorn_serves_healthz_with_production_settings(start_service: Callable[..., Process], tmp_path: Path) -> None:
    """gunicorn answers healthz over plain HTTP, redirects everything else to HTTPS, serves the hashed
    static files itself, and its healthcheck passes."""
    static_root = str(tmp_path / "static")
    collected = subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput"],
        cwd=ROOT, env=production_env(STATIC_ROOT=static_root), capture_output=True, text=True, timeout=120,
    )
    assert collected.returncode == 0, collected.stdout + collected.stderr
    web = start_service("web", STATIC_ROOT=static_root)
    port = int(web.extra["port"])

    status, _, body = wait_for(lambda: http_get_or_none(port, "/healthz/"), "answer on /healthz/", [web])
    assert status == 200, body
    assert json.loads(body) == {"status": "ok", "database": "ok", "redis": "ok"}

    # Production settings are on: any other page over plain HTTP is sent to HTTPS.
    status, headers, _ = http_get(port, "/")
    assert status == 301, headers
    assert headers["location"] == f"https://127.0.0.1:{port}/"
    # Behind the TLS proxy, responses carry HSTS.
    status, headers, _ = http_get(port, "/healthz/", {"X-Forwarded-Proto": "https"})
    assert status == 200 and "max-age=31536000" in headers.get("strict-transport-security", ""), headers

    # The page links its stylesheet by hashed name, and the web process serves it (no file server needed).
    status, _, page = http_get(port, "/", {"X-Forwarded-Proto": "https"})
    assert status == 200, page
    stylesheet = re.search(rb'href="(/static/css/store\.[0-9a-f]{12}\.css)"', page)
    assert stylesheet, page[:2000]
    status, headers, css = http_get(port, stylesheet.group(1).decode(), {"X-Forwarded-Proto": "https"})
    assert status == 200 and headers.get("content-type", "").startswith("text/css") and b".card" in css

    check = run_healthcheck("web", web.env, {"127.0.0.1:8000": f"127.0.0.1:{port}"})
    assert check.returncode == 0, check.stdout + check.stderr


@pytest.mark.filterwarnings("ignore::celery.exceptions.AlwaysEagerIgnored")
def test_email_worker_delivers_an_email_sent_through_the_broker(start_service: Callable[..., Process]) -> None:
    """The email worker (threads pool) takes email_send off its Redis queue and delivers the stored
    row; both workers' compose healthchecks pass."""
    email = OutboundEmail.objects.create(to="worker@example.test", subject=f"Worker {uuid.uuid4().hex}", body_text="Hello\n")
    worker = start_service("worker")
    email_worker = start_service("worker-email")
    wait_for_worker(worker, [worker, email_worker])
    wait_for_worker(email_worker, [worker, email_worker])

    # send_task publishes to the broker (routed to `emails`) even though this process runs tasks
    # eagerly (and says so).
    celery_app.send_task("storefront.tasks.email_send", args=[email.pk])

    delivered = wait_for(lambda: sent(email.pk), f"delivery of email {email.pk}", [worker, email_worker])
    assert delivered.state == OutboundEmail.State.SENT and delivered.attempts == 1
    # The console backend printed the message: it went through the real email path, on the email worker.
    assert email.subject in email_worker.output()
    assert email.subject not in worker.output()

    for process in (worker, email_worker):
        check = run_healthcheck(process.name, {**process.env, "HOSTNAME": process.extra["hostname"]})
        assert check.returncode == 0, check.stdout + check.stderr


def test_beat_sweep_delivers_an_email_nobody_queued(start_service: Callable[..., Process]) -> None:
    """An unsent row with no task for it is swept by the default worker and delivered by the email worker."""
    email = OutboundEmail.objects.create(to="beat@example.test", subject=f"Sweep {uuid.uuid4().hex}", body_text="Hello\n")
    fast_sweep = {"OUTBOX_SWEEP_SECONDS": "1", "OUTBOX_RETRY_AFTER_SECONDS": "0"}
    worker = start_service("worker", **fast_sweep)
    email_worker = start_service("worker-email", **fast_sweep)
    beat = start_service("beat", **fast_sweep)

    delivered = wait_for(lambda: sent(email.pk), f"the sweep to deliver email {email.pk}", [worker, email_worker, beat])
    assert delivered.state == OutboundEmail.State.SENT and delivered.attempts == 1
    assert "Sending due task outbox-sweep (storefront.tasks.outbox_sweep)" in beat.output()
    assert "storefront.tasks.outbox_sweep" in worker.output()
    assert email.subject in email_worker.output()

    check = run_healthcheck("beat", beat.env, {"/tmp/celerybeat-schedule": beat.extra["schedule"]})
    assert check.returncode == 0, check.stdout + check.stderr
