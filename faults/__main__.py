"""`python -m faults` (`make faults`): start the store's processes, inject each fault, check the ledger.

Prints one row of figures per fault and exits non-zero on any ledger problem, on a fault that could
not be exercised, or on a process that died. `--only redis,db-killed` runs some; `--keep-logs` keeps
the processes' logs. See faults/__init__.py for what each fault does and what it proves.
"""

from __future__ import annotations

import argparse
import os
import secrets
import signal
import sys
import time
import traceback

from bench.load import TEST_ONLY_ENV
from faults.ledger import Figures
from faults.stack import DEFAULT_DATABASE_URL, Stack, _say

RESELLERS = 10


class Suite:
    """What the faults share: the stack, signed-in resellers, the back office, the knobs."""

    def __init__(self, stack: Stack, *, redis_down_seconds: float, orders: int) -> None:
        from faults.shop import Reseller

        self.stack = stack
        self.redis_down_seconds = redis_down_seconds
        self.orders = orders
        self.psycopg_url = stack.database_url
        usernames = [f"load.reseller{index + 1:03d}" for index in range(RESELLERS)]
        from accounts.management.commands.seed_demo import DEMO_PASSWORD

        self.resellers = [
            Reseller(base_url=stack.base_url, username=name, password=DEMO_PASSWORD, address=f"127.0.0.{40 + index}")
            for index, name in enumerate(usernames)
        ]
        for reseller in self.resellers:
            reseller.sign_in()

    @staticmethod
    def email_of(reseller: object) -> str:
        from accounts.models import User

        return User.objects.get(username=reseller.username).email.lower()

    def admin_failed_emails_page(self) -> str:
        """The back office's list of failed emails, as a superuser signed in over HTTP sees it."""
        import requests
        from django.contrib.auth import get_user_model

        from bench.pages import SourceAddressAdapter, form_with

        password = secrets.token_urlsafe(16)
        user, _ = get_user_model().objects.get_or_create(username="faults.admin", defaults={"email": "faults.admin@store.test"})
        user.is_staff = user.is_superuser = True
        user.set_password(password)
        user.save()
        http = requests.Session()
        http.mount("http://", SourceAddressAdapter("127.0.0.90"))
        base = self.stack.base_url
        page = http.get(f"{base}/backoffice/login/", timeout=30)
        form = form_with(page.text, "username")
        data = {**(form.fields if form else {}), "username": "faults.admin", "password": password, "next": "/backoffice/"}
        http.post(f"{base}/backoffice/login/", data=data, timeout=30, headers={"Referer": f"{base}/backoffice/login/"})
        listing = http.get(f"{base}/backoffice/storefront/outboundemail/", params={"state__exact": "failed"}, timeout=30)
        return listing.text if listing.status_code == 200 else ""


def table(results: list[Figures]) -> str:
    lines = [
        f"{'fault':<30} {'orders sub/placed':>17} {'emails exp/sent':>15} {'dup':>4} {'refused':>7} {'recover s':>9} {'took s':>6}  ledger"
    ]
    for f in results:
        recovery = "-" if f.recovery_seconds is None else f"{f.recovery_seconds:.1f}"
        lines.append(
            f"{f.fault:<30} {f'{f.submitted}/{f.placed}':>17} {f'{f.emails_expected}/{f.emails_sent}':>15} {f.duplicates:>4} "
            f"{f.refused:>7} {recovery:>9} {f.seconds:>6.1f}  {'ok' if f.ok else 'PROBLEMS'}"
        )
    for f in results:
        for note in f.notes:
            lines.append(f"  {f.fault}: {note}")
        for problem in f.problems:
            lines.append(f"  {f.fault}: PROBLEM {problem}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    from faults.cases import FAULTS

    parser = argparse.ArgumentParser(description="The fault suite: nothing lost, nothing sent twice.")
    parser.add_argument("--only", default="", help=f"comma-separated faults to run (default all: {', '.join(FAULTS)})")
    parser.add_argument("--redis-down-seconds", type=float, default=60.0, help="how long Redis stays stopped (default 60: the issue's minute)")
    parser.add_argument("--orders", type=int, default=200, help="orders placed while the worker is stopped (default 200)")
    parser.add_argument("--database-url", default=os.environ.get("FAULTS_DATABASE_URL", DEFAULT_DATABASE_URL))
    parser.add_argument("--keep-logs", action="store_true")
    args = parser.parse_args(argv)
    chosen = [name.strip() for name in args.only.split(",") if name.strip()] or list(FAULTS)
    unknown = set(chosen) - set(FAULTS)
    if unknown:
        parser.error(f"unknown faults: {sorted(unknown)}")
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))

    started = time.monotonic()
    stack = Stack(database_url=args.database_url)
    results: list[Figures] = []
    failed_setup = False
    try:
        stack.prepare(resellers=RESELLERS)
        # This process reads and checks the same database with the store's own models and settings.
        for key in TEST_ONLY_ENV:
            os.environ.pop(key, None)
        os.environ.update(stack.env())
        import django

        django.setup()
        stack.start()
        suite = Suite(stack, redis_down_seconds=args.redis_down_seconds, orders=args.orders)
        for name in chosen:
            _say(f"fault: {name}")
            try:
                figures = FAULTS[name](suite)
            except Exception as exc:  # a fault that could not run is a failure of the suite, reported in its row
                figures = Figures(name, problems=[f"{type(exc).__name__}: {exc}"])
                traceback.print_exc()
            dead = stack.check_alive()
            if dead:
                figures.problems.append(f"processes died: {dead}")
            results.append(figures)
            _say(f"{name}: {'ok' if figures.ok else 'PROBLEMS'} in {figures.seconds:.1f}s")
    except Exception:
        failed_setup = True
        traceback.print_exc()
        for process in stack.started:
            print(f"----- {process.name} (exit {process.popen.poll()}) -----\n{process.output()}", file=sys.stderr)
    finally:
        stack.close(keep_logs=args.keep_logs or failed_setup or any(not f.ok for f in results))
    print(table(results))
    print(f"\n{len(results)} faults in {time.monotonic() - started:.0f}s (Redis down {args.redis_down_seconds:.0f}s; "
          f"{args.orders} orders with the worker stopped)")
    return 0 if results and not failed_setup and all(f.ok for f in results) else 1


if __name__ == "__main__":
    sys.exit(main())
