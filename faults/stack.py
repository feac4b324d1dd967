"""The processes the fault suite starts, owns and breaks: Redis, gunicorn, a Celery worker and beat,
on a PostgreSQL database of their own, with the SMTP sink as their mail server.

The processes are started the way bench/load.py starts them (its helpers: the commands of
docker-compose.yml, production settings, plain HTTP on loopback) with what the suite changes through
the environment the settings read: mail to the sink, a short EMAIL_TIMEOUT, and an outbox sweep that
runs every few seconds instead of every minute, so recovery fits in the suite's minutes.

The reliability load (bench/reliability.py) runs on the same stack with three differences, each a
field: its own marker (database, temporary directory, cache keys), a Redis it does not own (a
database of the machine's Redis, not a redis-server of its own to stop), and production's outbox
timings and email worker instead of the suite's short ones.
"""

from __future__ import annotations

import os
import secrets
import shutil
import signal
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import redis

from bench.load import (
    ROOT,
    Process,
    _compose_command,
    _free_port,
    _healthy,
    _in_django,
    _manage,
    _start,
    _stop,
    _wait_until,
    _with_options,
    database_create,
    production_env,
)
from faults.sink import SmtpSink

DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/storefront_faults"
WEB_WORKERS = 2
WORKER_CONCURRENCY = 2
# The figures the suite's recovery depends on (production's defaults in brackets).
EMAIL_TIMEOUT = 2  # [20]
OUTBOX_SWEEP_SECONDS = 2  # [60]
OUTBOX_RETRY_AFTER_SECONDS = 5  # [120]
# Above 8 x EMAIL_TIMEOUT, the slowest send (storefront/checks.py).
OUTBOX_CLAIM_SECONDS = 20  # [300]


def _say(message: str, who: str = "faults") -> None:
    print(f"[{who} {time.strftime('%H:%M:%S')}] {message}", flush=True)


