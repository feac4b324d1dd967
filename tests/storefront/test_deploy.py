"""The deployment files describe the store as it runs, and its settings pass Django's deploy checks.

These read docker-compose.yml and the Dockerfile (no container engine is needed) and run
`manage.py check --deploy` the way production starts: DEBUG off and none of the test suite's
relaxations of the security settings.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from typing import Any

import pytest

from tests.storefront.production import ROOT, as_argv, load_compose, production_env

APP_SERVICES = ("web", "worker", "worker-email", "beat")


def dockerfile_instructions() -> list[tuple[str, str]]:
    """The Dockerfile as (INSTRUCTION, arguments) pairs, continuation lines joined, comments dropped."""
    instructions: list[tuple[str, str]] = []
    pending = ""
    for line in (ROOT / "Dockerfile").read_text().splitlines():
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        if stripped.endswith("\\"):
            pending += stripped[:-1] + " "
            continue
        keyword, _, arguments = (pending + stripped).partition(" ")
        instructions.append((keyword.upper(), arguments.strip()))
        pending = ""
    return instructions


def run_deploy_check(env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """`manage.py check --deploy --fail-level WARNING` in a fresh interpreter, so settings are read anew."""
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.fixture(scope="module")
def compose() -> dict[str, Any]:
    """docker-compose.yml, read once for the module."""
    return load_compose()


@pytest.fixture(scope="module")
def services(compose: dict[str, Any]) -> dict[str, Any]:
    """The compose services by name."""
    return compose["services"]


@pytest.mark.parametrize(
    ("service", "command"),
    [
        ("web", ["gunicorn", "storefront.wsgi:application"]),
        ("worker", ["celery", "-A", "storefront", "worker", "-l", "info"]),
        ("worker-email", ["celery", "-A", "storefront", "worker", "-P", "threads", "-c", "8", "-Q", "emails", "-l", "info"]),
        ("beat", ["celery", "-A", "storefront", "beat", "-l", "info"]),
    ],
)
def test_app_service_runs_its_process(services: dict[str, Any], service: str, command: list[str]) -> None:
    """web, the two workers and beat run gunicorn, Celery's worker and beat from the store's own image."""
    spec = services[service]
    assert as_argv(spec["command"])[: len(command)] == command
    assert spec["build"] in (".", {"context": "."})


def test_web_binds_all_interfaces_on_8000(services: dict[str, Any]) -> None:
    """gunicorn listens where the published port and the healthcheck expect it, as the image's CMD does."""
    argv = as_argv(services["web"]["command"])
    assert argv[argv.index("--bind") + 1] == "0.0.0.0:8000"
    assert argv == json.loads(dict(dockerfile_instructions())["CMD"])
    assert any(str(port).endswith(":8000") for port in services["web"]["ports"])


@pytest.mark.parametrize("service", APP_SERVICES)
def test_app_service_environment(services: dict[str, Any], service: str) -> None:
    """Every app process gets the database, the broker, a secret from outside, and DEBUG off."""
    env = services[service]["environment"]
    for key in ("DATABASE_URL", "REDIS_URL", "SECRET_KEY", "ALLOWED_HOSTS", "SITE_URL", "EMAIL_HOST"):
        assert env.get(key), f"{service} lacks {key}"
    assert env["DATABASE_URL"].startswith("postgres://") and "@db:5432/" in env["DATABASE_URL"]
    assert env["REDIS_URL"].startswith("redis://redis:6379/")
    assert str(env["DEBUG"]).strip().lower() in {"0", "false", "no", "off"}
    assert env["EMAIL_BACKEND"] == "django.core.mail.backends.smtp.EmailBackend"
    # The key must come from the operator: an interpolation that fails when unset, no default.
    assert re.fullmatch(r"\$\{SECRET_KEY:\?[^}]*\}", env["SECRET_KEY"]), env["SECRET_KEY"]
    assert "CELERY_TASK_ALWAYS_EAGER" not in env


def test_app_services_share_one_environment(services: dict[str, Any]) -> None:
    """The app environment is defined once (a YAML anchor), so web, the workers and beat cannot drift."""
    environments = [services[name]["environment"] for name in (*APP_SERVICES, "migrate")]
    assert all(env == environments[0] for env in environments)
    assert "&app-environment" in (ROOT / "docker-compose.yml").read_text()


