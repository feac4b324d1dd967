"""`python -m bench --tier m`: build the tier's data, run every scenario against its floor, report.

Scenario modules (bench.scenarios.pages, bench.scenarios.heavy) expose `run(tier, samples)` and return
harness Results; bench.load (when present) runs the HTTP load and returns plain dicts. The runner never
fails on a timing: its exit status says only whether it could measure.
"""

from __future__ import annotations

import argparse
import importlib
import inspect
import os
import platform
import sys
import time
import traceback
from pathlib import Path

from bench.data import TIERS, TierError, check_database, database_url

SCENARIO_MODULES = ("pages", "heavy")
ROOT = Path(__file__).resolve().parent.parent


def _environment(url: str) -> None:
    """The production settings, minus what an in-process client cannot do (HTTPS); set before Django loads."""
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "storefront.settings")
    os.environ.setdefault("SECRET_KEY", "bench-only-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz")
    os.environ.setdefault("DEBUG", "0")
    os.environ.setdefault("ALLOWED_HOSTS", "testserver,127.0.0.1,localhost")
    os.environ.setdefault("SECURE_SSL_REDIRECT", "0")
    os.environ.setdefault("SESSION_COOKIE_SECURE", "0")
    os.environ.setdefault("CSRF_COOKIE_SECURE", "0")
    os.environ.setdefault("SECURE_HSTS_SECONDS", "0")
    os.environ.setdefault("STATICFILES_STORAGE", "django.contrib.staticfiles.storage.StaticFilesStorage")
    os.environ.setdefault("EMAIL_BACKEND", "django.core.mail.backends.locmem.EmailBackend")
    # The pages are measured in this one process: without a Redis, its cache may be its own memory.
    if not os.environ.get("REDIS_URL"):
        os.environ.setdefault("LOCAL_CACHE", "1")


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.splitlines()[0])
    parser.add_argument("--tier", default="m", choices=sorted(TIERS), help="m (24,000 products) or xl (1,000,000, PostgreSQL only)")
    parser.add_argument("--samples", type=int, default=30, help="warm samples per scenario (default 30)")
    parser.add_argument("--only", default="", help="comma-separated scenario modules (pages, heavy, load) or scenario names")
    parser.add_argument("--skip-build", action="store_true", help="use the tier's database as it is")
    parser.add_argument("--no-load", action="store_true", help="skip the HTTP load")
    parser.add_argument("--out", type=Path, default=ROOT, help=argparse.SUPPRESS)  # the smoke test writes elsewhere
    return parser.parse_args(argv)


def _wanted(only: set[str], module: str) -> tuple[bool, set[str] | None]:
    """Whether to run a module, and the scenario names to keep within it (None: all)."""
    if not only or module in only:
        return True, None
    names = {name for name in only if name not in (*SCENARIO_MODULES, "load")}
    return bool(names), names


def _machine(url: str) -> dict:
    from django.db import connection

    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    version = connection.vendor
    with connection.cursor() as cursor:
        cursor.execute("SELECT version()" if connection.vendor == "postgresql" else "SELECT sqlite_version()")
        version = f"{connection.vendor} {cursor.fetchone()[0].split(' on ')[0]}"
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "python": platform.python_version(),
        "django": __import__("django").get_version(),
        "database": version,
        "platform": platform.platform(),
    }


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    tier = TIERS[args.tier]
    url = database_url(tier)
    try:
        check_database(tier, url)
    except TierError as exc:
        print(exc, file=sys.stderr)
        return 2
    _environment(url)
    import django

    django.setup()
    from bench import data, report

    build_seconds = None
    if args.skip_build:
        if not data.is_built(tier):
            print(f"--skip-build, but the tier's data is missing or incomplete: {data.counts()}", file=sys.stderr)
            return 2
    else:
        build_seconds = data.build(tier)

    only = {name.strip() for name in args.only.split(",") if name.strip()}
    started = time.monotonic()
    results = []
    failures = []
    for module_name in SCENARIO_MODULES:
        run, names = _wanted(only, module_name)
        if not run:
            continue
        try:
            module = importlib.import_module(f"bench.scenarios.{module_name}")
        except ModuleNotFoundError as exc:
            if exc.name != f"bench.scenarios.{module_name}":
                raise
            print(f"({module_name}: not present, skipped)")
            continue
        kwargs = {"only": names} if names is not None and "only" in inspect.signature(module.run).parameters else {}
        print(f"Running {module_name} ({args.samples} samples) ...", flush=True)
        try:
            found = module.run(args.tier, args.samples, **kwargs)
        except Exception:
            traceback.print_exc()
            failures.append(module_name)
            continue
        if names is not None and not kwargs:
            found = [r for r in found if any(r.name.startswith(name) for name in names)]
        results += found
    http_load: list[dict] = []
    if not args.no_load and (not only or "load" in only):
        try:
            load = importlib.import_module("bench.load")
        except ModuleNotFoundError as exc:
            if exc.name != "bench.load":
                raise
            load = None
        if load is not None:
            print("Running the HTTP load ...", flush=True)
            try:
                http_load = load.run()
            except Exception:
                traceback.print_exc()
                failures.append("load")
    run_seconds = time.monotonic() - started
    report.write(
        results,
        http_load=http_load,
        machine={**_machine(url), "tier": args.tier, "samples": args.samples},
        timings={"build_seconds": build_seconds, "run_seconds": round(run_seconds, 1)},
        out=args.out,
        partial=bool(only),
    )
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
