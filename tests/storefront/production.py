"""Helpers shared by the deployment tests: the compose file as data, and a production environment."""

from __future__ import annotations

import os
import secrets
import shlex
from pathlib import Path
from typing import Any

import yaml

# What tests/environment.py sets for the test process only (they turn eager tasks on, the HTTPS redirect
# and secure cookies off): the load generator's list, so the two never drift apart.
from bench.load import TEST_ONLY_ENV

ROOT = Path(__file__).resolve().parents[2]



def load_compose() -> dict[str, Any]:
    """docker-compose.yml as data."""
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


def as_argv(command: str | list[str]) -> list[str]:
    """A compose command in either of its forms, as an argument list."""
    return shlex.split(command) if isinstance(command, str) else [str(part) for part in command]


def compose_command(service: str) -> list[str]:
    """The command compose runs for a service."""
    return as_argv(load_compose()["services"][service]["command"])


# Production always has a Redis (the settings refuse to start without one). Reading the settings and
# `check --deploy` do not connect to it; the tests that run processes pass the Redis they use.
PRODUCTION_REDIS_URL = "redis://127.0.0.1:6379/0"


def production_env(**overrides: str) -> dict[str, str]:
    """This process's environment without the test-only values, DEBUG off, a fresh strong key and a Redis."""
    env = {key: value for key, value in os.environ.items() if key not in TEST_ONLY_ENV}
    env["REDIS_URL"] = env.get("REDIS_URL") or PRODUCTION_REDIS_URL
    env.update(
        DEBUG="0",
        SECRET_KEY=secrets.token_urlsafe(64),
        ALLOWED_HOSTS="store.example.com",
        DJANGO_SETTINGS_MODULE="storefront.settings",
        PYTHONPATH=str(ROOT),
        PYTHONUNBUFFERED="1",
    )
    env.update(overrides)
    return env