@pytest.mark.parametrize("service", (*APP_SERVICES, "db", "redis"))
def test_service_has_healthcheck(services: dict[str, Any], service: str) -> None:
    """Each long-running service says how compose can tell it is healthy."""
    check = services[service]["healthcheck"]
    test = check["test"]
    assert isinstance(test, list) and test[0] in {"CMD", "CMD-SHELL"} and len(test) > 1
    assert not check.get("disable")


@pytest.mark.parametrize(
    ("service", "needle"),
    [
        ("web", "http://127.0.0.1:8000/healthz/"),
        ("worker", "inspect ping"),
        ("worker-email", "inspect ping"),
        ("beat", "celerybeat-schedule"),
        ("db", "pg_isready"),
        ("redis", "redis-cli ping"),
    ],
)
def test_healthcheck_probes_the_service(services: dict[str, Any], service: str, needle: str) -> None:
    """The healthchecks ask the right thing: healthz, a worker ping, beat's schedule, pg_isready, PING."""
    assert needle in " ".join(services[service]["healthcheck"]["test"][1:])


def test_beat_healthcheck_reads_the_schedule_beat_writes(services: dict[str, Any]) -> None:
    """beat's --schedule and its healthcheck name the same file."""
    argv = as_argv(services["beat"]["command"])
    schedule = argv[argv.index("--schedule") + 1]
    assert f"'{schedule}*'" in " ".join(services["beat"]["healthcheck"]["test"])


@pytest.mark.parametrize("service", APP_SERVICES)
def test_app_service_waits_for_healthy_backends(services: dict[str, Any], service: str) -> None:
    """App processes start once PostgreSQL and Redis are healthy and migrations have run."""
    depends_on = services[service]["depends_on"]
    assert depends_on["db"]["condition"] == "service_healthy"
    assert depends_on["redis"]["condition"] == "service_healthy"
    assert depends_on["migrate"]["condition"] == "service_completed_successfully"


def test_migrate_runs_once_against_healthy_db(services: dict[str, Any]) -> None:
    """The one-shot migrate service applies migrations when the database answers, and is not restarted."""
    migrate = services["migrate"]
    assert as_argv(migrate["command"])[:3] == ["python", "manage.py", "migrate"]
    assert migrate["depends_on"]["db"]["condition"] == "service_healthy"
    assert migrate["restart"] == "no"


def test_backing_services(services: dict[str, Any], compose: dict[str, Any]) -> None:
    """PostgreSQL 16 keeps its data in a named volume; Redis is version 7."""
    assert services["db"]["image"] == "postgres:16"
    assert services["redis"]["image"] == "redis:7"
    volume = next(v for v in services["db"]["volumes"] if v.endswith(":/var/lib/postgresql/data"))
    assert volume.split(":")[0] in compose["volumes"]
    assert services["db"]["environment"]["POSTGRES_PASSWORD"].startswith("${POSTGRES_PASSWORD:?")


@pytest.mark.parametrize("service", APP_SERVICES)
def test_app_services_share_the_media_volume(services: dict[str, Any], compose: dict[str, Any], service: str) -> None:
    # The worker writes Price List files that web serves: both must see the same folder.
    assert "media-data:/app/media" in services[service]["volumes"]
    assert "media-data" in compose["volumes"]
    assert "chown storefront:storefront /app/media" in (ROOT / "Dockerfile").read_text()


def test_dockerfile_builds_from_pyproject_and_serves_with_gunicorn() -> None:
    """python:3.11-slim, Pango from apt, deps from pyproject.toml, static collected, non-root gunicorn."""
    instructions = dockerfile_instructions()
    keywords = [keyword for keyword, _ in instructions]
    arguments = {keyword: [args for kw, args in instructions if kw == keyword] for keyword in keywords}

    assert instructions[0] == ("FROM", "python:3.11-slim")

    apt = next(args for args in arguments["RUN"] if "apt-get install" in args)
    # The same system packages the Makefile installs for development.
    makefile_packages = re.search(r"^APT_PACKAGES\s*:=\s*(.+)$", (ROOT / "Makefile").read_text(), re.MULTILINE)
    assert makefile_packages
    assert set(makefile_packages.group(1).split()) <= set(apt.split())

    # pyproject.toml is copied alone and installed before the code, so the dependency layer is cached.
    copies = [(index, args.split()) for index, (kw, args) in enumerate(instructions) if kw == "COPY"]
    first_copy, first_sources = copies[0]
    assert first_sources[0] == "pyproject.toml" and "." not in first_sources
    pip_install = next(i for i, (kw, args) in enumerate(instructions) if kw == "RUN" and re.search(r"pip install \.(\s|$)", args))
    code_copy = next(index for index, sources in copies if sources[0] == ".")
    assert first_copy < pip_install < code_copy

    collectstatic = next(args for args in arguments["RUN"] if "collectstatic" in args)
    assert "SECRET_KEY=" in collectstatic and "--noinput" in collectstatic

    user = arguments["USER"][-1]
    assert user not in {"root", "0"}
    assert keywords.index("USER") > max(i for i, kw in enumerate(keywords) if kw == "RUN")

    cmd = json.loads(arguments["CMD"][-1])
    assert cmd[:2] == ["gunicorn", "storefront.wsgi:application"]
    assert cmd[cmd.index("--bind") + 1] == "0.0.0.0:8000"


