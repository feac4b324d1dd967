"""The Celery scenario measures the store's own worker command and configuration, not a bench-only one."""

from __future__ import annotations

import math

import pytest
import yaml

from bench.scenarios.heavy import tasks


def test_the_worker_is_started_with_docker_composes_command_plus_only_queue_node_and_module():
    production = yaml.safe_load(tasks.COMPOSE.read_text())["services"]["worker"]["command"]

    command = tasks.worker_command(queue="q-1", node="n-1@%h")

    assert ["celery", *command] == [*production, "-I", "bench.scenarios.heavy", "-Q", "q-1", "-n", "n-1@%h"]


def test_the_producer_has_the_stores_celery_settings_and_the_bench_broker(settings):
    settings.CELERY_TASK_ACKS_LATE = True

    producer = tasks._producer("redis://127.0.0.1:6379/7")

    assert producer.conf.broker_url == "redis://127.0.0.1:6379/7"
    assert producer.conf.task_always_eager is False
    assert producer.conf.task_acks_late is True
    assert tasks._register(producer).acks_late is True


def test_the_celery_scenario_times_a_real_worker_when_redis_answers():
    redis = pytest.importorskip("redis")
    try:
        redis.Redis.from_url("redis://127.0.0.1:6379/7", socket_timeout=2).ping()
    except redis.RedisError:
        pytest.skip("Redis is not reachable")

    result = tasks.celery_scenario(tier="tiny", samples=5)

    assert result.samples == 5
    assert math.isfinite(result.ratio) and result.median_ms > 0
    assert "docker-compose.yml" in result.notes