@dataclass
class Stack:
    database_url: str = DEFAULT_DATABASE_URL
    # In the database's name (database_create refuses to drop another), the temporary directory, the
    # cache keys and the progress lines.
    marker: str = "faults"
    # A Redis the stack uses but does not own (redis://host:port/db); None starts a redis-server of its
    # own on a free port, which the faults stop and freeze.
    external_redis_url: str | None = None
    # The suite's short outbox timings and a 2-thread email worker (False: production's, from the
    # settings' defaults and docker-compose.yml).
    fast_outbox: bool = True
    workdir: Path | None = None
    started: list[Process] = field(default_factory=list)

    def __post_init__(self) -> None:
        if self.workdir is None:
            self.workdir = Path(tempfile.mkdtemp(prefix=f"storefront-{self.marker}-"))
        self.web_port = _free_port()
        self.redis_port = _free_port()
        self.sink = SmtpSink()
        self.redis: Process | None = None
        self.web: Process | None = None
        self.worker: Process | None = None  # the email worker (worker-email), the one the faults stop and kill
        self.default_worker: Process | None = None  # the prefork worker of the default queue (the outbox sweep)
        self.beat: Process | None = None
        self.redis_url = self.external_redis_url or f"redis://127.0.0.1:{self.redis_port}/0"
        self.base_url = f"http://127.0.0.1:{self.web_port}"

    # --- the environment ------------------------------------------------------------------------------

    def env(self) -> dict[str, str]:
        """The store's processes' environment; the suite's own Django uses the same (same cache prefix)."""
        if not hasattr(self, "_env"):
            env = production_env(
                database_url=self.database_url, redis_url=self.redis_url, static_root=self.workdir / "static", site_url=self.base_url
            )
            env.update(
                CACHE_KEY_PREFIX=f"storefront-{self.marker}-{secrets.token_hex(4)}",
                EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
                EMAIL_HOST="127.0.0.1",
                EMAIL_PORT=str(self.sink.port),
            )
            if self.fast_outbox:
                env.update(
                    EMAIL_TIMEOUT=str(EMAIL_TIMEOUT),
                    OUTBOX_SWEEP_SECONDS=str(OUTBOX_SWEEP_SECONDS),
                    OUTBOX_RETRY_AFTER_SECONDS=str(OUTBOX_RETRY_AFTER_SECONDS),
                    OUTBOX_CLAIM_SECONDS=str(OUTBOX_CLAIM_SECONDS),
                )
            self._env = env
        return dict(self._env)

    # --- preparing ------------------------------------------------------------------------------------

    def prepare(self, resellers: int, *, seed: str = "bench.load.seed_resellers", **options: object) -> Any:
        """A fresh database: migrate, seed_demo, then `seed(resellers, **options)` (bench/load.py's
        resellers by default); the static files. Returns what the seed returned (JSON)."""
        self.sink.start()
        env = self.env()
        # Preparing runs tasks in the process and keeps emails in memory: the demo's emails go nowhere.
        # One process with nothing to share: its cache is its own memory, not the store's Redis.
        prepare_env = {
            **env, "CELERY_TASK_ALWAYS_EAGER": "1", "REDIS_URL": "", "LOCAL_CACHE": "1",
            "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
        }
        _say(f"preparing {self.database_url.rsplit('/', 1)[1]}: migrate, seed_demo, {resellers} resellers, collectstatic", self.marker)
        database_create(self.database_url, marker=self.marker)
        _manage(["migrate", "--noinput", "-v", "0"], prepare_env, "migrate")
        _manage(["seed_demo"], prepare_env, "seed_demo")
        module, function = seed.rsplit(".", 1)
        code = f"import json; from {module} import {function}; print(json.dumps({function}({resellers}, **{options!r})))"
        seeded = _in_django(prepare_env, code, "seeding the resellers")
        _manage(["collectstatic", "--noinput", "-v", "0"], env, "collectstatic")
        return seeded

    # --- the processes --------------------------------------------------------------------------------

    def start_redis(self) -> None:
        argv = ["redis-server", "--port", str(self.redis_port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", str(self.workdir)]
        log = self.workdir / "redis.log"
        with log.open("ab") as output:
            popen = subprocess.Popen(argv, cwd=self.workdir, stdout=output, stderr=subprocess.STDOUT, start_new_session=True)
        self.redis = Process("redis", popen, log)
        self.started.append(self.redis)
        client = redis.Redis(port=self.redis_port, socket_connect_timeout=0.5)
        _wait_until(lambda: _pings(client), "Redis answering", [self.redis])

    def stop_redis(self) -> None:
        assert self.redis is not None
        _stop(self.redis)

    def start_web(self) -> None:
        options = {"--bind": f"127.0.0.1:{self.web_port}", "--workers": str(WEB_WORKERS), "--access-logfile": str(self.workdir / "access.log")}
        import gunicorn.config

        if "control_socket" in gunicorn.config.Config().settings:
            options["--control-socket"] = str(self.workdir / "gunicorn.ctl")
        if not Path("/dev/shm").is_dir():
            options["--worker-tmp-dir"] = str(self.workdir)
        self.web = _start("web", _with_options(_compose_command("web"), options), self.env(), self.workdir, self.started)
        _wait_until(lambda: _healthy(self.web_port), "healthy answer on /healthz/", [self.web])

    def start_worker(self) -> None:
        """The worker that sends the emails: docker-compose.yml's worker-email (emails are routed to its
        queue), the one each fault stops, kills and starts again."""
        node = f"storefront-{self.marker}-{secrets.token_hex(6)}"
        options = {"--hostname": f"celery@{node}"}
        if self.fast_outbox:
            options["--concurrency"] = str(WORKER_CONCURRENCY)
        name = f"worker-email-{len([p for p in self.started if p.name.startswith('worker-email')]) + 1}"
        self.worker = _start(name, _with_options(_compose_command("worker-email"), options), self.env(), self.workdir, self.started)
        worker = self.worker
        _wait_until(lambda: f"celery@{node} ready." in worker.log.read_text(errors="replace"), "ready worker", [worker])

    def start_default_worker(self) -> None:
        """docker-compose.yml's prefork worker of the default queue, where beat's outbox sweep runs."""
        node = f"storefront-{self.marker}-default-{secrets.token_hex(6)}"
        options = {"--hostname": f"celery@{node}", "--concurrency": str(WORKER_CONCURRENCY)}
        self.default_worker = _start("worker", _with_options(_compose_command("worker"), options), self.env(), self.workdir, self.started)
        worker = self.default_worker
        _wait_until(lambda: f"celery@{node} ready." in worker.log.read_text(errors="replace"), "ready worker", [worker])

    def stop_worker(self) -> None:
        """A warm shutdown, as an operator's `stop` does."""
        assert self.worker is not None
        _stop(self.worker)

    def kill_worker(self) -> None:
        """SIGKILL the worker and its pool's children at once: no shutdown, no ack, no cleanup."""
        assert self.worker is not None
        try:
            os.killpg(self.worker.popen.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        self.worker.popen.wait(timeout=10)

    def start_beat(self) -> None:
        options = {"--schedule": str(self.workdir / "celerybeat-schedule")}
        self.beat = _start("beat", _with_options(_compose_command("beat"), options), self.env(), self.workdir, self.started)

    def start(self) -> None:
        if self.external_redis_url is None:
            self.start_redis()
        _say(f"starting gunicorn ({WEB_WORKERS} workers) on 127.0.0.1:{self.web_port}, the Celery workers (emails, default), beat; "
             f"Redis {self.redis_url}, SMTP sink on {self.sink.port}", self.marker)
        self.start_web()
        self.start_default_worker()
        self.start_worker()
        self.start_beat()

    def check_alive(self) -> list[str]:
        """Processes that should be running and are not."""
        return [p.name for p in (self.web, self.default_worker, self.worker, self.beat, self.redis) if p is not None and p.popen.poll() is not None]

    def close(self, *, keep_logs: bool = False) -> None:
        for process in reversed(self.started):
            _stop(process)
        self.sink.stop()
        if keep_logs:
            _say(f"logs kept in {self.workdir}", self.marker)
        else:
            shutil.rmtree(self.workdir, ignore_errors=True)


def _pings(client: redis.Redis) -> bool:
    try:
        return bool(client.ping())
    except redis.RedisError:
        return False


__all__ = ["ROOT", "Stack"]
