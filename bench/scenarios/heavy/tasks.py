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


def worker_command(*, queue: str, node: str) -> list[str]:
    """The worker command of docker-compose.yml, as production runs it, plus only what the bench must
    add: its task module (-I), a queue of its own (-Q) and a node name of its own (-n)."""
    import yaml

    command = [str(part) for part in yaml.safe_load(COMPOSE.read_text())["services"]["worker"]["command"]]
    if command[:3] != ["celery", "-A", "storefront"] or "worker" not in command:
        raise RuntimeError(f"docker-compose.yml's worker is not a `celery -A storefront worker`: {command}")
    return [*command[1:], "-I", "bench.scenarios.heavy", "-Q", queue, "-n", node]


def _producer(url: str):
    """A Celery app configured as the store's (the CELERY_ settings), publishing to the bench's Redis."""
    from celery import Celery

    producer = Celery("bench-heavy", set_as_current=False)
    producer.config_from_object("django.conf:settings", namespace="CELERY")
    producer.conf.update(broker_url=url, task_always_eager=False)
    return producer


def _register_in_worker() -> None:
    # Imported by the worker (`-I bench.scenarios.heavy`): the bench's task joins the store's app there only.
    if os.environ.get("BENCH_HEAVY_WORKER") == "1":
        from storefront.celery import app

        _register(app)


_register_in_worker()


def celery_scenario(*, tier: str, samples: int) -> Result:
    """From .delay() to the task's first line in a real worker, against a raw Redis round trip."""
    import redis

    base_url = os.environ.get("BENCH_REDIS_URL") or os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/0"
    url = base_url.rsplit("/", 1)[0] + f"/{CELERY_REDIS_DB}" if base_url.count("/") >= 3 else base_url + f"/{CELERY_REDIS_DB}"
    client = redis.Redis.from_url(url, socket_timeout=60)
    try:
        client.ping()
    except redis.RedisError as exc:
        return Result(name="celery-overhead", tier=tier, ratio=float("nan"), ci_low=float("nan"), ci_high=float("nan"), goal=10.0,
                      baseline="redis-py PING", median_ms=0.0, baseline_ms=0.0, notes=f"skipped: Redis unreachable at {url} ({exc})")
    celery_bin = shutil.which("celery", path=str(Path(sys.executable).parent)) or "celery"
    # A queue of this run's own: another worker on the same Redis database never takes its messages.
    queue_name = f"bench-heavy-{os.getpid()}"
    env = {**os.environ, "REDIS_URL": url, "CELERY_TASK_ALWAYS_EAGER": "0", "BENCH_HEAVY_WORKER": "1"}
    command = [celery_bin, *worker_command(queue=queue_name, node=f"bench-heavy-{os.getpid()}@%h")]
    with tempfile.TemporaryFile() as log:
        worker = subprocess.Popen(command, env=env, stdout=log, stderr=subprocess.STDOUT, cwd=str(Path(__file__).resolve().parents[3]))
        try:
            producer = _producer(url)
            stamp = _register(producer)
            counter = itertools.count()

            def delay() -> int:
                token = f"{os.getpid()}-{next(counter)}"
                start = time.time_ns()
                stamp.apply_async((token,), queue=queue_name)  # .delay() with this run's queue
                got = client.blpop([f"{STAMP_KEY}:{token}"], timeout=30)
                if got is None:
                    log.seek(0)
                    raise RuntimeError("the bench's task never started: " + log.read().decode(errors="replace")[-2000:])
                return int(got[1]) - start

            try:
                delay()  # waits for the worker to be up and consuming
            except Exception as exc:
                log.seek(0)
                raise RuntimeError(f"the worker did not run the bench's task ({exc!r}): "
                                   + log.read().decode(errors="replace")[-3000:]) from exc
            target_ns, base_ns = [], []
            for i in range(samples + 3):
                b = time.perf_counter_ns()
                client.ping()
                b = time.perf_counter_ns() - b
                t = delay()
                if i >= 3:
                    target_ns.append(t)
                    base_ns.append(b)
        finally:
            worker.terminate()
            try:
                worker.wait(timeout=30)
            except subprocess.TimeoutExpired:
                worker.kill()
            producer_pool = locals().get("producer")
            if producer_pool is not None:
                producer_pool.close()
    return _result(
        "celery-overhead", tier=tier, target_ns=target_ns, base_ns=base_ns, goal=10.0, label="redis-py PING round trip",
        notes=(f"time from .delay() (an app configured from the store's CELERY_ settings) to the first line of a bench-only"
               f" task with the store's task defaults, in a real worker started with docker-compose.yml's command"
               f" (`{' '.join(command[1:-6])}`, on a queue of its own, Redis db {CELERY_REDIS_DB}), stamped by the task"
               f" with the wall clock, against one PING"))
