"""Celery's overhead: from .delay() to the first line of a task in a real worker, against a Redis round trip."""

from __future__ import annotations

from bench.scenarios.heavy.common import *  # noqa: F403 - the scenarios' shared imports, constants and customers
from bench.scenarios.heavy.common import _result  # noqa: F401


# --- 5. Celery task overhead ----------------------------------------------------------------------


def _stamp(token: str) -> None:
    """The bench's task: its first line stamps the time it started, for the bench to read."""
    import redis

    stamp = time.time_ns()
    redis.Redis.from_url(os.environ["REDIS_URL"]).lpush(f"{STAMP_KEY}:{token}", stamp)


def _register(app) -> object:
    return app.task(name=STAMP_TASK, ignore_result=True, acks_late=False)(_stamp)


def _register_in_worker() -> None:
    # Imported by the worker (`-I bench.scenarios.heavy`): the bench's task joins the store's app there only.
    if os.environ.get("BENCH_HEAVY_WORKER") == "1":
        from storefront.celery import app

        _register(app)


_register_in_worker()


def celery_scenario(*, tier: str, samples: int) -> Result:
    """From .delay() to the task's first line in a real worker, against a raw Redis round trip."""
    import redis
    from celery import Celery

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
    with tempfile.TemporaryFile() as log:
        worker = subprocess.Popen(
            [celery_bin, "-A", "storefront", "worker", "-I", "bench.scenarios.heavy", "-Q", queue_name, "-l", "warning", "-c", "2",
             "--without-gossip", "--without-mingle", "--without-heartbeat", "-n", f"bench-heavy-{os.getpid()}@%h"],
            env=env, stdout=log, stderr=subprocess.STDOUT, cwd=str(Path(__file__).resolve().parents[3]))
        try:
            producer = Celery("bench-heavy", broker=url, set_as_current=False)
            producer.conf.task_always_eager = False
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
        notes=(f"time from .delay() to the first line of a bench-only task in a real worker (`celery -A storefront worker`,"
               f" prefork, 2 processes, Redis db {CELERY_REDIS_DB}), stamped by the task with the wall clock, against one PING"))
