"""On SQLite (the embedded default) every connection writes ahead to a log and syncs each commit.

The write-ahead log makes a commit one append and one sync (the rollback journal syncs three files),
and lets readers go on while a writer commits; synchronous=FULL keeps each commit durable. Read off a
real file database in a fresh interpreter, as `make run` opens it (the suite's own SQLite is in memory,
where there is no journal to choose).
"""

from __future__ import annotations

import subprocess
import sys

from tests.storefront.production import ROOT, production_env

READ_PRAGMAS = (
    "from django.db import connection\n"
    "with connection.cursor() as cursor:\n"
    "    cursor.execute('PRAGMA journal_mode'); journal = cursor.fetchone()[0]\n"
    "    cursor.execute('PRAGMA synchronous'); synchronous = cursor.fetchone()[0]\n"
    "print(journal, synchronous)\n"
)


def test_a_file_database_is_opened_with_a_write_ahead_log_and_durable_commits(tmp_path):
    env = production_env(DATABASE_URL=f"sqlite:///{tmp_path / 'store.sqlite3'}")
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "-v", "0", "-c", READ_PRAGMAS], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    # synchronous: 2 is FULL.
    assert result.stdout.split() == ["wal", "2"]
