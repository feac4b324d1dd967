"""The Celery scenario measures the store's own worker commands, routes and configuration, not bench-only ones."""

from __future__ import annotations

import math

import pytest
import yaml

from bench.scenarios.heavy import tasks


@pytest.mark.parametrize("service", ["worker", "worker-email"])
def test_a_worker_is_started_with_docker_composes_command_with_only_its_queue_node_and_module_changed(service):
    production = [str(part) for part in yaml.safe_load(tasks.COMPOSE.read_text())["services"][service]["command"]]
    without_queue = list(production)
    if "-Q" in without_queue:
        del without_queue[without_queue.index("-Q") : without_queue.index("-Q") + 2]

    command = tasks.worker_command(service=service, queue="q-1", node="n-1@%h")

    assert ["celery", *command] == [*without_queue, "-I", "bench.scenarios.heavy", "-Q", "q-1", "-n", "n-1@%h"]
    assert command.count("-Q") == 1


def test_the_scenario_measures_the_email_worker_on_threads_and_the_default_worker_beside_it():
    assert tasks.WORKERS == {"celery-overhead": "worker-email", "celery-overhead-default": "worker"}
    email_worker = tasks.worker_command(service="worker-email", queue="q", node="n")

    assert email_worker[email_worker.index("-P") + 1] == "threads"
    assert "-P" not in tasks.worker_command(service="worker", queue="q", node="n")


def test_the_bench_task_follows_the_route_of_the_stores_emails():
    producer = tasks._producer("redis://127.0.0.1:6379/7")

    assert tasks.email_route(producer) == "emails" == tasks.served_queue("worker-email")


def test_the_producer_has_the_stores_celery_settings_and_the_bench_broker(settings):
    settings.CELERY_TASK_ACKS_LATE = True

    producer = tasks._producer("redis://127.0.0.1:6379/7")

    assert producer.conf.broker_url == "redis://127.0.0.1:6379/7"
    # publishing as the store's web processes do, whatever this process's own REDIS_URL
    assert producer.conf.broker_transport == "storefront.broker:Transport"
    assert producer.conf.task_always_eager is False
    assert producer.conf.task_acks_late is True
    assert tasks._register(producer).acks_late is True


def test_the_celery_scenario_times_both_real_workers_when_redis_answers():
    redis = pytest.importorskip("redis")
    try:
        redis.Redis.from_url("redis://127.0.0.1:6379/7", socket_timeout=2).ping()
    except redis.RedisError:
        pytest.skip("Redis is not reachable")

    email, default = tasks.celery_scenario(tier="tiny", samples=5)

    assert (email.name, default.name) == ("celery-overhead", "celery-overhead-default")
    for result in (email, default):
        assert result.samples == 5
        assert math.isfinite(result.ratio) and result.median_ms > 0
        assert "docker-compose.yml" in result.notes
    assert "threads" in email.notes and "`worker-email`" in email.notes
    assert "prefork" in default.notes and "`worker`" in default.notes
