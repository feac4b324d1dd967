"""Celery's overhead: from .delay() to the first line of a task in a real worker, against a Redis round trip."""

from __future__ import annotations

import functools

from bench.scenarios.heavy.common import *  # noqa: F403 - the scenarios' shared imports, constants and customers
from bench.scenarios.heavy.common import _result  # noqa: F401


# --- 5. Celery task overhead ----------------------------------------------------------------------


def _stamp(token: str) -> None:
    """The bench's task: its first line stamps the time it started, for the bench to read."""
    stamp = time.time_ns()
    _stamp_client().lpush(f"{STAMP_KEY}:{token}", stamp)


@functools.cache
def _stamp_client():
    # One connection per worker process, made on its first task and kept, as a real task keeps its
    # database connection: a new connection per task (connect, CLIENT SETINFO, the library's version
    # read from its metadata) cost the worker about a millisecond of CPU after every stamp, which the
    # next sample then waited behind.
    import redis

    return redis.Redis.from_url(os.environ["REDIS_URL"])


def _register(app) -> object:
    # The store's task defaults (acks_late, ignore_result...), as its emails have them.
    return app.task(name=STAMP_TASK)(_stamp)


COMPOSE = Path(__file__).resolve().parents[3] / "docker-compose.yml"
# The task whose route the bench's task follows: the outbox's delivery, the store's most frequent task.
EMAIL_TASK = "storefront.tasks.email_send"
# The worker each row measures: the email worker (threads) and the default one (prefork, for PDFs,
# Price List exports and the sweeps), both as docker-compose.yml runs them.
WORKERS = {"celery-overhead": "worker-email", "celery-overhead-default": "worker"}


def compose_worker(service: str) -> list[str]:
    """A worker service's command in docker-compose.yml."""
    import yaml

    command = [str(part) for part in yaml.safe_load(COMPOSE.read_text())["services"][service]["command"]]
    if command[:3] != ["celery", "-A", "storefront"] or "worker" not in command:
        raise RuntimeError(f"docker-compose.yml's {service} is not a `celery -A storefront worker`: {command}")
    return command


def worker_command(*, service: str, queue: str, node: str) -> list[str]:
    """The command docker-compose.yml runs for a worker, as production runs it, changing only what the
    bench must: its task module (-I), a queue of its own in place of the service's (-Q) and a node name
    of its own (-n)."""
    command = compose_worker(service)
    if "-Q" in command:
        index = command.index("-Q")
        command = [*command[:index], *command[index + 2 :]]
    return [*command[1:], "-I", "bench.scenarios.heavy", "-Q", queue, "-n", node]


def served_queue(service: str) -> str | None:
    """The queue a compose worker consumes (its -Q)."""
    command = compose_worker(service)
    return command[command.index("-Q") + 1] if "-Q" in command else None


def email_route(app) -> str:
    """The queue the store routes its emails to, checked against the compose worker that serves it."""
    queue = app.amqp.router.route({}, EMAIL_TASK, (), {})["queue"].name
    if served_queue("worker-email") != queue:
        raise RuntimeError(f"{EMAIL_TASK} goes to {queue!r}, which docker-compose.yml's worker-email does not serve")
    return queue


def _producer(url: str):
    """A Celery app configured as the store's (the CELERY_ settings), publishing to the bench's Redis."""
    from celery import Celery

    from django.conf import settings

    producer = Celery("bench-heavy", set_as_current=False)
    producer.config_from_object("django.conf:settings", namespace="CELERY")
    # The transport the store's settings choose for a redis:// broker: this process has no REDIS_URL
    # (its pages use a local cache), but its publishes must go as the store's web processes send them.
    transport = settings.REDIS_BROKER_TRANSPORT if url.startswith("redis://") else None
    producer.conf.update(broker_url=url, broker_transport=transport, task_always_eager=False)
    return producer


def _register_in_worker() -> None:
    # Imported by the worker (`-I bench.scenarios.heavy`): the bench's task joins the store's app there only.
    if os.environ.get("BENCH_HEAVY_WORKER") == "1":
        from storefront.celery import app

        _register(app)


_register_in_worker()


def _skipped(name: str, tier: str, url: str, exc: Exception) -> Result:
    return Result(name=name, tier=tier, ratio=float("nan"), ci_low=float("nan"), ci_high=float("nan"), goal=10.0,
                  baseline="redis-py PING", median_ms=0.0, baseline_ms=0.0, notes=f"skipped: Redis unreachable at {url} ({exc})")