def test_dockerignore_keeps_local_state_out_of_the_image() -> None:
    """The build context leaves out the virtualenv, the SQLite file and any .env with secrets."""
    ignored = set((ROOT / ".dockerignore").read_text().split())
    assert {".venv", ".git", ".env", "db.sqlite3"} <= ignored


def test_deploy_check_passes_with_production_defaults() -> None:
    """With DEBUG off and no overrides, the settings pass `check --deploy` without a single warning."""
    result = run_deploy_check(production_env())
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "System check identified no issues" in output, output
    assert "WARNING" not in output and "?: (security." not in output, output


def test_deploy_check_catches_the_test_relaxations() -> None:
    """The check above is not vacuous: the test suite's relaxed values do fail it."""
    relaxed = {"SECURE_SSL_REDIRECT": "0", "SESSION_COOKIE_SECURE": "0"}
    result = run_deploy_check(production_env(**relaxed))
    output = result.stdout + result.stderr
    assert result.returncode != 0, output
    assert "security.W008" in output and "security.W012" in output, output


READ_CACHE = "import django; django.setup(); from django.conf import settings; print(settings.CACHES['default']['BACKEND'])"


def _without_redis(**overrides: str) -> dict[str, str]:
    env = production_env(**overrides)
    env.pop("REDIS_URL", None)
    return env


def test_production_refuses_to_start_without_redis() -> None:
    """Without REDIS_URL every process would keep its own cache, and the per-address limits would count
    per process: the settings refuse, saying why."""
    for command in ([sys.executable, "-c", READ_CACHE], [sys.executable, "manage.py", "check"]):
        result = subprocess.run(command, cwd=ROOT, env=_without_redis(), capture_output=True, text=True, timeout=120)
        assert result.returncode != 0
        assert "ImproperlyConfigured: REDIS_URL must be set when DEBUG is off" in result.stderr, result.stderr[-2000:]
    # An empty value is no Redis either
    result = subprocess.run([sys.executable, "-c", READ_CACHE], cwd=ROOT, env=_without_redis(REDIS_URL=""), capture_output=True, text=True, timeout=120)
    assert result.returncode != 0 and "REDIS_URL must be set" in result.stderr


def test_production_with_redis_uses_the_resilient_redis_cache() -> None:
    result = subprocess.run([sys.executable, "-c", READ_CACHE], cwd=ROOT, env=production_env(), capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == "storefront.cache.ResilientRedisCache"


def test_compose_gives_every_app_service_redis(services: dict[str, Any]) -> None:
    """migrate included: every process started from the image runs the production settings."""
    app_services = {name: spec for name, spec in services.items() if spec.get("image") == "storefront:latest"}
    assert {"migrate", *APP_SERVICES} <= set(app_services)
    for name, spec in app_services.items():
        assert str(spec["environment"]["REDIS_URL"]).startswith("redis://"), name


def test_the_images_build_step_collects_static_files_without_redis(tmp_path) -> None:
    """The Dockerfile's collectstatic step, with the variables it sets and no Redis in sight."""
    collectstatic = next(args for kw, args in dockerfile_instructions() if kw == "RUN" and "collectstatic" in args)
    step = collectstatic.split("&&")[0].split()
    assignments = dict(word.split("=", 1) for word in step[: step.index("python")])
    assert assignments.get("LOCAL_CACHE") == "1" and "REDIS_URL" not in assignments
    env = _without_redis(STATIC_ROOT=str(tmp_path / "static"))
    env.pop("SECRET_KEY")
    env.update(assignments)
    result = subprocess.run(
        [sys.executable, *step[step.index("python") + 1 :], "-v", "0"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert (tmp_path / "static" / "staticfiles.json").exists()