def celery_scenario(*, tier: str, samples: int) -> list[Result]:
    """From .delay() to the task's first line in each real worker, against a raw Redis round trip.

    Both workers of docker-compose.yml run at once, as in production, and share each round's PING:
    the email worker (threads) is the scenario, the default worker (prefork) is measured beside it.
    """
    import redis

    base_url = os.environ.get("BENCH_REDIS_URL") or os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/0"
    url = base_url.rsplit("/", 1)[0] + f"/{CELERY_REDIS_DB}" if base_url.count("/") >= 3 else base_url + f"/{CELERY_REDIS_DB}"
    client = redis.Redis.from_url(url, socket_timeout=60)
    try:
        client.ping()
    except redis.RedisError as exc:
        return [_skipped(name, tier, url, exc) for name in WORKERS]
    celery_bin = shutil.which("celery", path=str(Path(sys.executable).parent)) or "celery"
    env = {**os.environ, "REDIS_URL": url, "CELERY_TASK_ALWAYS_EAGER": "0", "BENCH_HEAVY_WORKER": "1"}
    producer = _producer(url)
    stamp = _register(producer)
    # The email worker's queue is the one the store routes email_send to, and the bench's task is sent
    # with that route's options; only the queue's name is this run's own (bench-heavy-<pid>-emails), so
    # another worker on the same Redis database never takes its messages.
    routes = {
        "celery-overhead": {**producer.amqp.router.route({}, EMAIL_TASK, (), {}), "queue": f"bench-heavy-{os.getpid()}-{email_route(producer)}"},
        "celery-overhead-default": {"queue": f"bench-heavy-{os.getpid()}-{producer.conf.task_default_queue}"},
    }
    commands = {
        name: [celery_bin, *worker_command(service=service, queue=routes[name]["queue"], node=f"bench-heavy-{os.getpid()}-{service}@%h")]
        for name, service in WORKERS.items()
    }
    counter = itertools.count()
    samples_ns: dict[str, tuple[list[int], list[int]]] = {name: ([], []) for name in WORKERS}
    with tempfile.TemporaryDirectory() as logs:
        workers = {}
        try:
            for name, command in commands.items():
                with open(Path(logs) / f"{name}.log", "wb") as log:
                    workers[name] = subprocess.Popen(command, env=env, stdout=log, stderr=subprocess.STDOUT,
                                                     cwd=str(Path(__file__).resolve().parents[3]))

            def log_tail(name: str) -> str:
                return (Path(logs) / f"{name}.log").read_text(errors="replace")[-3000:]

            def delay(name: str) -> int:
                token = f"{os.getpid()}-{next(counter)}"
                start = time.time_ns()
                stamp.apply_async((token,), **routes[name])  # .delay(), routed as the worker's tasks are
                got = client.blpop([f"{STAMP_KEY}:{token}"], timeout=30)
                if got is None:
                    raise RuntimeError(f"the bench's task never started on {WORKERS[name]}: " + log_tail(name))
                return int(got[1]) - start

            for name in WORKERS:
                try:
                    delay(name)  # waits for the worker to be up and consuming
                except Exception as exc:
                    raise RuntimeError(f"{WORKERS[name]} did not run the bench's task ({exc!r}): " + log_tail(name)) from exc
            # Each round: one PING, then one task on each worker, in turns first. Both rows share the
            # round's PING, and whatever a worker still does after its task (the ack, the result back
            # from a prefork child) falls on the other row's sample as often as on its own, so the two
            # rows compare as their medians in milliseconds do.
            for i in range(samples + 3):
                b = time.perf_counter_ns()
                client.ping()
                b = time.perf_counter_ns() - b
                for name in (list(WORKERS) if i % 2 == 0 else list(reversed(WORKERS))):
                    t = delay(name)
                    if i >= 3:
                        samples_ns[name][0].append(t)
                        samples_ns[name][1].append(b)
        finally:
            for worker in workers.values():
                worker.terminate()
            for worker in workers.values():
                try:
                    worker.wait(timeout=30)
                except subprocess.TimeoutExpired:
                    worker.kill()
                    worker.wait()
            producer.close()
    pools = {
        "celery-overhead": "the email worker (threads pool; emails are routed to it)",
        "celery-overhead-default": "the default worker (prefork; PDFs, Price List exports and the sweeps), measured beside it",
    }
    return [
        _result(
            name, tier=tier, target_ns=samples_ns[name][0], base_ns=samples_ns[name][1], goal=10.0,
            label="redis-py PING round trip",
            notes=(f"{pools[name]}: time from .delay() (an app configured from the store's CELERY_ settings) to the first"
                   f" line of a bench-only task with the store's task defaults"
                   + (", sent with email_send's route" if name == "celery-overhead" else "")
                   + f", in a real worker started with docker-compose.yml's `{WORKERS[name]}` command"
                   f" (`{' '.join(commands[name][1:-6])}`, on a queue of its own, Redis db {CELERY_REDIS_DB}), stamped by the"
                   f" task with the wall clock, against one PING; both workers run at once, each round one PING then one task on"
                   f" each worker, which goes first alternating, so both rows share the baseline"),
        )
        for name in WORKERS
    ]
